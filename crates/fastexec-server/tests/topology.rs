//! Topology nodes and dynamic groups as targets (CMDB stand-in from the config), over real
//! HTTP: expansion, merge + de-duplication, 1244028 for targets that select nothing, and the
//! permission paths of contract §4.1.

mod common;

use common::*;
use serde_json::{json, Value};

const FES: &str = "api/v3/fast_execute_script";

/// An inline-script request (account 1000, business 2) with the given target.
fn req(script: &str, target: Value) -> Value {
    let mut r = script_req(script);
    r["target_server"] = target;
    r
}

/// Host ids of the step's results, sorted.
fn result_hosts(d: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = d["step_instance_list"][0]["step_ip_result_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["bk_host_id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topo_module_runs_on_its_hosts() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let r = req(
        "echo \"topo says hi\"",
        json!({"topo_node_list": [{"id": 1000, "node_type": "module"}]}),
    );
    let (job, step) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    assert_eq!(d["job_instance"]["status"], 3, "{d}");
    assert_eq!(result_hosts(&d), vec![101, 102], "{d}");
    for host in [101, 102] {
        assert_eq!(host_status(&d, host)["status"], 9, "{d}");
        assert_eq!(api.log(job, step, host).await, "topo says hi\n");
    }
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamic_group_runs_on_its_hosts() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let r = req(
        "echo group-run",
        json!({"dynamic_group_list": [{"id": DYN_GROUP}]}),
    );
    let (job, step) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    assert_eq!(d["job_instance"]["status"], 3, "{d}");
    assert_eq!(result_hosts(&d), vec![101, 102, 103], "{d}");
    for host in [101, 102, 103] {
        assert_eq!(api.log(job, step, host).await, "group-run\n");
    }
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_and_biz_nodes_expand_to_all_their_hosts() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    // A set: both modules' hosts (104 is offline: host status 1, job fails).
    let r = req(
        "echo set-run",
        json!({"topo_node_list": [{"id": 100, "node_type": "set"}]}),
    );
    let (job, step) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    assert_eq!(result_hosts(&d), vec![101, 102, 103, 104], "{d}");
    for host in [101, 102, 103] {
        assert_eq!(host_status(&d, host)["status"], 9, "{d}");
        assert_eq!(api.log(job, step, host).await, "set-run\n");
    }
    assert_eq!(host_status(&d, 104)["status"], 1, "{d}");
    // The business node: every host of business 2 (not 201 of business 3).
    let r = req(
        "echo biz-run",
        json!({"topo_node_list": [{"id": 2, "node_type": "biz"}]}),
    );
    let (job, _) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    assert_eq!(result_hosts(&d), vec![101, 102, 103, 104], "{d}");
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_target_kinds_are_merged_and_deduplicated() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    // Static 101 + module "web" (101, 102): 101 only once.
    let r = req(
        "echo merged",
        json!({"host_id_list": [101],
               "topo_node_list": [{"id": 1000, "node_type": "module"}]}),
    );
    let (job, step) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    assert_eq!(d["job_instance"]["status"], 3, "{d}");
    assert_eq!(result_hosts(&d), vec![101, 102], "{d}");
    assert_eq!(api.log(job, step, 101).await, "merged\n");
    // ip_list (103) + module "web" twice + the dynamic group (101-103) + module "web" again:
    // three distinct hosts.
    let r = req(
        "echo merged",
        json!({"ip_list": [{"bk_cloud_id": 0, "ip": "127.0.0.4"}],
               "topo_node_list": [{"id": 1000, "node_type": "module"},
                                  {"id": 1000, "node_type": "module"}],
               "dynamic_group_list": [{"id": DYN_GROUP}]}),
    );
    let (job, _) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    assert_eq!(d["job_instance"]["status"], 3, "{d}");
    assert_eq!(result_hosts(&d), vec![101, 102, 103], "{d}");
    // An unknown node next to a known one selects nothing extra; the job runs.
    let r = req(
        "echo partly-unknown",
        json!({"topo_node_list": [{"id": 424242, "node_type": "module"},
                                  {"id": 1000, "node_type": "module"}]}),
    );
    let (job, _) = api.launch(&r).await;
    let d = api.wait_finished(job).await;
    assert_eq!(result_hosts(&d), vec![101, 102], "{d}");
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn targets_that_resolve_to_nothing_are_1244028() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let cases = [
        // unknown module id
        json!({"topo_node_list": [{"id": 424242, "node_type": "module"}]}),
        // a module id used as a set id
        json!({"topo_node_list": [{"id": 1000, "node_type": "set"}]}),
        // another business's module, set, business node and dynamic group
        json!({"topo_node_list": [{"id": 3000, "node_type": "module"}]}),
        json!({"topo_node_list": [{"id": 300, "node_type": "set"}]}),
        json!({"topo_node_list": [{"id": 3, "node_type": "biz"}]}),
        json!({"dynamic_group_list": [{"id": "g-other"}]}),
        // unknown dynamic group, unknown node type
        json!({"dynamic_group_list": [{"id": "nope"}]}),
        json!({"topo_node_list": [{"id": 1000, "node_type": "rack"}]}),
    ];
    for target in cases {
        let mut r = req("echo never", target.clone());
        r["task_name"] = json!("topo task");
        let v = api.execute(&r).await;
        assert_eq!(v["code"], 1244028, "{target}: {v}");
        assert_eq!(v["message"], "步骤 [topo task] 的目标执行对象为空", "{v}");
        let (_, v) = api.post_lang("admin", FES, &r, Some("en")).await;
        assert_eq!(v["code"], 1244028, "{v}");
    }
    // Static host existence is still checked first (1244030 before 1244028).
    let r = req(
        "echo never",
        json!({"host_id_list": [99999],
               "topo_node_list": [{"id": 1000, "node_type": "module"}]}),
    );
    let v = api.execute(&r).await;
    assert_eq!(v["code"], 1244030, "{v}");
    srv.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn permission_object_has_topo_and_dynamic_group_paths() {
    let srv = TestServer::start(&test_config("")).await;
    let api = srv.api();
    let r = req(
        "echo hi",
        json!({"host_id_list": [103],
               "topo_node_list": [{"id": 1000, "node_type": "module"},
                                  {"id": 100, "node_type": "set"},
                                  {"id": 2, "node_type": "biz"}],
               "dynamic_group_list": [{"id": DYN_GROUP}]}),
    );
    let (_, v) = api.post_lang("limited", FES, &r, Some("en")).await;
    assert_eq!(v["code"], 9900403, "{v}");
    let biz = json!({"id": "2", "type": "biz", "type_name": "Business", "name": "test-biz"});
    let set = json!({"id": "100", "type": "set", "type_name": "Set", "name": "test-set"});
    let module = json!({"id": "1000", "type": "module", "type_name": "Module", "name": "web"});
    let group = json!({"id": DYN_GROUP, "type": "dynamic_group", "type_name": "Dynamic Group",
                       "name": "all-online"});
    let action = &v["permission"]["actions"][0];
    assert_eq!(action["id"], "quick_execute_script", "{v}");
    assert_eq!(
        action["related_resource_types"],
        json!([{
            "system_id": "bk_cmdb", "system_name": "Cmdb",
            "type": "host", "type_name": "Hosts",
            "instances": [
                [biz, {"id": "103", "type": "host", "type_name": "Hosts", "name": "127.0.0.4"}],
                [biz, set, module],
                [biz, set],
                [biz],
                [biz, group]
            ]
        }]),
        "{v}"
    );
    assert_eq!(v["permission"]["actions"][1]["id"], "use_account", "{v}");
    // Chinese names.
    let (_, v) = api.post_as("limited", FES, &r).await;
    let instances = &v["permission"]["actions"][0]["related_resource_types"][0]["instances"];
    assert_eq!(instances[1][1]["type_name"], "集群", "{v}");
    assert_eq!(instances[1][2]["type_name"], "模块", "{v}");
    assert_eq!(instances[4][1]["type_name"], "动态分组", "{v}");
    // Only a topo node: its path alone.
    let r = req(
        "echo hi",
        json!({"topo_node_list": [{"id": 1000, "node_type": "module"}]}),
    );
    let (_, v) = api.post_lang("limited", FES, &r, Some("en")).await;
    assert_eq!(
        v["permission"]["actions"][0]["related_resource_types"][0]["instances"],
        json!([[biz, set, module]]),
        "{v}"
    );
    srv.stop().await;
}
