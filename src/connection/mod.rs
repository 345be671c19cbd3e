//! The connection to BK-JOB: the settings model ([`settings`]: endpoint, headers, body,
//! masked preview, curl), who adds the credentials ([`session`]: the app, or the server in
//! proxy mode) and, in the form's half of the app, its panel component.

pub mod session;
pub mod settings;

pub use session::Session;
pub use settings::{AuthMode, Connection, MessageLang, StoredConnection};
pub mod panel;
