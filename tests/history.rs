//! The history page in headless Chromium over a fake list API: what each search asks for
//! (window, filters, `start`/`length` of the page), paging, an answer that arrives after a
//! newer search is dropped, the permission panel, a filter problem said without a call.
//!
//! Run: `cargo test -p fastexec --target wasm32-unknown-unknown --test history`

#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::RefCell;
use std::rc::Rc;

use bkjob_api::{
    GetJobInstanceListRequest, JobInstanceListItem, Lang, PageData, Permission, PermissionAction,
};
use fastexec::api::job::{JobListApi, LocalFuture};
use fastexec::history::{HistoryQuery, HistoryViewWith};
use fastexec::job::CallError;
use leptos::prelude::*;
use support::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Answers every call with `total` matches (rows numbered from the page's start), or with
/// `error`; records the requests.
#[derive(Default)]
struct FakeList {
    total: i64,
    error: RefCell<Option<CallError>>,
    calls: RefCell<Vec<GetJobInstanceListRequest>>,
    /// Delay (ms) of the first answer only.
    first_delay: RefCell<Option<u64>>,
}

struct FakeListApi(Rc<FakeList>);

impl JobListApi for FakeListApi {
    fn job_list(
        &self,
        request: &GetJobInstanceListRequest,
    ) -> LocalFuture<Result<PageData<JobInstanceListItem>, CallError>> {
        let fake = self.0.clone();
        fake.calls.borrow_mut().push(request.clone());
        let req = request.clone();
        let delay = fake.first_delay.borrow_mut().take();
        Box::pin(async move {
            if let Some(ms) = delay {
                sleep(ms).await;
            }
            if let Some(e) = fake.error.borrow().clone() {
                return Err(e);
            }
            let start = req.start.unwrap_or(0);
            let length = req.length.flatten().unwrap_or(20);
            let rows: Vec<_> = (i64::from(start)..fake.total.min(i64::from(start + length)))
                .map(|i| JobInstanceListItem {
                    bk_scope_type: Some("biz".into()),
                    bk_scope_id: Some("2".into()),
                    job_instance_id: 1000 - i,
                    name: format!("job {i} {}", req.ip.clone().unwrap_or_default()),
                    operator: "admin".into(),
                    create_time: Some(1_700_000_000_000 - i * 1000),
                    launch_mode: 2,
                    status: 3,
                    type_: 1,
                    ..Default::default()
                })
                .collect();
            Ok(PageData {
                start,
                length,
                total: fake.total,
                data: (!rows.is_empty()).then_some(rows),
            })
        })
    }
}

fn mount(fake: &Rc<FakeList>, search: &str) -> (web_sys::HtmlElement, Box<dyn std::any::Any>) {
    let root = mount_point();
    let api: Rc<dyn JobListApi> = Rc::new(FakeListApi(fake.clone()));
    let query = HistoryQuery::from_search(search, ("biz", "2"));
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <HistoryViewWith query api=api.clone() lang=Signal::stored(Lang::En) /> }
    });
    (root, Box::new(handle))
}

fn rows(root: &web_sys::HtmlElement) -> u32 {
    children(root, "#history-table tbody")
}

#[wasm_bindgen_test]
async fn pages_are_asked_with_start_and_length_and_the_pager_follows_the_total() {
    let fake = Rc::new(FakeList {
        total: 45,
        ..Default::default()
    });
    let (root, _h) = mount(&fake, "status=3&ip=127.0.0.2");
    wait_for("page 1", || rows(&root) == 20).await;
    {
        let calls = fake.calls.borrow();
        let first = &calls[0];
        assert_eq!(first.start, Some(0));
        assert_eq!(first.length, Some(Some(20)));
        assert_eq!(first.status, Some(3));
        assert_eq!(first.ip.as_deref(), Some("127.0.0.2"));
        let (s, e) = (
            first.create_time_start.unwrap(),
            first.create_time_end.unwrap(),
        );
        assert_eq!(e - s, 24 * 3_600_000, "the default window is the last 24 h");
    }
    assert_eq!(
        attr(&root, "#history-summary", "data-total").as_deref(),
        Some("45")
    );
    assert!(q(&root, "#history-prev[disabled]").is_some());
    assert!(q(&root, "#history-next[disabled]").is_none());
    // the row links to its job view
    assert_eq!(
        attr(&root, r#"tr[data-job-instance-id="1000"] a"#, "href").as_deref(),
        Some("/jobs/biz/2/1000")
    );

    click(&root, "#history-next");
    wait_for("page 2", || {
        attr(&root, "#history-page", "data-page").as_deref() == Some("2")
    })
    .await;
    click(&root, "#history-next");
    wait_for("page 3", || {
        attr(&root, "#history-page", "data-page").as_deref() == Some("3")
    })
    .await;
    assert_eq!(rows(&root), 5);
    assert!(q(&root, "#history-next[disabled]").is_some());
    let starts: Vec<_> = fake.calls.borrow().iter().map(|c| c.start).collect();
    assert_eq!(starts, [Some(0), Some(20), Some(40)]);
    // the filters stayed
    assert!(fake
        .calls
        .borrow()
        .iter()
        .all(|c| c.ip.as_deref() == Some("127.0.0.2")));

    // a new search goes back to page 1
    type_into(&root, r#"input[name="ip"]"#, "127.0.0.3");
    click(&root, "#history-search");
    wait_for("page 1 again", || {
        attr(&root, "#history-page", "data-page").as_deref() == Some("1")
    })
    .await;
    let last = fake.calls.borrow().last().cloned().unwrap();
    assert_eq!(
        (last.start, last.ip.as_deref()),
        (Some(0), Some("127.0.0.3"))
    );
}

#[wasm_bindgen_test]
async fn an_older_answer_arriving_late_is_not_shown() {
    let fake = Rc::new(FakeList {
        total: 3,
        first_delay: RefCell::new(Some(300)),
        ..Default::default()
    });
    let (root, _h) = mount(&fake, "");
    // a second search before the first answer
    type_into(&root, r#"input[name="ip"]"#, "10.0.0.1");
    click(&root, "#history-search");
    wait_for("the newer answer", || {
        q(&root, r#"tr[data-job-instance-id="1000"] a"#)
            .and_then(|a| a.text_content())
            .is_some_and(|t| t.contains("10.0.0.1"))
    })
    .await;
    sleep(400).await;
    let name = q(&root, r#"tr[data-job-instance-id="1000"] a"#)
        .and_then(|a| a.text_content())
        .unwrap();
    assert!(
        name.contains("10.0.0.1"),
        "the late answer replaced it: {name}"
    );
}

#[wasm_bindgen_test]
async fn permission_errors_and_filter_problems_are_said_in_place() {
    let fake = Rc::new(FakeList::default());
    *fake.error.borrow_mut() = Some(CallError::Api {
        http_status: 200,
        code: 9_900_403,
        message: "no permission".into(),
        job_request_id: Some("r1".into()),
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
    let (root, _h) = mount(&fake, "scope_type=biz_set&scope_id=9000001");
    wait_for("the permission panel", || {
        q(
            &root,
            r#".job-error[data-kind="permission"] [data-action="access_business"]"#,
        )
        .is_some()
    })
    .await;
    assert_eq!(
        fake.calls.borrow()[0].bk_scope_type.as_deref(),
        Some("biz_set")
    );

    // a custom window over 30 days: said by the form, nothing sent
    let calls = fake.calls.borrow().len();
    click(&root, r#"button[data-range="custom"]"#);
    wait_for("the custom inputs", || {
        q(&root, r#"input[name="create_time_start"]"#).is_some()
    })
    .await;
    type_into(
        &root,
        r#"input[name="create_time_start"]"#,
        "2023-01-01T00:00",
    );
    type_into(
        &root,
        r#"input[name="create_time_end"]"#,
        "2023-03-01T00:00",
    );
    click(&root, "#history-search");
    wait_for("the window problem", || {
        q(&root, "#history-problem").is_some()
    })
    .await;
    assert_eq!(fake.calls.borrow().len(), calls);
    // no business: said in place, nothing sent
    type_into(&root, r#"input[name="bk_scope_id"]"#, " ");
    click(&root, r#"button[data-range="1h"]"#);
    wait_for("the scope problem", || {
        q(&root, "#history-problem")
            .and_then(|p| p.text_content())
            .is_some_and(|t| t.contains("business ID"))
    })
    .await;
    assert_eq!(fake.calls.borrow().len(), calls);
}
