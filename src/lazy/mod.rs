//! What loads on demand: two on-demand modules and the app's bridge to them. The job module
//! (bin `fastexec-job`) holds the job view alone, so a job link downloads little beside the
//! form; the tools module (bin `fastexec-tools`) holds the form's other panels and the history.
//! A first visit to the form downloads neither; the app imports one the first time one of its
//! [`Panel`]s is shown ([`Panel::module`]).
//!
//! - [`Panel`]: the kinds of panel the modules mount, shared by both sides of the bridge
//!   (plain Rust, tested natively).
//! - [`bridge`]: loading a module (and the panels' stylesheet) and calling its exports.
//! - [`host`]: the modules' side: the mounted panels and the exports that reach them.
//! - [`remote`]: the component that shows one panel of the module in the app, with a loading
//!   note and a Retry when the module cannot be loaded.

pub mod bridge;
pub mod host;
pub mod remote;

pub use remote::Remote;

/// A panel of the on-demand module, and what its payload (text, as everything crossing the
/// bridge) holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// The job view. Payload: a `/jobs/...` link; its message: the draft JSON for "Redo".
    Job,
    /// The jobs launched from this browser. Payload: any text, a new value re-reads the list;
    /// its message: the link of the job clicked.
    Recent,
    /// The request preview. Payload: the validated request as JSON, "" while the form has
    /// errors.
    Preview,
    /// The details of a permission answer. Payload: the `permission` object as sent.
    Permission,
    /// The rolling section's settings and batch plan. Payload: a
    /// [`crate::rolling::RollingPayload`] as JSON; its message: a
    /// [`crate::rolling::RollingMessage`] as JSON, after every change.
    Rolling,
    /// The job history (`/jobs`). Payload: the form's business as `"{scope_type}/{scope_id}"`
    /// (the URL's query names the filters); its message: the link of the job clicked.
    History,
    /// The high-risk check under the script editor ([`crate::danger`]). Payload:
    /// [`crate::danger::payload`]; its message: a [`crate::danger::Gate`] as text, after every
    /// change.
    Danger,
    /// The host check (`query_agent_info`). Payload: `"{scope_type}/{scope_id}\n{host_id_list}"`
    /// (the form's business, then its host ID box as typed; [`crate::hostcheck::payload`]).
    /// Its messages ([`crate::hostcheck::for_form`]): `replace\t{text}` when the user removes
    /// the abnormal and unknown hosts (the new `host_id_list` text), else a gate as
    /// [`Panel::Danger`]'s: `ask\t{zh}\t{en}` while a finished check lists abnormal or unknown
    /// hosts (the launch asks first), "" otherwise.
    HostCheck,
    /// The execution account picker ([`crate::pickers`]). Payload: the form's business as
    /// `"{scope_type}/{scope_id}"` (a new one asks again). Its messages
    /// ([`crate::pickers::PickerMessage`]): `account_id\t{id}` or `account_alias\t{alias}` (the
    /// user's choice of field, kept in localStorage by the picker) when an account is chosen;
    /// `close` when the user closes it (Close, or Esc on an empty search).
    AccountPicker,
    /// The script library picker ([`crate::pickers`]). Payload: a
    /// [`crate::pickers::script::ScriptPayload`], `"{scope_type}/{scope_id}\t{source}"` with
    /// the form's script source `script_id` or `script_version_id` (what "Use" fills; anything
    /// else picks by version). Its messages: `script_id\t{id}` or `script_version_id\t{id}`
    /// when a version that may run by that source is chosen; `copy\t{script_language}\t{content}`
    /// for "Copy into the editor" (plain text, tabs and newlines kept; the app switches the
    /// source to typed content); `close`.
    ScriptPicker,
}

impl Panel {
    /// Every panel.
    pub const ALL: [Panel; 10] = [
        Panel::Job,
        Panel::Recent,
        Panel::Preview,
        Panel::Permission,
        Panel::Rolling,
        Panel::History,
        Panel::Danger,
        Panel::HostCheck,
        Panel::AccountPicker,
        Panel::ScriptPicker,
    ];

    /// The name that crosses the bridge (and the host element's `data-panel`).
    pub fn name(self) -> &'static str {
        match self {
            Panel::Job => "job",
            Panel::Recent => "recent",
            Panel::Preview => "preview",
            Panel::Permission => "permission",
            Panel::Rolling => "rolling",
            Panel::History => "history",
            Panel::Danger => "danger",
            Panel::HostCheck => "hostcheck",
            Panel::AccountPicker => "account-picker",
            Panel::ScriptPicker => "script-picker",
        }
    }

    /// The module that holds this panel.
    pub fn module(self) -> Module {
        match self {
            Panel::Job => Module::Job,
            _ => Module::Tools,
        }
    }

    /// The panel a name stands for: the module and the app may come from different builds
    /// (a cached app, a new module), so an unknown name is an error to report, not a panic.
    pub fn from_name(name: &str) -> Option<Panel> {
        Panel::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// An on-demand module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Module {
    /// `fastexec-job.js` + `fastexec-job_bg.wasm`: the job view.
    Job,
    /// `fastexec-tools.js` + `fastexec-tools_bg.wasm`: everything else.
    Tools,
}

impl Module {
    /// Its files' stem in `dist/` (`{stem}.js`, `{stem}_bg.wasm`).
    pub fn stem(self) -> &'static str {
        match self {
            Module::Job => "fastexec-job",
            Module::Tools => "fastexec-tools",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_distinct() {
        for p in Panel::ALL {
            assert_eq!(Panel::from_name(p.name()), Some(p));
        }
        let mut names: Vec<_> = Panel::ALL.iter().map(|p| p.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Panel::ALL.len());
        assert_eq!(Panel::from_name("Job"), None);
        assert_eq!(Panel::from_name(""), None);
    }

    #[test]
    fn only_the_job_view_is_in_the_job_module() {
        // A job link downloads the form and the job module: nothing else may be there.
        for p in Panel::ALL {
            assert_eq!(p.module() == Module::Job, p == Panel::Job, "{p:?}");
        }
        assert_ne!(Module::Job.stem(), Module::Tools.stem());
    }
}
