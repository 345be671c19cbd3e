//! The configuration and helpers of the library API tests (`accounts.rs`, `scripts.rs`).

use serde_json::{json, Value};

use super::{auth_user, parse, test_config, Api};

/// The test configuration plus accounts of every kind, a user with `view_script`, a business
/// script with three versions and two public scripts.
pub fn library_config() -> String {
    test_config("")
        + r#"
[[users]]
name = "reader"
grants = [{ scope_id = "2", actions = ["access_business", "view_script"] }]

[[accounts]]
id = 1001
alias = "deploy"
account = "app"
biz_id = 2
description = "deploy user"
creator = "alice"
create_time = 2024-05-20T09:30:00+08:00

[[accounts]]
id = 1002
alias = "win"
biz_id = 2
type = 2

[[accounts]]
id = 1003
alias = "mysql-root"
account = "root"
biz_id = 2
category = 2
type = 9
db_system_account_id = 1000

[[scripts]]
id = "s-more"
biz_id = 2
name = "Disk_Report"
description = "disk report"
create_time = 2024-05-01T00:00:00Z
last_modify_time = 2024-06-01T00:00:00Z
versions = [
  { id = 41, version = "V1", status = "offline", language = 1, content = "echo v1\n" },
  { id = 42, version = "V2", status = "online", language = 1, version_desc = "current", create_time = 2024-05-15T00:00:00Z, content = "echo v2\n" },
  { id = 43, version = "V3", status = "draft", language = 1, creator = "bob", create_time = 2024-06-01T00:00:00Z, content = "echo v3\n" },
]

[[scripts]]
id = "s-py"
biz_id = 2
name = "python tool"
versions = [{ id = 44, version = "1", status = "disabled", language = 4, content = "print(1)\n" }]

[[public_scripts]]
id = "p-info"
name = "sysinfo"
create_time = 2024-02-01T00:00:00Z
versions = [
  { id = 100, version = "1.0", status = "offline", language = 1, content = "uname -a\n" },
  { id = 101, version = "2.0", status = "online", language = 1, create_time = 2024-03-01T00:00:00Z, content = "uname -r\n" },
]

[[public_scripts]]
id = "p-port"
name = "port check"
versions = [{ id = 103, version = "1.0", status = "draft", language = 4, content = "print(2)\n" }]
"#
}

/// GET `api` as `user` with the scope of business 2 and `query`.
pub async fn lib_get(api: &Api, user: &str, name: &str, query: &str) -> Value {
    let auth = auth_user(user);
    let path = format!("api/v3/{name}?bk_scope_type=biz&bk_scope_id=2&{query}");
    let (s, _, text) = api
        .raw(
            "GET",
            &path,
            &[("X-Bkapi-Authorization", &auth)],
            Vec::new(),
        )
        .await;
    assert_eq!(s, 200, "{text}");
    parse(&text)
}

/// POST `api` as `user` (English messages) with the scope of business 2 plus `fields`.
pub async fn lib_post(api: &Api, user: &str, name: &str, fields: Value) -> Value {
    let mut body = json!({"bk_scope_type": "biz", "bk_scope_id": "2"});
    body.as_object_mut()
        .unwrap()
        .extend(fields.as_object().unwrap().clone());
    let (s, v) = api
        .post_lang(user, &format!("api/v3/{name}"), &body, Some("en"))
        .await;
    assert_eq!(s, 200, "{v}");
    v
}

pub fn page<'a>(v: &'a Value, key: &str) -> Vec<&'a Value> {
    v["data"]["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no list: {v}"))
        .iter()
        .map(|x| &x[key])
        .collect()
}
