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
                    get=|d| d.host_id_list.clone()
                    set=|d, v| d.host_id_list = v
                    count=|c| c.host_id_list
                />
                <BulkInput
                    field=Field::IpList
                    label=|t| t.ip_list
                    hint=|t| t.ip_list_hint
                    get=|d| d.ip_list.clone()
                    set=|d, v| d.ip_list = v
                    count=|c| c.ip_list
                />
                <BulkInput
                    field=Field::DynamicGroupList
                    label=|t| t.dynamic_group_list
                    hint=|t| t.dynamic_group_list_hint
                    get=|d| d.dynamic_group_list.clone()
                    set=|d, v| d.dynamic_group_list = v
                    count=|c| c.dynamic_group_list
                />
                <BulkInput
                    field=Field::TopoNodeList
                    label=|t| t.topo_node_list
                    hint=|t| t.topo_node_list_hint
                    get=|d| d.topo_node_list.clone()
                    set=|d, v| d.topo_node_list = v
                    count=|c| c.topo_node_list
                />
            </div>
        </fieldset>
    }
}
