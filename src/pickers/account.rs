//! The account picker's decisions: which accounts are asked for (the scope's system accounts,
//! every page), which match the search, how the arrow keys move, and what a choice fills
//! (`account_id` or `account_alias`, the user's preference). Plain Rust, tested natively.

use bkjob_api::{AccountItem, GetAccountListRequest, PageData};

use super::PickerMessage;

/// Accounts asked per call: `get_account_list` caps `length` at 1000 silently (contract
/// bk-job-api-more.md §5).
pub const PAGE: i32 = 1000;

/// Pages read at most (10,000 accounts): a scope with more is not a list to scroll.
pub const MAX_PAGES: i32 = 10;

/// localStorage key of the fill preference (`id` / `alias`; not a secret).
pub const KEY_FILL: &str = "fastexec.picker.account-fill";

/// Which field a chosen account fills.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FillMode {
    /// `account_alias` (the default: readable, and the same in every environment).
    #[default]
    Alias,
    /// `account_id` (BK-JOB prefers it when both are sent).
    Id,
}

impl FillMode {
    /// The value stored under [`KEY_FILL`].
    pub fn stored(self) -> &'static str {
        match self {
            FillMode::Alias => "alias",
            FillMode::Id => "id",
        }
    }

    /// The stored preference; the default for anything else.
    pub fn from_stored(v: Option<&str>) -> FillMode {
        match v {
            Some("id") => FillMode::Id,
            _ => FillMode::Alias,
        }
    }

    /// The message choosing `a` sends.
    pub fn message(self, a: &AccountItem) -> PickerMessage {
        match self {
            FillMode::Alias => PickerMessage::AccountAlias(a.alias.clone()),
            FillMode::Id => PickerMessage::AccountId(a.id),
        }
    }
}

/// The request for the page starting at `start`: system accounts only (category 1, the ones
/// a script runs as; DB accounts cannot run scripts), as BK-JOB's own script page asks.
pub fn request(scope_type: &str, scope_id: &str, start: i32) -> GetAccountListRequest {
    GetAccountListRequest {
        bk_scope_type: Some(scope_type.to_owned()),
        bk_scope_id: Some(scope_id.to_owned()),
        category: Some(1),
        start: Some(start),
        length: Some(PAGE),
        ..Default::default()
    }
}

/// Where the next page starts after `page` (by the page size it echoes: a server may cap
/// lower), with `have` accounts read so far; `None` when everything, or [`MAX_PAGES`] pages'
/// worth, is read. An empty page ends the list too, so a short `total` is not asked forever.
pub fn next_start(page: &PageData<AccountItem>, have: usize) -> Option<i32> {
    let got = page.data.as_ref().map_or(0, Vec::len);
    let have = i64::try_from(have).unwrap_or(i64::MAX);
    let next = page.start.checked_add(page.length.max(1))?;
    (got > 0 && have < page.total && next < PAGE * MAX_PAGES).then_some(next)
}

/// Whether `a` matches the search: its alias or OS user contains `query` (ignoring ASCII case,
/// which is what account names use: the Unicode tables would weigh more than this whole picker,
/// and Chinese has no case; and the query's outer spaces); a blank query matches every account.
pub fn matches(a: &AccountItem, query: &str) -> bool {
    let q = query.trim().to_ascii_lowercase();
    q.is_empty()
        || a.alias.to_ascii_lowercase().contains(&q)
        || a.account.to_ascii_lowercase().contains(&q)
}

/// The accounts matching `query`, in the server's order.
pub fn filter(list: &[AccountItem], query: &str) -> Vec<AccountItem> {
    list.iter().filter(|a| matches(a, query)).cloned().collect()
}

/// The active option after `key` in a list of `len` (the combobox's listbox: ArrowDown and
/// ArrowUp wrap around; Home/End stay the search box's caret keys; other keys leave it).
pub fn step(active: Option<usize>, len: usize, key: &str) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let last = len - 1;
    match (key, active) {
        ("ArrowDown", None) => Some(0),
        ("ArrowDown", Some(i)) => Some(if i >= last { 0 } else { i + 1 }),
        ("ArrowUp", None) => Some(last),
        ("ArrowUp", Some(i)) => Some(if i == 0 || i > last { last } else { i - 1 }),
        _ => active.filter(|&i| i <= last),
    }
}

/// The account's type as BK-JOB names it (`AccountTypeEnum`).
pub fn type_label(code: i32) -> String {
    match code {
        1 => "Linux".into(),
        2 => "Windows".into(),
        9 => "MySQL".into(),
        10 => "Oracle".into(),
        11 => "DB2".into(),
        n => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acc(id: i64, alias: &str, user: &str) -> AccountItem {
        AccountItem {
            id,
            alias: alias.into(),
            account: user.into(),
            category: 1,
            type_: 1,
            ..Default::default()
        }
    }

    #[test]
    fn the_search_matches_alias_or_user_ignoring_case() {
        let list = [
            acc(1, "root", "root"),
            acc(2, "Demo", "app"),
            acc(3, "web", "nginx"),
            acc(4, "数据库备份", "backup"),
        ];
        let ids = |q: &str| filter(&list, q).iter().map(|a| a.id).collect::<Vec<_>>();
        assert_eq!(ids(""), [1, 2, 3, 4]);
        assert_eq!(ids("  "), [1, 2, 3, 4]);
        assert_eq!(ids("备份"), [4]);
        assert_eq!(ids("BACK"), [4]);
        assert_eq!(ids("DEM"), [2]);
        assert_eq!(ids("ap"), [2], "by OS user");
        assert_eq!(ids(" o "), [1, 2]);
        assert_eq!(ids("gin"), [3]);
        assert!(ids("zzz").is_empty());
    }

    #[test]
    fn the_choice_fills_the_preferred_field() {
        let a = acc(1001, "demo", "app");
        assert_eq!(FillMode::Id.message(&a).write(), "account_id\t1001");
        assert_eq!(FillMode::Alias.message(&a).write(), "account_alias\tdemo");
        for m in [FillMode::Id, FillMode::Alias] {
            assert_eq!(FillMode::from_stored(Some(m.stored())), m);
        }
        assert_eq!(FillMode::from_stored(None), FillMode::Alias);
        assert_eq!(FillMode::from_stored(Some("junk")), FillMode::Alias);
    }

    #[test]
    fn arrows_walk_the_list_and_wrap() {
        assert_eq!(step(None, 3, "ArrowDown"), Some(0));
        assert_eq!(step(Some(0), 3, "ArrowDown"), Some(1));
        assert_eq!(step(Some(2), 3, "ArrowDown"), Some(0));
        assert_eq!(step(None, 3, "ArrowUp"), Some(2));
        assert_eq!(step(Some(0), 3, "ArrowUp"), Some(2));
        assert_eq!(step(Some(2), 3, "ArrowUp"), Some(1));
        assert_eq!(step(Some(1), 3, "Home"), Some(1));
        assert_eq!(step(Some(1), 3, "a"), Some(1));
        // the list shrank under the active option
        assert_eq!(step(Some(5), 3, "x"), None);
        assert_eq!(step(Some(5), 3, "ArrowUp"), Some(2));
        assert_eq!(step(Some(5), 3, "ArrowDown"), Some(0));
        assert_eq!(step(Some(0), 0, "ArrowDown"), None);
    }

    #[test]
    fn system_accounts_are_asked_page_by_page() {
        let r = request("biz", "2", 0);
        assert_eq!(
            (r.category, r.start, r.length),
            (Some(1), Some(0), Some(1000))
        );
        assert_eq!(r.bk_scope_id.as_deref(), Some("2"));
        let page = |start, n: usize, total| PageData {
            start,
            length: 1000,
            total,
            data: Some((0..n).map(|i| acc(i as i64, "a", "a")).collect()),
        };
        assert_eq!(next_start(&page(0, 1000, 2500), 1000), Some(1000));
        assert_eq!(next_start(&page(1000, 1000, 2500), 2000), Some(2000));
        assert_eq!(next_start(&page(2000, 500, 2500), 2500), None);
        assert_eq!(next_start(&page(0, 3, 3), 3), None);
        // an empty page ends the list, whatever the total says
        assert_eq!(next_start(&page(3, 0, 10), 3), None);
        // a server with a lower cap: its echoed length is the step
        let capped = PageData {
            length: 500,
            ..page(0, 500, 800)
        };
        assert_eq!(next_start(&capped, 500), Some(500));
        // at most MAX_PAGES pages
        assert_eq!(next_start(&page(9000, 1000, 50_000), 10_000), None);
    }

    #[test]
    fn types_are_named() {
        assert_eq!(type_label(1), "Linux");
        assert_eq!(type_label(2), "Windows");
        assert_eq!(type_label(42), "42");
    }
}
