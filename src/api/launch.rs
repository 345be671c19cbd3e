//! Sending the launch: the call built by [`super::call::launch_call`], sent by the one client,
//! the answer classified by [`crate::outcome::classify`].

use bkjob_api::{FastExecuteScriptRequest, Lang};

use super::call::launch_call;
use super::client::{send, Failure};
use crate::connection::Connection;
use crate::outcome::{classify, Outcome};
use crate::web::fetch::decode_utf8;

/// How long a launch may take before it is aborted (the outcome is then unknown).
pub const LAUNCH_TIMEOUT_SECS: u32 = 60;

/// Send the launch: POST with the connection's headers and body, aborted after `timeout_secs`.
/// At most [`Connection::max_answer_bytes`] of the answer are read: a bigger one is
/// [`Outcome::TooLarge`] (the fetch is aborted). Every failure becomes an [`Outcome`];
/// nothing here panics or logs a secret.
pub async fn send_launch(
    conn: &Connection,
    request: &FastExecuteScriptRequest,
    ui_lang: Lang,
    timeout_secs: u32,
) -> Outcome {
    match send(launch_call(conn, request, ui_lang, timeout_secs)).await {
        Ok(reply) => classify(reply.status, &decode_utf8(&reply.bytes)),
        Err(Failure::Network(detail)) => Outcome::Network { detail },
        Err(Failure::Timeout(_)) => Outcome::Timeout {
            seconds: timeout_secs,
        },
        Err(Failure::TooLarge { max_bytes, .. }) => Outcome::TooLarge { max_bytes },
    }
}
