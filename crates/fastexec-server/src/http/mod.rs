//! The HTTP face of the server: the router (every route and layer in one place), the BK-JOB
//! error envelope and request extractors, the gateway's authentication, the defenses against
//! other web pages, the app's static files, and one module per API family.
//!
//! Layout: [`error`] (envelope), [`extractor`] (body/query/client address), [`query`] (GET
//! query strings bound as BK-JOB's Spring does), [`auth`] (credentials, throttle), [`esb`] (the
//! ESB face of every API), [`scope`] (scope interceptors and the job access check the
//! companion APIs share), [`guard`] (Host/Origin/Content-Type checks), [`web`] (static files,
//! security headers), then the APIs: [`launch`] (`fast_execute_script`), [`status`] and
//! [`logs`] (following a job), [`operate`] (terminate/start), [`step`] (step operations and
//! one step's status by round and batch), [`danger`] (`get_dangerous_rule_list`), [`agent`]
//! (`query_agent_info`), [`history`] (the job list), [`accounts`] and [`scripts`] (JOB's
//! libraries), and [`session`] (which mode the server is in, for the app). [`router`] picks
//! the local API or the gateway proxy's routes
//! ([`crate::proxy`]); both share the guard, the headers and the app's files.
//!
//! Every API has two faces, declared together in [`app`]'s table: the API gateway's
//! `/api/v3/{api}` (header credentials, gateway errors) and ESB's
//! `/api/c/compapi/v2/jobv3/{api}/` (GET and POST, header or body/query credentials, ESB
//! errors and `request_id`), each with and without the trailing slash, as both BlueKing
//! front ends match them (contract bk-job-api-more.md §1).

pub mod accounts;
pub mod agent;
pub mod auth;
pub mod danger;
pub mod error;
pub mod esb;
pub mod extractor;
pub mod guard;
pub mod history;
pub mod launch;
pub mod logs;
pub mod operate;
pub mod query;
pub mod scope;
pub mod scripts;
pub mod session;
pub mod status;
pub mod step;
pub mod web;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use bkjob_api::ApiResponse;

use crate::proxy::ProxyState;
use crate::AppState;
use error::ApiError;

/// What every BK-JOB handler answers: the envelope with its data, or an error envelope.
pub type ApiResult<T> = Result<Json<ApiResponse<T>>, ApiError>;
/// The shared state, as handlers extract it.
type St = State<Arc<AppState>>;

/// What both modes' front layers read: the guard and the Content-Security-Policy.
pub trait Front: Send + Sync + 'static {
    fn guard(&self) -> &guard::Guard;
    fn csp(&self) -> &str;
}

impl Front for AppState {
    fn guard(&self) -> &guard::Guard {
        &self.guard
    }
    fn csp(&self) -> &str {
        &self.csp
    }
}

impl Front for ProxyState {
    fn guard(&self) -> &guard::Guard {
        &self.guard
    }
    fn csp(&self) -> &str {
        &self.csp
    }
}

/// The server in either mode: the one place that picks local API routes or proxy routes.
pub enum Mode {
    Local(Arc<AppState>),
    Proxy(Arc<ProxyState>),
}

pub fn router(mode: Mode) -> Router {
    match mode {
        Mode::Local(state) => app(state),
        Mode::Proxy(state) => {
            // The gateway's answers are compressed on the way to the browser like local ones.
            let api = crate::proxy::routes()
                .layer(DefaultBodyLimit::max(state.max_body_bytes))
                .layer(tower_http::compression::CompressionLayer::new());
            let dist = state.dist.clone();
            with_app_and_layers(api, dist, state)
        }
    }
}

/// The router: the BK-JOB API, health, and the app (static files with SPA fallback).
pub fn app(state: Arc<AppState>) -> Router {
    let limit = state.max_body_bytes;
    // Each API: its name and BK-JOB's handlers (GET as well where the gateway resource is GET
    // or BK-JOB serves both). The ESB twin uses the POST handler: ESB always forwards POST.
    let table: Vec<(&str, MethodRouter<Arc<AppState>>)> = vec![
        ("fast_execute_script", post(launch::fast_execute_script)),
        (
            "get_job_instance_status",
            get(status::get_job_instance_status).post(status::get_job_instance_status),
        ),
        (
            "get_job_instance_ip_log",
            get(logs::get_job_instance_ip_log).post(logs::get_job_instance_ip_log),
        ),
        (
            "batch_get_job_instance_ip_log",
            post(logs::batch_get_job_instance_ip_log),
        ),
        ("operate_job_instance", post(operate::operate_job_instance)),
        ("operate_step_instance", post(step::operate_step_instance)),
        // GET only at the gateway (a POST is the gateway's 404, as for any method a resource
        // does not have). BK-JOB's ESB table has no channel for it; this server offers the
        // ESB path too, where ESB's POST reaches the same handler.
        (
            "get_step_instance_status",
            get(step::get_step_instance_status).fallback(web::api_not_found),
        ),
        // BK-JOB: gateway POST /api/v3/get_dangerous_rule_list (and /api/v3/system/…, app
        // only) and an ESB channel (job.yaml): both faces are BK's.
        (
            "get_dangerous_rule_list",
            post(danger::get_dangerous_rule_list),
        ),
        // BK-JOB's gateway has only /api/v3/system/query_agent_info (app authentication, no
        // user) and ESB no channel; this server offers the user face on both routes, with
        // the same handler, so the app can call it as it calls the others.
        ("query_agent_info", post(agent::query_agent_info)),
        (
            "get_job_instance_list",
            get(history::get_job_instance_list).post(history::get_job_instance_list),
        ),
        (
            "get_account_list",
            get(accounts::get_account_list).post(accounts::get_account_list),
        ),
        (
            "get_script_list",
            get(scripts::get_script_list).post(scripts::get_script_list),
        ),
        (
            "get_script_version_list",
            get(scripts::get_script_version_list).post(scripts::get_script_version_list),
        ),
        (
            "get_script_version_detail",
            get(scripts::get_script_version_detail).post(scripts::get_script_version_detail),
        ),
        (
            "get_public_script_list",
            get(scripts::public::get_public_script_list)
                .post(scripts::public::get_public_script_list),
        ),
        (
            "get_public_script_version_list",
            get(scripts::public::get_public_script_version_list)
                .post(scripts::public::get_public_script_version_list),
        ),
        (
            "get_public_script_version_detail",
            get(scripts::public::get_public_script_version_detail)
                .post(scripts::public::get_public_script_version_detail),
        ),
    ];
    let mut api = Router::new()
        .route(
            "/api/healthz",
            get(|| async { Json(serde_json::json!({"ok": true})) }),
        )
        .route("/api/fastexec/session", get(session::local));
    for (name, handlers) in table {
        let esb = if name == "get_step_instance_status" {
            esb::route(&state, post(step::get_step_instance_status))
        } else {
            esb::route(&state, handlers.clone())
        };
        for slash in ["", "/"] {
            api = api
                .route(&format!("/api/v3/{name}{slash}"), handlers.clone())
                .route(
                    &format!("/api/c/compapi/v2/jobv3/{name}{slash}"),
                    esb.clone(),
                );
        }
    }
    let api = api
        .route("/api/c/compapi/{*rest}", axum::routing::any(esb::not_found))
        .route("/api/{*rest}", axum::routing::any(web::api_not_found))
        .layer(DefaultBodyLimit::max(limit))
        // API answers only (a 50,000-host status answer shrinks 3-5x): the app's static files
        // are compressed once at build time and sent as they are (see `web`).
        .layer(tower_http::compression::CompressionLayer::new());
    let dist = state.dist.clone();
    with_app_and_layers(api, dist, state)
}

/// The API routes plus the app's files, behind the layers both modes share.
fn with_app_and_layers<S: Front>(
    api: Router<Arc<S>>,
    dist: Option<std::path::PathBuf>,
    state: Arc<S>,
) -> Router {
    api.merge(web::router(dist))
        // Outermost first on the way in: refuse foreign pages before anything runs, and put
        // the security headers on every answer, refusals included.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard_requests::<S>,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            web::security_headers::<S>,
        ))
        .with_state(state)
        .layer(crate::exec::panic_guard_layer())
        // Spans name the path only: a query string may carry credentials (ESB clients put
        // bk_app_secret / bk_token there) and must never reach a log.
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                |req: &axum::http::Request<axum::body::Body>| {
                    tracing::debug_span!("request", method = %req.method(), path = req.uri().path())
                },
            ),
        )
}
