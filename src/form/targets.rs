//! The targets section: the four bulk-paste target lists.

use leptos::prelude::*;

use crate::form::field::Field;
use crate::form::inputs::BulkInput;
use crate::lazy::{Panel, Remote};
use crate::state::{tr, ui};
use crate::view_helpers::{memo, when};

/// The targets section.
#[component]
pub fn TargetSection() -> impl IntoView {
    let ui = ui();
    let has_hosts = memo(move || ui.draft.with(|d| !d.host_id_list.trim().is_empty()));
    // The host check follows the list once typing pauses (the draft was stored).
    let hosts_payload = memo(move || {
        ui.settled.track();
        ui.draft.with_untracked(|d| {
            crate::hostcheck::payload(&d.scope_type, &d.scope_id, &d.host_id_list)
        })
    });
    let on_message = Callback::new(move |m: String| match m.strip_prefix("replace\t") {
        Some(list) => ui.draft.update(|d| d.host_id_list = list.to_owned()),
        None => ui.host_gate.set(m),
    });
    view! {
        <fieldset class="section">
            <legend>{tr(|t| t.section_targets)}</legend>
            <div class="grid">
                <BulkInput
                    field=Field::HostIdList
                    label=|t| t.host_id_list
                    hint=|t| t.host_id_list_hint
                />
                {when(move || has_hosts.get(), move || {
                    // Gone with the list: nothing left to ask about.
                    on_cleanup(move || ui.host_gate.set(String::new()));
                    view! {
                        <div class="host-check">
                            <Remote
                                panel=Panel::HostCheck
                                payload=hosts_payload
                                on_message=on_message
                                loading=|t| t.panel_loading
                                failed=|t| t.check_load_failed
                            />
                        </div>
                    }
                })}
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
