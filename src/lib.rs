//! fastexec: a browser console for BlueKing JOB's `fast_execute_script` API.
//!
//! Components live here so the wasm tests in `tests/` can mount them; `main.rs` only mounts `App`.

use leptos::prelude::*;

/// Product name shown in the header, the same in both languages.
pub const PRODUCT_NAME: &str = "fastexec";

#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="app-header">
            <h1 id="product-name">{PRODUCT_NAME}</h1>
            <p class="tagline" lang="zh-CN">"快速执行脚本控制台"</p>
            <p class="tagline" lang="en">"Console for BlueKing JOB fast_execute_script"</p>
        </header>
        <main id="main"></main>
    }
}
