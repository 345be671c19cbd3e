//! The connection to BK-JOB: the settings model ([`settings`]: endpoint, headers, body,
//! masked preview, curl) and, in the form's half of the app, its panel component.

pub mod settings;

pub use settings::{AuthMode, Connection, MessageLang, StoredConnection};
pub mod panel;
