//! The job view ships as a second wasm module (bin `fastexec-job`, built by Trunk as
//! `fastexec-job.js` + `fastexec-job_bg.wasm`) so a first visit to the form does not download
//! it. This is the app's side of the bridge: load the module once, then mount / update /
//! unmount the view through its exports (`src/bin/fastexec-job.rs`).
//!
//! Everything crosses as strings: the stored (secret-free) connection JSON, the secret and the
//! token separately (memory only, never stored), the language code and a redo callback that
//! receives the draft JSON.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
let loading = null;
let failures = 0;
export function load_job_module() {
  if (!loading) {
    // Relative to this snippet (dist/snippets/<crate>/), so the app works under any base path.
    const base = new URL('../../', import.meta.url);
    // After a failure every later try gets a fresh URL: the browser keeps a failed module
    // fetch in its module map for the page's lifetime.
    const q = failures > 0 ? '?retry=' + failures : '';
    loading = import(new URL('fastexec-job.js' + q, base).href).then(async (m) => {
      await m.default({ module_or_path: new URL('fastexec-job_bg.wasm' + q, base).href });
      return m;
    });
    loading.catch(() => reset_job_module());
  }
  return loading;
}
// Also after a failed mount: the instance may be broken, the next try loads a fresh one.
export function reset_job_module() {
  loading = null;
  failures += 1;
}
"#)]
extern "C" {
    fn load_job_module() -> js_sys::Promise;

    fn reset_job_module();

    /// The module's namespace object (its exports).
    #[derive(Clone)]
    pub type JobModule;

    #[wasm_bindgen(method, catch)]
    #[allow(clippy::too_many_arguments)]
    fn mount_job(
        this: &JobModule,
        parent: &web_sys::HtmlElement,
        path: &str,
        conn: &str,
        secret: &str,
        token: &str,
        lang: &str,
        on_redo: &js_sys::Function,
    ) -> Result<(), JsValue>;

    #[wasm_bindgen(method)]
    fn set_job_conn(this: &JobModule, conn: &str, secret: &str, token: &str);

    #[wasm_bindgen(method)]
    fn set_job_lang(this: &JobModule, lang: &str);

    #[wasm_bindgen(method)]
    fn unmount_job(this: &JobModule);
}

/// Load (or reuse) the job module.
pub async fn load() -> Result<JobModule, String> {
    wasm_bindgen_futures::JsFuture::from(load_job_module())
        .await
        .map(JsCast::unchecked_into)
        .map_err(|e| error_text(&e))
}

/// What a rejected import or a thrown exception says (an `Error`'s message, or a thrown
/// string); never the call's arguments, so no secret can end up in the page.
fn error_text(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| e.as_string())
        .unwrap_or_default()
}

impl JobModule {
    /// Mount the view of the job at `path` into `parent` (replacing an earlier one).
    pub fn mount(
        &self,
        parent: &web_sys::HtmlElement,
        path: &str,
        conn: &crate::conn::Connection,
        lang: bkjob_api::Lang,
        on_redo: &js_sys::Function,
    ) -> Result<(), String> {
        self.mount_job(
            parent,
            path,
            &crate::storage::connection_to_json(conn),
            &conn.bk_app_secret,
            &conn.bk_token,
            crate::storage::lang_to_stored(lang),
            on_redo,
        )
        .map_err(|e| {
            reset_job_module();
            error_text(&e)
        })
    }

    /// New connection settings (the view polls again at once).
    pub fn set_conn(&self, conn: &crate::conn::Connection) {
        self.set_job_conn(
            &crate::storage::connection_to_json(conn),
            &conn.bk_app_secret,
            &conn.bk_token,
        );
    }

    /// New UI language.
    pub fn set_lang(&self, lang: bkjob_api::Lang) {
        self.set_job_lang(crate::storage::lang_to_stored(lang));
    }

    /// Remove the view (stops polling).
    pub fn unmount(&self) {
        self.unmount_job();
    }
}
