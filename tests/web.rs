//! Browser tests of the app's components, run in headless Chromium by wasm-bindgen-test.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

fn mount() -> leptos::mount::UnmountHandle<impl leptos::tachys::view::Mountable> {
    let document = leptos::prelude::document();
    let container = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&container).unwrap();
    leptos::mount::mount_to(container.unchecked_into::<HtmlElement>(), fastexec::App)
}

#[wasm_bindgen_test]
async fn app_mounts_and_shows_the_product_name() {
    let _handle = mount();
    leptos::task::tick().await;
    let name = leptos::prelude::document()
        .get_element_by_id("product-name")
        .expect("header is mounted");
    assert_eq!(name.text_content().unwrap(), "fastexec");
}
