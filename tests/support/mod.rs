//! What the job view's wasm tests share: waiting without fixed sleeps, DOM helpers, status
//! answers, and a scripted fake of the job API ([`FakeApi`]).

#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::Duration;

use bkjob_api::{
    BatchIpLogData, IpLogData, JobInstance, JobInstanceStatusData, Lang, OperateJobInstanceData,
    OperateStepInstanceData, ScriptTaskLog, StepInstance, StepInstanceStatusData, StepIpResult,
    StepOperation,
};
use fastexec::api::job::LocalFuture;
use fastexec::job::rounds::StepQuery;
use fastexec::job::{CallError, JobApi, JobRoute, JobViewWith, PollSchedule};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, EventInit, HtmlElement, HtmlInputElement};

// ---------- helpers ----------

pub async fn sleep(ms: u64) {
    let state = Rc::new(RefCell::new((false, None::<Waker>)));
    let s2 = state.clone();
    set_timeout(
        move || {
            let mut st = s2.borrow_mut();
            st.0 = true;
            if let Some(w) = st.1.take() {
                w.wake();
            }
        },
        Duration::from_millis(ms),
    );
    std::future::poll_fn(|cx| {
        let mut st = state.borrow_mut();
        if st.0 {
            Poll::Ready(())
        } else {
            st.1 = Some(cx.waker().clone());
            Poll::Pending
        }
    })
    .await
}

/// Waits (up to 10 s) until `cond` holds; panics with `what` otherwise.
pub async fn wait_for(what: &str, cond: impl Fn() -> bool) {
    for _ in 0..1000 {
        leptos::task::tick().await;
        if cond() {
            return;
        }
        sleep(10).await;
    }
    panic!("timed out waiting for: {what}");
}

pub fn mount_point() -> HtmlElement {
    let document = document();
    let container = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&container).unwrap();
    container.unchecked_into()
}

pub fn q(root: &HtmlElement, css: &str) -> Option<Element> {
    root.query_selector(css).unwrap()
}

/// Element children of the first match (web-sys has no NodeList feature enabled here).
pub fn children(root: &HtmlElement, css: &str) -> u32 {
    q(root, css).map(|e| e.child_element_count()).unwrap_or(0)
}

/// Rendered host rows.
pub fn row_count(root: &HtmlElement) -> u32 {
    children(root, ".job-host-window")
}

#[wasm_bindgen(
    inline_js = "export function key_event(k) { return new KeyboardEvent('keydown', { key: k, bubbles: true }); }"
)]
extern "C" {
    fn key_event(key: &str) -> Event;
}

pub fn press(el: &HtmlElement, key: &str) {
    el.dispatch_event(&key_event(key)).unwrap();
}

pub fn attr(root: &HtmlElement, css: &str, name: &str) -> Option<String> {
    q(root, css).and_then(|e| e.get_attribute(name))
}

pub fn type_into(root: &HtmlElement, css: &str, value: &str) {
    let input: HtmlInputElement = q(root, css).unwrap().unchecked_into();
    input.set_value(value);
    let init = EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

pub fn click(root: &HtmlElement, css: &str) {
    q(root, css)
        .unwrap_or_else(|| panic!("{css} missing"))
        .unchecked_into::<HtmlElement>()
        .click();
}

pub fn host(id: i64, status: i32, tag: &str) -> StepIpResult {
    StepIpResult {
        bk_host_id: Some(id),
        ip: Some(format!("10.{}.{}.{}", id / 65536, id / 256 % 256, id % 256)),
        bk_cloud_id: Some(0),
        status,
        tag: tag.to_owned(),
        exit_code: Some(if status == 9 { 0 } else { 1 }),
        total_time: Some(1234),
        ..Default::default()
    }
}

pub fn status_answer(
    job_status: i32,
    finished: bool,
    hosts: Vec<StepIpResult>,
) -> JobInstanceStatusData {
    JobInstanceStatusData {
        finished,
        job_instance: JobInstance {
            job_instance_id: 42,
            name: "nightly cleanup".into(),
            status: job_status,
            start_time: Some(1_700_000_000_000),
            ..Default::default()
        },
        step_instance_list: vec![StepInstance {
            step_instance_id: 420,
            name: "step".into(),
            type_: 1,
            status: job_status,
            step_ip_result_list: Some(hosts),
            ..Default::default()
        }],
    }
}

// ---------- a fake server ----------

#[derive(Default)]
pub struct Fake {
    pub answers: RefCell<VecDeque<Result<JobInstanceStatusData, CallError>>>,
    /// Answer given when the queue is empty.
    pub fallback: RefCell<Option<Result<JobInstanceStatusData, CallError>>>,
    pub status_calls: Cell<u32>,
    pub in_flight: Cell<u32>,
    pub max_in_flight: Cell<u32>,
    pub delay_ms: Cell<u64>,
    pub terminate_calls: Cell<u32>,
    pub operate_calls: RefCell<Vec<i32>>,
    /// The next step operation's error (else it is accepted).
    pub operate_error: RefCell<Option<CallError>>,
    pub log_text: RefCell<String>,
    pub batch_sizes: RefCell<Vec<usize>>,
    /// `get_step_instance_status` queries asked, and how they are answered (else an error).
    pub step_queries: RefCell<Vec<StepQuery>>,
    pub step_answer: RefCell<Option<StepAnswer>>,
}

/// A scripted `get_step_instance_status`.
pub type StepAnswer = Box<dyn Fn(StepQuery) -> Result<StepInstanceStatusData, CallError>>;

pub struct FakeApi(pub Rc<Fake>);

impl JobApi for FakeApi {
    fn status(&self, _route: &JobRoute) -> LocalFuture<Result<JobInstanceStatusData, CallError>> {
        let f = self.0.clone();
        f.status_calls.set(f.status_calls.get() + 1);
        f.in_flight.set(f.in_flight.get() + 1);
        f.max_in_flight
            .set(f.max_in_flight.get().max(f.in_flight.get()));
        Box::pin(async move {
            let d = f.delay_ms.get();
            if d > 0 {
                sleep(d).await;
            }
            f.in_flight.set(f.in_flight.get() - 1);
            let next = f.answers.borrow_mut().pop_front();
            next.unwrap_or_else(|| {
                f.fallback
                    .borrow()
                    .clone()
                    .unwrap_or(Err(CallError::Network {
                        detail: "no answer scripted".into(),
                    }))
            })
        })
    }

    fn host_log(
        &self,
        _route: &JobRoute,
        _step: i64,
        host: &StepIpResult,
    ) -> LocalFuture<Result<IpLogData, CallError>> {
        let text = self.0.log_text.borrow().clone();
        let id = host.bk_host_id;
        Box::pin(async move {
            Ok(IpLogData {
                log_type: 1,
                bk_host_id: id,
                log_content: Some(text),
                ..Default::default()
            })
        })
    }

    fn batch_logs(
        &self,
        _route: &JobRoute,
        step: i64,
        host_ids: Vec<i64>,
    ) -> LocalFuture<Result<BatchIpLogData, CallError>> {
        self.0.batch_sizes.borrow_mut().push(host_ids.len());
        Box::pin(async move {
            Ok(BatchIpLogData {
                job_instance_id: 42,
                step_instance_id: step,
                log_type: 1,
                script_task_logs: Some(
                    host_ids
                        .into_iter()
                        .map(|id| ScriptTaskLog {
                            bk_host_id: Some(id),
                            log_content: Some("x".into()),
                            ..Default::default()
                        })
                        .collect(),
                ),
                file_task_logs: None,
            })
        })
    }

    fn terminate(
        &self,
        _route: &JobRoute,
    ) -> LocalFuture<Result<OperateJobInstanceData, CallError>> {
        self.0.terminate_calls.set(self.0.terminate_calls.get() + 1);
        Box::pin(async move {
            Ok(OperateJobInstanceData {
                job_instance_id: 42,
            })
        })
    }

    fn step_status(
        &self,
        _route: &JobRoute,
        _step: i64,
        query: StepQuery,
    ) -> LocalFuture<Result<StepInstanceStatusData, CallError>> {
        self.0.step_queries.borrow_mut().push(query);
        let answer = match self.0.step_answer.borrow().as_ref() {
            Some(f) => f(query),
            None => Err(CallError::Network {
                detail: "no step answer scripted".into(),
            }),
        };
        Box::pin(async move {
            sleep(5).await;
            answer
        })
    }

    fn operate_step(
        &self,
        _route: &JobRoute,
        step: i64,
        op: StepOperation,
    ) -> LocalFuture<Result<OperateStepInstanceData, CallError>> {
        self.0.operate_calls.borrow_mut().push(op.code());
        let error = self.0.operate_error.borrow_mut().take();
        Box::pin(async move {
            sleep(20).await;
            if let Some(e) = error {
                return Err(e);
            }
            Ok(OperateStepInstanceData {
                job_instance_id: 42,
                job_instance_name: None,
                step_instance_id: step,
            })
        })
    }
}

pub fn ms(v: u64) -> Duration {
    Duration::from_millis(v)
}

pub fn fast_schedule() -> PollSchedule {
    PollSchedule::new(vec![(ms(5), 4), (ms(10), 3)], ms(15), ms(60))
}

pub fn mount_view(
    fake: &Rc<Fake>,
    schedule: PollSchedule,
) -> (HtmlElement, leptos::mount::UnmountHandle<impl Mountable>) {
    let root = mount_point();
    let api: Rc<dyn JobApi> = Rc::new(FakeApi(fake.clone()));
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <JobViewWith
                route=JobRoute::new("biz", "2", 42)
                api=api.clone()
                lang=Signal::stored(Lang::En)
                schedule=schedule.clone()
            />
        }
    });
    (root, handle)
}
