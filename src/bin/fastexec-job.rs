//! The job module: the job view, loaded when a job is shown (a job link, a launch that created
//! a job, a row of the history or of the recent jobs). The app (`fastexec::lazy`) imports it
//! on demand; a job link downloads the form module and this one only, so it holds nothing but
//! the job view. The form's other panels are in `src/bin/fastexec-tools.rs`.

use std::any::Any;

use fastexec::job::{parse_job_route, JobView};
use fastexec::lazy::host::{send, Inputs};
use fastexec::lazy::Panel;
use fastexec::storage::draft_to_json;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

/// [`Panel::Job`]: payload a `/jobs/...` link; its message the draft JSON for "Redo".
fn mount(
    panel: Panel,
    parent: web_sys::HtmlElement,
    inputs: Inputs,
    callback: js_sys::Function,
) -> Result<Box<dyn Any>, JsValue> {
    if panel != Panel::Job {
        return Err(JsValue::from_str("not in the job module"));
    }
    let route = parse_job_route(&inputs.payload.get_untracked())
        .ok_or_else(|| JsValue::from_str("not a job link"))?;
    let Inputs { conn, lang, .. } = inputs;
    Ok(Box::new(leptos::mount::mount_to(parent, move || {
        let on_redo =
            Callback::new(move |draft: bkjob_api::Draft| send(&callback, &draft_to_json(&draft)));
        view! { <JobView route conn=Signal::from(conn) lang=Signal::from(lang) on_redo /> }
    })))
}

fastexec::panel_exports!(mount);

fn main() {}
