//! The host check panel in headless Chromium over a fake `query_agent_info`: the automatic
//! check marks the hosts and tells the app the abnormal count, "Remove" sends only the normal
//! hosts, large lists wait for the button and go in chunks with progress, a new list drops the
//! answer in flight, errors are said in place.
//!
//! Run: `cargo test -p fastexec --target wasm32-unknown-unknown --test hostcheck`

#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use bkjob_api::{
    AgentInfo, Lang, Permission, PermissionAction, QueryAgentInfoData, QueryAgentInfoRequest,
};
use fastexec::api::job::{AgentApi, LocalFuture};
use fastexec::hostcheck::view::HostCheckViewWith;
use fastexec::job::CallError;
use leptos::prelude::*;
use support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A server whose hosts are normal except `abnormal` and `unknown` (left out of the answer);
/// the next call fails with `error` when set; each call waits `delay_ms`.
#[derive(Default)]
struct FakeAgents {
    abnormal: Vec<i64>,
    unknown: Vec<i64>,
    error: RefCell<Option<CallError>>,
    delay_ms: Cell<u64>,
    calls: RefCell<Vec<QueryAgentInfoRequest>>,
}

struct FakeAgentApi(Rc<FakeAgents>);

impl AgentApi for FakeAgentApi {
    fn agent_info(
        &self,
        request: &QueryAgentInfoRequest,
    ) -> LocalFuture<Result<QueryAgentInfoData, CallError>> {
        let fake = self.0.clone();
        fake.calls.borrow_mut().push(request.clone());
        let ids = request.host_id_list.clone().unwrap_or_default();
        let error = fake.error.borrow_mut().take();
        Box::pin(async move {
            sleep(fake.delay_ms.get()).await;
            if let Some(e) = error {
                return Err(e);
            }
            let agent_info_list = ids
                .into_iter()
                .filter(|id| !fake.unknown.contains(id))
                .map(|id| AgentInfo {
                    bk_host_id: id,
                    status: if fake.abnormal.contains(&id) { 0 } else { 1 },
                    version: Some("2.1.4".into()),
                })
                .collect();
            Ok(QueryAgentInfoData { agent_info_list })
        })
    }
}

#[wasm_bindgen(inline_js = r#"
export function stub_clipboard(ok) {
  window.__copied = null;
  navigator.clipboard.writeText = (t) => {
    if (!ok) return Promise.reject(new Error("denied"));
    window.__copied = t;
    return Promise.resolve();
  };
}
export function copied() { return window.__copied; }
"#)]
extern "C" {
    /// Replace the clipboard's `writeText`: it keeps the text (`ok`) or refuses.
    fn stub_clipboard(ok: bool);
    fn copied() -> Option<String>;
}

struct Mounted {
    root: web_sys::HtmlElement,
    payload: RwSignal<String>,
    messages: RwSignal<Vec<String>>,
    _handle: Box<dyn std::any::Any>,
}

fn mount(fake: &Rc<FakeAgents>, payload: &str) -> Mounted {
    let root = mount_point();
    let api: Rc<dyn AgentApi> = Rc::new(FakeAgentApi(fake.clone()));
    let payload = RwSignal::new(payload.to_owned());
    let messages = RwSignal::new(Vec::<String>::new());
    let handle = leptos::mount::mount_to(root.clone(), move || {
        let on_message = Callback::new(move |m: String| messages.update(|v| v.push(m)));
        view! { <HostCheckViewWith payload api=api.clone() lang=Signal::stored(Lang::En) on_message /> }
    });
    Mounted {
        root,
        payload,
        messages,
        _handle: Box::new(handle),
    }
}

impl Mounted {
    fn last_message(&self) -> String {
        self.messages
            .with_untracked(|m| m.last().cloned().unwrap_or_default())
    }

    fn count(&self, state: &str) -> Option<String> {
        q(
            &self.root,
            &format!(r#"#hostcheck-counts [data-state="{state}"] strong"#),
        )
        .and_then(|e| e.text_content())
    }

    fn text(&self, css: &str) -> String {
        q(&self.root, css)
            .and_then(|e| e.text_content())
            .unwrap_or_default()
    }
}

fn ids(range: std::ops::RangeInclusive<i64>) -> String {
    range.map(|i| i.to_string()).collect::<Vec<_>>().join("\n")
}

#[wasm_bindgen_test]
async fn a_check_marks_the_hosts_and_tells_the_abnormal_count() {
    let fake = Rc::new(FakeAgents {
        abnormal: vec![104],
        unknown: vec![105],
        ..Default::default()
    });
    let m = mount(&fake, "biz/2\n101 102, 103\n104 x 105 101");
    wait_for("the first message", || m.last_message() == "unchecked").await;
    wait_for("the automatic check", || m.count("abnormal").is_some()).await;
    // one call, for the valid IDs once each, in the form's business
    {
        let calls = fake.calls.borrow();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].bk_scope_type.as_deref(), Some("biz"));
        assert_eq!(calls[0].bk_scope_id.as_deref(), Some("2"));
        assert_eq!(calls[0].host_id_list, Some(vec![101, 102, 103, 104, 105]));
    }
    assert_eq!(m.count("normal").as_deref(), Some("3"));
    assert_eq!(m.count("abnormal").as_deref(), Some("1"));
    assert_eq!(m.count("unknown").as_deref(), Some("1"));
    assert_eq!(
        attr(
            &m.root,
            r#"#hostcheck-list [data-host="104"]"#,
            "data-state"
        )
        .as_deref(),
        Some("abnormal")
    );
    assert_eq!(
        attr(
            &m.root,
            r#"#hostcheck-list [data-host="105"]"#,
            "data-state"
        )
        .as_deref(),
        Some("unknown")
    );
    assert!(q(&m.root, r#"#hostcheck-list [data-host="101"]"#).is_none());
    assert!(m.text("#hostcheck-status").contains("1 abnormal"));
    assert_eq!(m.last_message(), "abnormal\t1\t1");
    assert_eq!(
        m.messages.get_untracked(),
        ["unchecked", "abnormal\t1\t1"],
        "one message per change"
    );
    // the normal hosts are collapsed
    assert!(m.text("#hostcheck-normal summary").contains('3'));
    assert!(q(&m.root, "#hostcheck-normal[open]").is_none());
    assert!(q(&m.root, "#hostcheck-remove:not([hidden])").is_some());
    // Copy takes the abnormal hosts; a refused clipboard shows them to copy by hand.
    stub_clipboard(true);
    click(&m.root, "#hostcheck-copy");
    wait_for("the copy", || copied().as_deref() == Some("104")).await;
    assert!(q(&m.root, ".hostcheck-fallback").is_none());
    stub_clipboard(false);
    click(&m.root, "#hostcheck-copy");
    wait_for("the fallback", || {
        q(&m.root, ".hostcheck-fallback textarea").is_some()
    })
    .await;
    assert_eq!(m.text(".hostcheck-fallback textarea"), "104");

    // A space typed changes nothing; a new host is checked alone.
    m.payload.set("biz/2\n101 102, 103\n104 x 105 101 ".into());
    m.payload
        .set("biz/2\n101 102, 103\n104 x 105 101 106".into());
    wait_for("the list changed", || m.last_message() == "unchecked").await;
    wait_for("the new host", || m.count("normal").as_deref() == Some("4")).await;
    assert_eq!(fake.calls.borrow().len(), 2);
    assert_eq!(fake.calls.borrow()[1].host_id_list, Some(vec![106]));
    assert_eq!(m.last_message(), "abnormal\t1\t1");
}

#[wasm_bindgen_test]
async fn remove_sends_only_the_normal_hosts_in_the_users_order() {
    let fake = Rc::new(FakeAgents {
        abnormal: vec![7],
        unknown: vec![3],
        ..Default::default()
    });
    let m = mount(&fake, "biz/2\n9 7 1 3 5");
    wait_for("the check", || m.last_message() == "abnormal\t1\t1").await;
    click(&m.root, "#hostcheck-remove");
    assert_eq!(m.last_message(), "replace\t9\n1\n5");
    // The app puts the new list in the form: known already, no call, nothing to warn about.
    m.payload.set("biz/2\n9\n1\n5".into());
    wait_for("the result", || m.last_message() == "abnormal\t0\t0").await;
    assert_eq!(fake.calls.borrow().len(), 1);
    assert!(q(&m.root, "#hostcheck-remove[hidden]").is_some());
    assert!(m.text("#hostcheck-status").contains("all 3 host(s)"));
}

#[wasm_bindgen_test]
async fn a_large_list_waits_for_the_button_and_goes_in_chunks_with_progress() {
    let fake = Rc::new(FakeAgents {
        abnormal: vec![5_000, 12_000],
        ..Default::default()
    });
    fake.delay_ms.set(150);
    let m = mount(&fake, &format!("biz/2\n{}", ids(1..=12_000)));
    sleep(1_200).await;
    assert!(
        fake.calls.borrow().is_empty(),
        "no automatic check over 5,000"
    );
    assert!(m.text("#hostcheck-status").contains("over 5,000"));
    click(&m.root, "#hostcheck-run");
    wait_for("the progress", || {
        attr(&m.root, "#hostcheck-progress", "max").as_deref() == Some("3")
    })
    .await;
    assert!(m.text("#hostcheck-status").contains("of 3 batch(es)"));
    wait_for("the result", || m.last_message() == "abnormal\t2\t0").await;
    let sizes: Vec<usize> = fake
        .calls
        .borrow()
        .iter()
        .map(|c| c.host_id_list.as_ref().unwrap().len())
        .collect();
    assert_eq!(sizes, [5_000, 5_000, 2_000]);
    assert!(q(&m.root, "#hostcheck-progress").is_none());
    assert_eq!(m.count("normal").as_deref(), Some("11998"));
    // the normal ones are not listed one by one
    assert_eq!(children(&m.root, "#hostcheck-list"), 2);
}

#[wasm_bindgen_test]
async fn a_new_list_drops_the_answer_in_flight() {
    let fake = Rc::new(FakeAgents {
        abnormal: vec![1],
        ..Default::default()
    });
    fake.delay_ms.set(600);
    let m = mount(&fake, "biz/2\n1 2");
    wait_for("the first call", || fake.calls.borrow().len() == 1).await;
    m.payload.set("biz/2\n3".into());
    wait_for("the second call", || fake.calls.borrow().len() == 2).await;
    assert_eq!(fake.calls.borrow()[1].host_id_list, Some(vec![3]));
    wait_for("the result", || m.last_message() == "abnormal\t0\t0").await;
    // the first answer (host 1 abnormal) arrived in between and was not shown or sent
    assert!(!m
        .messages
        .get_untracked()
        .iter()
        .any(|m| m.contains("\t1\t")));
    assert!(q(&m.root, r#"[data-host="1"]"#).is_none());
    assert_eq!(m.count("normal").as_deref(), Some("1"));
}

#[wasm_bindgen_test]
async fn errors_are_said_in_place() {
    let fake = Rc::new(FakeAgents::default());
    *fake.error.borrow_mut() = Some(CallError::Api {
        http_status: 200,
        code: 9_900_403,
        message: "User is not allowed".into(),
        job_request_id: None,
        permission: Some(Box::new(Permission {
            system_id: "bk_job".into(),
            system_name: "Job".into(),
            actions: vec![PermissionAction {
                id: "access_business".into(),
                name: "Access business".into(),
                related_resource_types: vec![],
            }],
        })),
    });
    let m = mount(&fake, "biz/2\n101");
    wait_for("the permission note", || {
        q(&m.root, "#hostcheck-problem").is_some()
    })
    .await;
    assert_eq!(
        attr(&m.root, "#hostcheck-problem", "data-problem").as_deref(),
        Some("permission")
    );
    let text = m.text("#hostcheck-problem");
    assert!(text.contains("No access to this business"), "{text}");
    assert!(
        q(
            &m.root,
            r#"#hostcheck-problem [data-action="access_business"]"#
        )
        .is_some(),
        "{text}"
    );
    assert!(text.contains("form stays usable"), "{text}");
    assert_eq!(m.last_message(), "unchecked");

    // An older server without the API, then a lost connection: said, and Check again works.
    *fake.error.borrow_mut() = Some(CallError::Http {
        http_status: 404,
        excerpt: r#"{"result":false,"message":"The content does not exist"}"#.into(),
    });
    click(&m.root, "#hostcheck-run");
    wait_for("the no-API note", || {
        attr(&m.root, "#hostcheck-problem", "data-problem").as_deref() == Some("no-api")
    })
    .await;
    assert!(m.text("#hostcheck-problem").contains("query_agent_info"));
    *fake.error.borrow_mut() = Some(CallError::Network {
        detail: "Failed to fetch".into(),
    });
    click(&m.root, "#hostcheck-run");
    wait_for("the network note", || {
        attr(&m.root, "#hostcheck-problem", "data-problem").as_deref() == Some("network")
    })
    .await;
    click(&m.root, "#hostcheck-run");
    wait_for("the result", || m.last_message() == "abnormal\t0\t0").await;
    assert!(q(&m.root, "#hostcheck-problem").is_none());
    assert_eq!(fake.calls.borrow().len(), 4);
}
