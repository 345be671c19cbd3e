//! The launch form: the [`field`] model (the typed [`Field`] enum and the texts per field), the
//! shared field components ([`inputs`]), one file per section, the script [`editor`], and the
//! error summary and warnings ([`summary`]), and the pickers' buttons ([`picker`]).

pub mod editor;
pub mod exec;
pub mod field;
pub mod inputs;
pub mod param;
pub mod picker;
pub mod scope;
pub mod script;
pub mod summary;
pub mod targets;
pub mod task;

pub use exec::ExecSection;
pub use field::Field;
pub use param::ParamSection;
pub use scope::ScopeSection;
pub use script::ScriptSection;
pub use summary::{ErrorSummary, WarningList};
pub use targets::TargetSection;
pub use task::TaskSection;
