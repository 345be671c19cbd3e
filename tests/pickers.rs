//! The account and script pickers in headless Chromium over fake APIs: the account list is
//! filtered and chosen by keyboard alone, in both fill modes, and a lost answer offers Retry;
//! the script picker lists and pages, opens versions, previews content, refuses a disabled
//! version (and, by script ID, any but the online one), sends `script_version_id` /
//! `script_id` and "copy into the editor"; 9900403 shows the permission note; reopening asks
//! the server nothing (the session cache).
//!
//! Run: `cargo test -p fastexec --target wasm32-unknown-unknown --test pickers`

#![cfg(target_arch = "wasm32")]

mod support;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use bkjob_api::{
    AccountItem, GetAccountListRequest, GetScriptListRequest, GetScriptVersionDetailRequest,
    GetScriptVersionListRequest, Lang, PageData, Permission, PermissionAction, ScriptItem,
    ScriptVersionItem,
};
use fastexec::api::job::{AccountListApi, Library, LocalFuture, ScriptLibraryApi};
use fastexec::job::CallError;
use fastexec::pickers::account::KEY_FILL;
use fastexec::pickers::{cache, AccountPickerWith, ScriptPickerWith};
use leptos::prelude::*;
use support::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

type Sent = Arc<Mutex<Vec<String>>>;

fn sent_of(sent: &Sent) -> Vec<String> {
    sent.lock().unwrap().clone()
}

fn text(root: &web_sys::HtmlElement, css: &str) -> String {
    q(root, css)
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

fn element(root: &web_sys::HtmlElement, css: &str) -> web_sys::HtmlElement {
    q(root, css)
        .unwrap_or_else(|| panic!("{css} missing"))
        .unchecked_into()
}

fn permission(action: &str) -> CallError {
    CallError::Api {
        http_status: 200,
        code: 9_900_403,
        message: "User (guest) permission not allowed".into(),
        job_request_id: Some("r1".into()),
        permission: Some(Box::new(Permission {
            system_id: "bk_job".into(),
            system_name: "Job".into(),
            actions: vec![PermissionAction {
                id: action.into(),
                name: action.into(),
                related_resource_types: vec![],
            }],
        })),
    }
}

// ---------- accounts ----------

#[derive(Default)]
struct Accounts {
    list: Vec<AccountItem>,
    /// The next call's error (then the list again).
    error: RefCell<Option<CallError>>,
    calls: RefCell<Vec<GetAccountListRequest>>,
}

struct FakeAccounts(Rc<Accounts>);

impl AccountListApi for FakeAccounts {
    fn accounts(
        &self,
        request: &GetAccountListRequest,
    ) -> LocalFuture<Result<PageData<AccountItem>, CallError>> {
        let f = self.0.clone();
        f.calls.borrow_mut().push(request.clone());
        let error = f.error.borrow_mut().take();
        Box::pin(async move {
            sleep(5).await;
            if let Some(e) = error {
                return Err(e);
            }
            Ok(PageData {
                start: 0,
                length: 1000,
                total: f.list.len() as i64,
                data: Some(f.list.clone()),
            })
        })
    }
}

fn account(id: i64, alias: &str, user: &str) -> AccountItem {
    AccountItem {
        id,
        alias: alias.into(),
        account: user.into(),
        category: 1,
        type_: 1,
        os: Some("Linux".into()),
        ..Default::default()
    }
}

fn mount_accounts(
    fake: &Rc<Accounts>,
    sent: &Sent,
) -> (web_sys::HtmlElement, Box<dyn std::any::Any>) {
    let root = mount_point();
    let api: Rc<dyn AccountListApi> = Rc::new(FakeAccounts(fake.clone()));
    let sent = sent.clone();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        let on_message = Callback::new(move |m: String| sent.lock().unwrap().push(m));
        view! {
            <AccountPickerWith payload=Signal::stored("biz/2".to_owned()) api=api.clone() lang=Signal::stored(Lang::En) on_message />
        }
    });
    (root, Box::new(handle))
}

fn options(root: &web_sys::HtmlElement) -> u32 {
    children(root, "#account-list")
}

#[wasm_bindgen_test]
async fn the_account_picker_filters_and_is_chosen_by_keyboard_in_both_fill_modes() {
    cache::clear();
    fastexec::web::storage_set(KEY_FILL, "alias");
    let fake = Rc::new(Accounts {
        list: vec![
            account(1000, "root", "root"),
            account(1001, "demo", "app"),
            account(1004, "deploy", "deploy"),
        ],
        ..Default::default()
    });
    let sent = Sent::default();
    let (root, h) = mount_accounts(&fake, &sent);
    wait_for("the accounts", || options(&root) == 3).await;
    {
        let calls = fake.calls.borrow();
        let first = &calls[0];
        assert_eq!(first.category, Some(1), "system accounts only");
        assert_eq!(
            (first.bk_scope_type.as_deref(), first.bk_scope_id.as_deref()),
            (Some("biz"), Some("2"))
        );
    }
    let input = element(&root, "#account-search");
    assert_eq!(
        attr(&root, "#account-search", "role").as_deref(),
        Some("combobox")
    );
    assert_eq!(
        attr(&root, "#account-list", "role").as_deref(),
        Some("listbox")
    );

    // typing filters by alias or OS user
    type_into(&root, "#account-search", "de");
    wait_for("two matches", || options(&root) == 2).await;
    wait_for("the count", || {
        text(&root, "#account-status").contains("2 of 3")
    })
    .await;
    type_into(&root, "#account-search", "APP");
    wait_for("the match by OS user", || options(&root) == 1).await;
    assert!(q(&root, r#"[data-account-id="1001"]"#).is_some());
    type_into(&root, "#account-search", "de");
    wait_for("two matches again", || options(&root) == 2).await;

    let active = || attr(&root, "#account-search", "aria-activedescendant");
    // ArrowDown ×3 (wrapping to the first), ArrowUp (wrapping to the last), Enter: by alias
    press(&input, "ArrowDown");
    wait_for("the first option active", || {
        active().as_deref() == Some("account-opt-1001")
    })
    .await;
    press(&input, "ArrowDown");
    wait_for("the second option active", || {
        active().as_deref() == Some("account-opt-1004")
    })
    .await;
    assert_eq!(
        attr(&root, "#account-opt-1004", "aria-selected").as_deref(),
        Some("true")
    );
    assert_eq!(
        attr(&root, "#account-opt-1001", "aria-selected").as_deref(),
        Some("false")
    );
    press(&input, "ArrowDown");
    wait_for("wrapped to the first", || {
        active().as_deref() == Some("account-opt-1001")
    })
    .await;
    press(&input, "ArrowUp");
    wait_for("wrapped to the last", || {
        active().as_deref() == Some("account-opt-1004")
    })
    .await;
    press(&input, "Enter");
    wait_for("the alias sent", || !sent_of(&sent).is_empty()).await;
    assert_eq!(sent_of(&sent), ["account_alias\tdeploy"]);
    assert!(text(&root, ".picker-chosen").contains("account_alias"));

    // the other fill mode, remembered in this browser
    click(&root, "#account-fill-id");
    assert_eq!(fastexec::web::storage_get(KEY_FILL).as_deref(), Some("id"));
    type_into(&root, "#account-search", "de");
    wait_for("no option active after typing", || active().is_none()).await;
    press(&input, "ArrowDown");
    press(&input, "Enter");
    wait_for("the ID sent", || sent_of(&sent).len() == 2).await;
    assert_eq!(sent_of(&sent)[1], "account_id\t1001");

    // Esc clears the search, then closes
    press(&input, "Escape");
    wait_for("the search cleared", || options(&root) == 3).await;
    press(&input, "Escape");
    wait_for("closed", || sent_of(&sent).len() == 3).await;
    assert_eq!(sent_of(&sent)[2], "close");

    // opened again: the kept list, no call; the preferred field is still the ID
    drop(h);
    let calls = fake.calls.borrow().len();
    let (root, _h) = mount_accounts(&fake, &sent);
    wait_for("the accounts again", || options(&root) == 3).await;
    assert_eq!(fake.calls.borrow().len(), calls, "the cache answered");
    let id_radio: web_sys::HtmlInputElement = element(&root, "#account-fill-id").unchecked_into();
    assert!(id_radio.checked());
    fastexec::web::storage_set(KEY_FILL, "alias");
}

#[wasm_bindgen_test]
async fn a_lost_answer_offers_retry_and_an_old_server_is_said_in_place() {
    cache::clear();
    let fake = Rc::new(Accounts {
        list: vec![account(1000, "root", "root")],
        error: RefCell::new(Some(CallError::Network {
            detail: "Failed to fetch".into(),
        })),
        ..Default::default()
    });
    let sent = Sent::default();
    let (root, h) = mount_accounts(&fake, &sent);
    wait_for("the note", || {
        q(&root, r#".picker-problem[data-problem="unreachable"]"#).is_some()
    })
    .await;
    assert!(text(&root, ".picker-problem").contains("You can still type"));
    click(&root, ".picker-retry");
    wait_for("the list after Retry", || options(&root) == 1).await;
    assert!(q(&root, ".picker-problem").is_none());

    // a server without the API: said, no Retry, and the picker still closes
    drop(h);
    cache::clear();
    *fake.error.borrow_mut() = Some(CallError::Http {
        http_status: 404,
        excerpt: "The content does not exist".into(),
    });
    let (root, _h2) = mount_accounts(&fake, &sent);
    wait_for("the unsupported note", || {
        q(&root, r#".picker-problem[data-problem="unsupported"]"#).is_some()
    })
    .await;
    assert!(q(&root, ".picker-retry").is_none());
    click(&root, "#account-picker-close");
    assert_eq!(sent_of(&sent), ["close"]);
}

// ---------- scripts ----------

#[derive(Default)]
struct Lib {
    scripts: RefCell<Vec<(Library, GetScriptListRequest)>>,
    versions: RefCell<Vec<(Library, GetScriptVersionListRequest)>>,
    details: RefCell<Vec<(Library, GetScriptVersionDetailRequest)>>,
    /// The version lists' error (view_script).
    versions_error: RefCell<Option<CallError>>,
}

struct FakeLib(Rc<Lib>);

fn script(id: &str, name: &str, online: Option<i64>) -> ScriptItem {
    ScriptItem {
        id: id.into(),
        name: name.into(),
        script_language: 1,
        online_script_version_id: online,
        ..Default::default()
    }
}

fn version(id: i64, status: i32) -> ScriptVersionItem {
    ScriptVersionItem {
        id,
        script_id: "disk-usage".into(),
        name: "disk usage report".into(),
        version: format!("1.{id}"),
        status,
        script_language: 1,
        // v12: one long line, as scripts have (the preview scrolls, the page does not)
        content: Some(if id == 12 {
            format!(
                "#!/bin/bash\ndf | awk '{{print $4}}' {}\n",
                "| sort -k1,1 ".repeat(30)
            )
        } else {
            format!("#!/bin/bash\n\techo v{id}\n")
        }),
        ..Default::default()
    }
}

fn page<T>(start: i32, length: i32, all: Vec<T>) -> PageData<T> {
    let total = all.len() as i64;
    let data = all
        .into_iter()
        .skip(start as usize)
        .take(length as usize)
        .collect();
    PageData {
        start,
        length,
        total,
        data: Some(data),
    }
}

impl ScriptLibraryApi for FakeLib {
    fn scripts(
        &self,
        library: Library,
        request: &GetScriptListRequest,
    ) -> LocalFuture<Result<PageData<ScriptItem>, CallError>> {
        self.0.scripts.borrow_mut().push((library, request.clone()));
        let all: Vec<ScriptItem> = match library {
            Library::Business => vec![
                script("disk-usage", "disk usage report", Some(11)),
                script("hello", "hello", None),
            ],
            Library::Public => (0..25)
                .map(|i| script(&format!("pub-{i}"), &format!("public {i}"), Some(100 + i)))
                .collect(),
        };
        let name = request.name.clone().unwrap_or_default();
        let all = all.into_iter().filter(|s| s.name.contains(&name)).collect();
        let (start, length) = (request.start.unwrap_or(0), request.length.unwrap_or(20));
        Box::pin(async move {
            sleep(5).await;
            Ok(page(start, length, all))
        })
    }

    fn versions(
        &self,
        library: Library,
        request: &GetScriptVersionListRequest,
    ) -> LocalFuture<Result<PageData<ScriptVersionItem>, CallError>> {
        self.0
            .versions
            .borrow_mut()
            .push((library, request.clone()));
        let error = self.0.versions_error.borrow().clone();
        let all: Vec<_> = if request.script_id.as_deref() == Some("disk-usage") {
            [(10, 2), (11, 1), (12, 3)]
                .into_iter()
                .map(|(id, st)| ScriptVersionItem {
                    content: None,
                    ..version(id, st)
                })
                .collect()
        } else {
            Vec::new()
        };
        Box::pin(async move {
            sleep(5).await;
            match error {
                Some(e) => Err(e),
                None => Ok(page(0, 10, all)),
            }
        })
    }

    fn version(
        &self,
        library: Library,
        request: &GetScriptVersionDetailRequest,
    ) -> LocalFuture<Result<ScriptVersionItem, CallError>> {
        self.0.details.borrow_mut().push((library, request.clone()));
        let id = request.id.unwrap_or_default();
        let status = match id {
            10 => 2,
            11 => 1,
            _ => 3,
        };
        Box::pin(async move {
            sleep(5).await;
            Ok(version(id, status))
        })
    }
}

fn mount_scripts(
    fake: &Rc<Lib>,
    payload: RwSignal<String>,
    sent: &Sent,
) -> (web_sys::HtmlElement, Box<dyn std::any::Any>) {
    let root = mount_point();
    let api: Rc<dyn ScriptLibraryApi> = Rc::new(FakeLib(fake.clone()));
    let sent = sent.clone();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        let on_message = Callback::new(move |m: String| sent.lock().unwrap().push(m));
        view! {
            <ScriptPickerWith payload api=api.clone() lang=Signal::stored(Lang::En) on_message />
        }
    });
    (root, Box::new(handle))
}

fn script_rows(root: &web_sys::HtmlElement) -> u32 {
    children(root, ".picker-scripts")
}

fn open_version(root: &web_sys::HtmlElement, id: i64) {
    click(
        root,
        &format!(r#".picker-version[data-version-id="{id}"] .picker-version-open"#),
    );
}

#[wasm_bindgen_test]
async fn the_script_picker_lists_opens_previews_and_fills_by_the_forms_source() {
    cache::clear();
    let fake = Rc::new(Lib::default());
    let payload = RwSignal::new("biz/2\tscript_version_id".to_owned());
    let sent = Sent::default();
    let (root, _h) = mount_scripts(&fake, payload, &sent);
    wait_for("the business scripts", || script_rows(&root) == 2).await;
    {
        let (lib, first) = fake.scripts.borrow()[0].clone();
        assert_eq!(lib, Library::Business);
        assert_eq!(
            (first.start, first.length, first.name),
            (Some(0), Some(20), None)
        );
        assert_eq!(first.bk_scope_id.as_deref(), Some("2"));
    }
    assert!(text(&root, r#"[data-script-id="disk-usage"]"#).contains("online version ID 11"));
    assert!(text(&root, r#"[data-script-id="hello"]"#).contains("no online version"));

    // search by name
    type_into(&root, "#script-search", "disk");
    click(&root, "#script-search-go");
    wait_for("one match", || script_rows(&root) == 1).await;
    assert_eq!(
        fake.scripts.borrow().last().unwrap().1.name.as_deref(),
        Some("disk")
    );

    // its versions, each with its status and whether it may run by version ID
    click(
        &root,
        r#"[data-script-id="disk-usage"] .picker-script-open"#,
    );
    wait_for("the versions", || {
        children(&root, ".picker-versions-list") == 3
    })
    .await;
    let choosable = |id: i64| {
        attr(
            &root,
            &format!(r#".picker-version[data-version-id="{id}"]"#),
            "data-choosable",
        )
    };
    assert_eq!(
        choosable(10).as_deref(),
        Some("true"),
        "offline runs by version ID"
    );
    assert_eq!(choosable(11).as_deref(), Some("true"));
    assert_eq!(
        choosable(12).as_deref(),
        Some("false"),
        "disabled never runs"
    );
    assert_eq!(
        fake.versions.borrow()[0].1.script_id.as_deref(),
        Some("disk-usage")
    );

    // a disabled version: previewed, but refused with the reason
    open_version(&root, 12);
    wait_for("the disabled preview", || {
        attr(&root, "#script-preview", "data-version-id").as_deref() == Some("12")
    })
    .await;
    let use_button: web_sys::HtmlButtonElement = element(&root, "#script-use").unchecked_into();
    assert!(use_button.disabled());
    assert!(text(&root, "#script-use-why").contains("disabled version cannot run"));
    use_button.click();
    sleep(20).await;
    assert!(
        sent_of(&sent).is_empty(),
        "nothing sent for a disabled version"
    );

    // the online version: content previewed as sent, chosen by version ID
    open_version(&root, 11);
    wait_for("the online preview", || {
        attr(&root, "#script-preview", "data-version-id").as_deref() == Some("11")
    })
    .await;
    assert_eq!(
        text(&root, "#script-preview-code"),
        "#!/bin/bash\n\techo v11\n"
    );
    assert_eq!(
        attr(&root, "#script-preview-code", "data-language").as_deref(),
        Some("1")
    );
    click(&root, "#script-use");
    wait_for("the version ID sent", || sent_of(&sent).len() == 1).await;
    assert_eq!(sent_of(&sent)[0], "script_version_id\t11");
    click(&root, "#script-copy");
    wait_for("the copy sent", || sent_of(&sent).len() == 2).await;
    assert_eq!(sent_of(&sent)[1], "copy\t1\t#!/bin/bash\n\techo v11\n");

    // the form's source is script_id: only the online version, and it fills script_id
    payload.set("biz/2\tscript_id".to_owned());
    wait_for("offline refused by script ID", || {
        choosable(10).as_deref() == Some("false")
    })
    .await;
    assert_eq!(choosable(11).as_deref(), Some("true"));
    click(&root, "#script-use");
    wait_for("the script ID sent", || sent_of(&sent).len() == 3).await;
    assert_eq!(sent_of(&sent)[2], "script_id\tdisk-usage");
    open_version(&root, 10);
    wait_for("the offline preview", || {
        attr(&root, "#script-preview", "data-version-id").as_deref() == Some("10")
    })
    .await;
    assert!(element(&root, "#script-use")
        .unchecked_into::<web_sys::HtmlButtonElement>()
        .disabled());
    assert!(text(&root, "#script-use-why").contains("only the online version"));

    // Esc closes the picker from anywhere in it
    press(&element(&root, "#script-search"), "Escape");
    wait_for("closed", || sent_of(&sent).len() == 4).await;
    assert_eq!(sent_of(&sent)[3], "close");
}

#[wasm_bindgen_test]
async fn the_public_library_pages_and_a_permission_answer_is_said() {
    cache::clear();
    let fake = Rc::new(Lib::default());
    *fake.versions_error.borrow_mut() = Some(permission("view_script"));
    let payload = RwSignal::new("biz/2\tscript_version_id".to_owned());
    let sent = Sent::default();
    let (root, h) = mount_scripts(&fake, payload, &sent);
    wait_for("the business scripts", || script_rows(&root) == 2).await;

    // the public tab, by keyboard (the tabs pattern's arrow key)
    let tab = element(&root, "#script-tab-business");
    press(&tab, "ArrowRight");
    wait_for("the public scripts", || script_rows(&root) == 20).await;
    assert_eq!(
        attr(&root, "#script-tab-public", "aria-selected").as_deref(),
        Some("true")
    );
    {
        let (lib, req) = fake.scripts.borrow().last().cloned().unwrap();
        assert_eq!(lib, Library::Public);
        assert_eq!(
            (req.bk_scope_type, req.bk_scope_id),
            (None, None),
            "no scope"
        );
    }
    assert_eq!(
        attr(&root, "#script-page", "data-page").as_deref(),
        Some("1")
    );
    click(&root, "#script-next");
    wait_for("page 2", || script_rows(&root) == 5).await;
    assert_eq!(fake.scripts.borrow().last().unwrap().1.start, Some(20));
    click(&root, "#script-prev");
    wait_for("page 1 again", || script_rows(&root) == 20).await;
    click(&root, "#script-next");
    wait_for("page 2 again", || script_rows(&root) == 5).await;

    // back to the business (its first page, nothing open): a version list the user may not see
    let asked = fake.scripts.borrow().len();
    click(&root, "#script-tab-business");
    wait_for("the business scripts again", || script_rows(&root) == 2).await;
    assert_eq!(
        fake.scripts.borrow().len(),
        asked,
        "page 1 of the business was kept"
    );
    click(
        &root,
        r#"[data-script-id="disk-usage"] .picker-script-open"#,
    );
    wait_for("the permission note", || {
        q(
            &root,
            r#".picker-problem[data-problem="permission"] [data-action="view_script"]"#,
        )
        .is_some()
    })
    .await;
    let note = text(&root, r#".picker-problem[data-problem="permission"]"#);
    assert!(
        note.contains("no permission") && note.contains("You can still type"),
        "{note}"
    );
    assert!(q(&root, ".picker-retry").is_none());
    click(&root, "#script-picker-close");
    assert_eq!(sent_of(&sent), ["close"]);

    // opened again: the lists come from the session cache (the refused one is asked again)
    drop(h);
    let (lists, versions) = (fake.scripts.borrow().len(), fake.versions.borrow().len());
    let (root, _h) = mount_scripts(&fake, payload, &sent);
    wait_for("the scripts again", || script_rows(&root) == 2).await;
    assert_eq!(fake.scripts.borrow().len(), lists, "the cache answered");
    *fake.versions_error.borrow_mut() = None;
    click(
        &root,
        r#"[data-script-id="disk-usage"] .picker-script-open"#,
    );
    wait_for("the versions", || {
        children(&root, ".picker-versions-list") == 3
    })
    .await;
    assert_eq!(fake.versions.borrow().len(), versions + 1);
}

#[wasm_bindgen_test]
async fn both_pickers_fit_a_390_px_phone() {
    cache::clear();
    // The module's stylesheet (and the app's, for its variables and base rules).
    let style = document().create_element("style").unwrap();
    style.set_text_content(Some(concat!(
        include_str!("../style/main.css"),
        include_str!("../style/job.css")
    )));
    document().head().unwrap().append_child(&style).unwrap();

    let accounts = Rc::new(Accounts {
        list: vec![account(
            1000,
            "a_rather_long_account_alias_for_the_nightly_batch_jobs",
            "svc_batch_runner",
        )],
        ..Default::default()
    });
    let sent = Sent::default();
    let (root, _a) = mount_accounts(&accounts, &sent);
    root.set_attribute("style", "width: 390px").unwrap();
    wait_for("the account", || options(&root) == 1).await;
    assert!(
        root.scroll_width() <= 390,
        "the account picker is {} px wide",
        root.scroll_width()
    );
    // nor does the list scroll sideways (it scrolls down only)
    let list = q(&root, "#account-list").unwrap();
    assert!(
        list.scroll_width() <= list.client_width(),
        "the list is {} px wide in {} px",
        list.scroll_width(),
        list.client_width()
    );

    let lib = Rc::new(Lib::default());
    let payload = RwSignal::new("biz/2\tscript_version_id".to_owned());
    let (root, _s) = mount_scripts(&lib, payload, &sent);
    root.set_attribute("style", "width: 390px").unwrap();
    wait_for("the scripts", || script_rows(&root) == 2).await;
    click(
        &root,
        r#"[data-script-id="disk-usage"] .picker-script-open"#,
    );
    wait_for("the versions", || {
        children(&root, ".picker-versions-list") == 3
    })
    .await;
    open_version(&root, 12);
    wait_for("the preview", || q(&root, "#script-use").is_some()).await;
    assert!(
        root.scroll_width() <= 390,
        "the script picker is {} px wide",
        root.scroll_width()
    );
    document().head().unwrap().remove_child(&style).unwrap();
}
