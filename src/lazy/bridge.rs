//! The app's side of the bridge to the on-demand modules (bins `fastexec-job` and
//! `fastexec-tools`, built by Trunk as `{stem}.js` + `{stem}_bg.wasm`, with the panels'
//! stylesheet `job.css`): load a module once, then mount / update / unmount its [`Panel`]s
//! through its exports (`super::host`).
//!
//! Everything crosses as strings: the panel's payload, the stored (secret-free) connection
//! JSON, the secret and the token separately (memory only, never stored), the language code
//! and a callback that receives the panel's message (the draft JSON for "Redo", a job link).

use wasm_bindgen::prelude::*;

use super::{Module, Panel};

#[wasm_bindgen(inline_js = r#"
// A module and the panels' stylesheet load side by side, each remembered once it succeeds
// and forgotten when it fails, so a retry fetches only what failed.
const modules = new Map();
const moduleFailures = new Map();
let css = null;
let cssFailures = 0;
// Relative to this snippet (dist/snippets/<crate>/), so the app works under any base path.
// After a failure every later try gets a fresh URL: the browser keeps a failed module fetch
// in its module map for the page's lifetime.
function url(name, failures) {
  const q = failures > 0 ? '?retry=' + failures : '';
  return new URL(name + q, new URL('../../', import.meta.url)).href;
}
// Resolves once the sheet is in (so nothing is mounted unstyled); a failed sheet is removed.
// A server that answers a missing file with the app's page (an SPA fallback, as most do)
// makes the browser "load" an empty sheet: no rules counts as a failure too.
function load_css(href) {
  return new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    const fail = () => {
      link.remove();
      reject(new Error(href));
    };
    link.onload = () => {
      let rules = 1;
      try {
        rules = link.sheet ? link.sheet.cssRules.length : 0;
      } catch (e) {
        // Another origin (a CDN): its rules cannot be read, it did load.
      }
      if (rules > 0) resolve();
      else fail();
    };
    link.onerror = fail;
    document.head.appendChild(link);
  });
}
// `stem`: fastexec-job or fastexec-tools (both share job.css).
export function load_module(stem) {
  let module = modules.get(stem);
  if (!module) {
    const failures = moduleFailures.get(stem) || 0;
    module = import(url(stem + '.js', failures)).then(async (m) => {
      await m.default({ module_or_path: url(stem + '_bg.wasm', failures) });
      return m;
    });
    modules.set(stem, module);
    module.catch(() => reset_module(stem));
  }
  if (!css) {
    css = load_css(url('job.css', cssFailures));
    css.catch(() => {
      css = null;
      cssFailures += 1;
    });
  }
  return Promise.all([module, css]).then(([m]) => m);
}
// Also after a failed mount: the instance may be broken, the next try loads a fresh one.
export function reset_module(stem) {
  modules.delete(stem);
  moduleFailures.set(stem, (moduleFailures.get(stem) || 0) + 1);
}
// The code editor (src/form/editor/codemirror.mjs, built as fastexec-editor.js) loads on the
// first focus of the script box and takes the textarea's place (each textarea once: the form
// may be mounted again). Until then, or when it cannot load (a note says so; the next focus
// tries again), the textarea is the editor. Plain JS here: the first visit carries no Rust
// for it.
let editor = null;
let editorFailures = 0;
document.addEventListener('focusin', (ev) => {
  const ta = ev.target;
  if (!(ta instanceof HTMLTextAreaElement) || ta.name !== 'script_content' || ta.fastexecEditor) {
    return;
  }
  const box = ta.closest('.editor');
  const note = () => box && box.parentElement.querySelector('.editor-note');
  if (!editor) editor = import(url('fastexec-editor.js', editorFailures));
  editor.then(
    (m) => {
      m.upgrade(ta);
      const n = note();
      if (n) n.remove();
    },
    () => {
      editor = null;
      editorFailures += 1;
      if (!box || note()) return;
      const p = document.createElement('p');
      p.className = 'hint editor-note';
      p.setAttribute('role', 'status');
      p.textContent = document.documentElement.lang.startsWith('en')
        ? 'The code editor could not load: use this text box (retried on next focus).'
        : '代码编辑器未能加载，请使用此文本框（下次聚焦时重试）。';
      box.after(p);
    },
  );
});
"#)]
extern "C" {
    fn load_module(stem: &str) -> js_sys::Promise;

    fn reset_module(stem: &str);

    /// A module's namespace object (its exports).
    #[derive(Clone)]
    pub type PanelModule;

    #[wasm_bindgen(method, catch)]
    #[allow(clippy::too_many_arguments)]
    fn mount_panel(
        this: &PanelModule,
        kind: &str,
        parent: &web_sys::HtmlElement,
        payload: &str,
        conn: &str,
        secret: &str,
        token: &str,
        lang: &str,
        callback: &js_sys::Function,
    ) -> Result<u32, JsValue>;

    #[wasm_bindgen(method)]
    fn set_panel_payload(this: &PanelModule, id: u32, payload: &str);

    #[wasm_bindgen(method)]
    fn set_panel_conn(this: &PanelModule, id: u32, conn: &str, secret: &str, token: &str);

    #[wasm_bindgen(method)]
    fn set_panel_lang(this: &PanelModule, id: u32, lang: &str);

    #[wasm_bindgen(method)]
    fn unmount_panel(this: &PanelModule, id: u32);
}

/// Load (or reuse) an on-demand module.
pub async fn load(module: Module) -> Result<PanelModule, String> {
    wasm_bindgen_futures::JsFuture::from(load_module(module.stem()))
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

impl PanelModule {
    /// Mount `panel` into `parent`; returns its ID.
    pub fn mount(
        &self,
        panel: Panel,
        parent: &web_sys::HtmlElement,
        payload: &str,
        conn: &crate::connection::Connection,
        lang: bkjob_api::Lang,
        callback: &js_sys::Function,
    ) -> Result<u32, String> {
        self.mount_panel(
            panel.name(),
            parent,
            payload,
            &crate::storage::connection_to_json(conn),
            &conn.bk_app_secret,
            &conn.bk_token,
            crate::storage::lang_to_stored(lang),
            callback,
        )
        .map_err(|e| {
            reset_module(panel.module().stem());
            error_text(&e)
        })
    }

    /// A new payload for panel `id`.
    pub fn set_payload(&self, id: u32, payload: &str) {
        self.set_panel_payload(id, payload);
    }

    /// New connection settings for panel `id`.
    pub fn set_conn(&self, id: u32, conn: &crate::connection::Connection) {
        self.set_panel_conn(
            id,
            &crate::storage::connection_to_json(conn),
            &conn.bk_app_secret,
            &conn.bk_token,
        );
    }

    /// New UI language for panel `id`.
    pub fn set_lang(&self, id: u32, lang: bkjob_api::Lang) {
        self.set_panel_lang(id, crate::storage::lang_to_stored(lang));
    }

    /// Remove panel `id` (the job view stops polling).
    pub fn unmount(&self, id: u32) {
        self.unmount_panel(id);
    }
}
