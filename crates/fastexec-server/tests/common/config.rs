//! The test configuration every server test starts from.

pub const APP: &str = "test-app";
pub const SECRET: &str = "test-secret";
/// The dynamic group of business 2 in [`test_config`].
pub const DYN_GROUP: &str = "blo8gojho0skft7pr5q0";

/// The test configuration: business 2 ("test-biz") with hosts 101-103 online (102 reports agent
/// version 2.1.6, the others the server's) and 104 offline,
/// business 3 with host 201, users admin (everything), limited (business access only),
/// viewer (access + view_history), outsider (nothing). CMDB topology of business 2: set 100
/// "test-set" with modules 1000 "web" (101, 102) and 1001 "db" (103, 104); dynamic group
/// `DYN_GROUP` "all-online" (101-103). Business 3: set 300 / module 3000 (201), group "g-other".
pub fn test_config(extra_limits: &str) -> String {
    format!(
        r#"
[limits]
max_concurrent_processes = 8
{extra_limits}

[[apps]]
code = "{APP}"
secret = "{SECRET}"
login_exempt = true

[[apps]]
code = "strict-app"
secret = "strict-secret"
login_exempt = false

[[users]]
name = "admin"
tokens = ["admin-token"]
grants = [{{ scope_id = "2", actions = ["*"] }}, {{ scope_id = "3", actions = ["*"] }}]

[[users]]
name = "limited"
tokens = ["limited-token"]
grants = [{{ scope_id = "2", actions = ["access_business"] }}]

[[users]]
name = "viewer"
grants = [{{ scope_id = "2", actions = ["access_business", "view_history"] }}]

[[users]]
name = "outsider"

[[businesses]]
id = 2
name = "test-biz"

[[businesses]]
id = 3
name = "other-biz"

[[hosts]]
id = 101
ip = "127.0.0.2"
biz_id = 2

[[hosts]]
id = 102
ip = "127.0.0.3"
biz_id = 2
agent_version = "2.1.6"

[[hosts]]
id = 103
ip = "127.0.0.4"
biz_id = 2

[[hosts]]
id = 104
ip = "127.0.0.5"
biz_id = 2
agent_online = false

[[hosts]]
id = 201
ip = "127.0.1.2"
biz_id = 3

[[topo]]
node_type = "set"
id = 100
name = "test-set"
biz_id = 2

[[topo]]
node_type = "module"
id = 1000
name = "web"
biz_id = 2
parent = 100
host_ids = [101, 102]

[[topo]]
node_type = "module"
id = 1001
name = "db"
biz_id = 2
parent = 100
host_ids = [103, 104]

[[topo]]
node_type = "set"
id = 300
name = "other-set"
biz_id = 3

[[topo]]
node_type = "module"
id = 3000
name = "other-module"
biz_id = 3
parent = 300
host_ids = [201]

[[dynamic_groups]]
id = "{DYN_GROUP}"
name = "all-online"
biz_id = 2
host_ids = [101, 102, 103]

[[dynamic_groups]]
id = "g-other"
name = "other group"
biz_id = 3
host_ids = [201]

[[accounts]]
id = 1000
alias = "root"
biz_id = 2

[[accounts]]
id = 3000
alias = "root"
biz_id = 3

[[scripts]]
id = "s-online"
biz_id = 2
name = "online script"
versions = [
  {{ id = 11, status = "online", language = 1, content = "echo library-script \"$@\"\n" }},
  {{ id = 12, status = "disabled", language = 1, content = "echo disabled\n" }},
]

[[scripts]]
id = "s-other"
biz_id = 3
name = "other biz script"
versions = [{{ id = 21, status = "online", language = 1, content = "echo other\n" }}]

# The callback tests receive callbacks on loopback; the auth tests fail on purpose more often
# than the default throttle (10 a minute) allows.
[security]
callback_allow_loopback = true
auth_failures_per_minute = 1000
"#
    )
}
