//! The targets section: the four bulk-paste target lists.

use leptos::prelude::*;

use crate::form::field::Field;
use crate::form::inputs::BulkInput;
use crate::state::tr;

/// The targets section.
#[component]
pub fn TargetSection() -> impl IntoView {
    view! {
        <fieldset class="section">
            <legend>{tr(|t| t.section_targets)}</legend>
            <div class="grid">
                <BulkInput
                    field=Field::HostIdList
                    label=|t| t.host_id_list
                    hint=|t| t.host_id_list_hint
                />
                <BulkInput
                    field=Field::IpList
                    label=|t| t.ip_list
                    hint=|t| t.ip_list_hint
                />
                <BulkInput
                    field=Field::DynamicGroupList
                    label=|t| t.dynamic_group_list
                    hint=|t| t.dynamic_group_list_hint
                />
                <BulkInput
                    field=Field::TopoNodeList
                    label=|t| t.topo_node_list
                    hint=|t| t.topo_node_list_hint
                />
            </div>
        </fieldset>
    }
}
