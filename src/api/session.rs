//! Asking the page's own server who adds the credentials ([`crate::connection::session`]):
//! the call built by [`super::call::session_call`], sent by the one client.

use super::call::session_call;
use super::client::send;
use crate::connection::Session;
use crate::web::fetch::decode_utf8;

/// The session of the server at `base` ([`crate::connection::Connection::base`]); no answer
/// (offline, timeout, too large) is local mode, as for an old server.
pub async fn ask_session(base: &str) -> Session {
    match send(session_call(base)).await {
        Ok(reply) => Session::from_answer(reply.status, &decode_utf8(&reply.bytes)),
        Err(_) => Session::Local,
    }
}
