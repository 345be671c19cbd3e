//! The writers of this crate's types as JSON text for the app, behind the `tinyjson` feature:
//! the form module writes the stored draft and the launch request this way instead of through
//! serde_json, whose serializer and error texts cost its first visit about 1 KB brotli, and
//! the job view its requests (the server keeps serde).
//!
//! Each writes exactly what the type's serde derive writes (same keys, same order, absent
//! `None`s): the tests compare the text of both.

use tinyjson::{ObjectWriter, ObjectWriter as W};

use crate::draft::{Draft, RollingDraft, ScriptSource};
use crate::rolling::{FileSourceRollingConfig, RollingConfig};
use crate::types::{
    BatchGetJobInstanceIpLogRequest, DynamicGroup, EsbCommonArgs, FastExecuteScriptRequest,
    GatewayAuth, GetJobInstanceIpLogRequest, GetJobInstanceStatusRequest,
    GetStepInstanceStatusRequest, IpEntry, OperateJobInstanceRequest, OperateStepInstanceRequest,
    TargetServer, TopoNode,
};

/// A type that writes itself as its serde derive would.
pub trait WriteJson {
    /// Append the JSON text to `out`.
    fn write_json(&self, out: &mut String);

    /// The JSON text, as `serde_json::to_string` writes it.
    fn to_json_text(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

fn opt_i32(w: &mut W, key: &str, v: Option<i32>) {
    w.opt_int(key, v.map(i64::from));
}

fn opt_obj<T: WriteJson>(w: &mut W, key: &str, v: &Option<T>) {
    if let Some(v) = v {
        v.write_json(w.key(key));
    }
}

fn opt_list<T>(w: &mut W, key: &str, v: &Option<Vec<T>>, f: fn(&T, &mut String)) {
    if let Some(v) = v {
        let out = w.key(key);
        out.push('[');
        for (i, item) in v.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            f(item, out);
        }
        out.push(']');
    }
}

impl WriteJson for FastExecuteScriptRequest {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        w.opt_str("bk_scope_type", &self.bk_scope_type)
            .opt_str("bk_scope_id", &self.bk_scope_id)
            .opt_int("bk_biz_id", self.bk_biz_id)
            .opt_int("script_version_id", self.script_version_id)
            .opt_str("script_id", &self.script_id)
            .opt_str("script_content", &self.script_content);
        opt_i32(&mut w, "script_language", self.script_language);
        w.opt_str("script_param", &self.script_param);
        opt_i32(&mut w, "is_param_sensitive", self.is_param_sensitive);
        w.opt_int("timeout", self.timeout)
            .opt_int("account_id", self.account_id)
            .opt_str("account_alias", &self.account_alias)
            .opt_str("task_name", &self.task_name);
        opt_obj(&mut w, "target_server", &self.target_server);
        w.opt_str("callback_url", &self.callback_url)
            .opt_str("windows_interpreter", &self.windows_interpreter);
        if let Some(b) = self.start_task {
            w.bool("start_task", b);
        }
        opt_obj(&mut w, "rolling_config", &self.rolling_config);
        w.end();
    }
}

/// The scope members every job view request starts with.
fn scope<'a, 'o>(
    w: &'a mut W<'o>,
    scope_type: &Option<String>,
    scope_id: &Option<String>,
    biz_id: Option<i64>,
) -> &'a mut W<'o> {
    w.opt_str("bk_scope_type", scope_type)
        .opt_str("bk_scope_id", scope_id)
        .opt_int("bk_biz_id", biz_id)
}

impl WriteJson for GetJobInstanceStatusRequest {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        scope(
            &mut w,
            &self.bk_scope_type,
            &self.bk_scope_id,
            self.bk_biz_id,
        )
        .opt_int("job_instance_id", self.job_instance_id);
        if let Some(b) = self.return_ip_result {
            w.bool("return_ip_result", b);
        }
        w.end();
    }
}

impl WriteJson for GetJobInstanceIpLogRequest {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        scope(
            &mut w,
            &self.bk_scope_type,
            &self.bk_scope_id,
            self.bk_biz_id,
        )
        .opt_int("job_instance_id", self.job_instance_id)
        .opt_int("step_instance_id", self.step_instance_id)
        .opt_int("bk_host_id", self.bk_host_id)
        .opt_int("bk_cloud_id", self.bk_cloud_id)
        .opt_str("ip", &self.ip)
        .end();
    }
}

impl WriteJson for BatchGetJobInstanceIpLogRequest {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        scope(
            &mut w,
            &self.bk_scope_type,
            &self.bk_scope_id,
            self.bk_biz_id,
        )
        .opt_int("job_instance_id", self.job_instance_id)
        .opt_int("step_instance_id", self.step_instance_id);
        opt_list(&mut w, "host_id_list", &self.host_id_list, |v, out| {
            out.push_str(&v.to_string())
        });
        opt_list(&mut w, "ip_list", &self.ip_list, IpEntry::write_json);
        w.end();
    }
}

impl WriteJson for OperateJobInstanceRequest {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        scope(
            &mut w,
            &self.bk_scope_type,
            &self.bk_scope_id,
            self.bk_biz_id,
        )
        .opt_int("job_instance_id", self.job_instance_id);
        opt_i32(&mut w, "operation_code", self.operation_code);
        w.end();
    }
}

impl WriteJson for OperateStepInstanceRequest {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        scope(
            &mut w,
            &self.bk_scope_type,
            &self.bk_scope_id,
            self.bk_biz_id,
        )
        .opt_int("job_instance_id", self.job_instance_id)
        .opt_int("step_instance_id", self.step_instance_id);
        opt_i32(&mut w, "operation_code", self.operation_code);
        w.end();
    }
}

impl WriteJson for GetStepInstanceStatusRequest {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        scope(
            &mut w,
            &self.bk_scope_type,
            &self.bk_scope_id,
            self.bk_biz_id,
        )
        .opt_int("job_instance_id", self.job_instance_id)
        .opt_int("step_instance_id", self.step_instance_id);
        opt_i32(&mut w, "execute_count", self.execute_count);
        opt_i32(&mut w, "batch", self.batch);
        opt_i32(
            &mut w,
            "max_host_num_per_group",
            self.max_host_num_per_group,
        );
        w.opt_str("keyword", &self.keyword)
            .opt_str("search_ip", &self.search_ip);
        opt_i32(&mut w, "status", self.status);
        w.opt_str("tag", &self.tag).end();
    }
}

impl WriteJson for TargetServer {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        opt_list(&mut w, "host_id_list", &self.host_id_list, |v, out| {
            out.push_str(&v.to_string())
        });
        opt_list(&mut w, "ip_list", &self.ip_list, IpEntry::write_json);
        opt_list(
            &mut w,
            "dynamic_group_list",
            &self.dynamic_group_list,
            DynamicGroup::write_json,
        );
        opt_list(
            &mut w,
            "topo_node_list",
            &self.topo_node_list,
            TopoNode::write_json,
        );
        w.end();
    }
}

impl WriteJson for IpEntry {
    fn write_json(&self, out: &mut String) {
        ObjectWriter::new(out)
            .opt_int("bk_cloud_id", self.bk_cloud_id)
            .opt_str("ip", &self.ip)
            .end();
    }
}

impl WriteJson for DynamicGroup {
    fn write_json(&self, out: &mut String) {
        ObjectWriter::new(out).opt_str("id", &self.id).end();
    }
}

impl WriteJson for TopoNode {
    fn write_json(&self, out: &mut String) {
        ObjectWriter::new(out)
            .opt_int("id", self.id)
            .opt_str("node_type", &self.node_type)
            .end();
    }
}

impl WriteJson for RollingConfig {
    fn write_json(&self, out: &mut String) {
        let mut w = ObjectWriter::new(out);
        opt_i32(&mut w, "type", self.r#type);
        opt_i32(&mut w, "execution_mode", self.execution_mode);
        opt_i32(&mut w, "mode", self.mode);
        w.opt_str("expression", &self.expression)
            .opt_int("batch_start_wait_fixed_ms", self.batch_start_wait_fixed_ms)
            .opt_int(
                "batch_start_wait_random_min_ms",
                self.batch_start_wait_random_min_ms,
            )
            .opt_int(
                "batch_start_wait_random_max_ms",
                self.batch_start_wait_random_max_ms,
            );
        opt_obj(&mut w, "file_source", &self.file_source);
        w.end();
    }
}

impl WriteJson for FileSourceRollingConfig {
    fn write_json(&self, out: &mut String) {
        ObjectWriter::new(out)
            .opt_int(
                "max_execute_object_num_in_batch",
                self.max_execute_object_num_in_batch,
            )
            .opt_int(
                "max_file_num_of_single_execute_object",
                self.max_file_num_of_single_execute_object,
            )
            .end();
    }
}

impl WriteJson for EsbCommonArgs {
    fn write_json(&self, out: &mut String) {
        ObjectWriter::new(out)
            .opt_str("bk_app_code", &self.bk_app_code)
            .opt_str("bk_app_secret", &self.bk_app_secret)
            .opt_str("bk_token", &self.bk_token)
            .opt_str("bk_username", &self.bk_username)
            .end();
    }
}

impl WriteJson for GatewayAuth {
    fn write_json(&self, out: &mut String) {
        ObjectWriter::new(out)
            .opt_str("bk_app_code", &self.bk_app_code)
            .opt_str("bk_app_secret", &self.bk_app_secret)
            .opt_str("bk_username", &self.bk_username)
            .opt_str("bk_token", &self.bk_token)
            .opt_str("access_token", &self.access_token)
            .end();
    }
}

impl WriteJson for Draft {
    /// What [`Draft::from_json`] reads back.
    fn write_json(&self, out: &mut String) {
        let source = match self.source {
            ScriptSource::Content => "Content",
            ScriptSource::ScriptId => "ScriptId",
            ScriptSource::ScriptVersionId => "ScriptVersionId",
        };
        let mut w = ObjectWriter::new(out);
        w.str("scope_type", &self.scope_type)
            .str("scope_id", &self.scope_id)
            .str("source", source)
            .str("script_content", &self.script_content)
            .int("script_language", self.script_language.code().into())
            .str("script_id", &self.script_id)
            .str("script_version_id", &self.script_version_id)
            .str("script_param", &self.script_param)
            .bool("is_param_sensitive", self.is_param_sensitive)
            .str("timeout", &self.timeout)
            .str("account_alias", &self.account_alias)
            .str("account_id", &self.account_id)
            .str("host_id_list", &self.host_id_list)
            .str("ip_list", &self.ip_list)
            .str("dynamic_group_list", &self.dynamic_group_list)
            .str("topo_node_list", &self.topo_node_list)
            .str("task_name", &self.task_name)
            .str("callback_url", &self.callback_url)
            .str("windows_interpreter", &self.windows_interpreter)
            .bool("start_task", self.start_task)
            .bool("rolling_enabled", self.rolling_enabled);
        self.rolling.write_json(w.key("rolling"));
        w.end();
    }
}

impl WriteJson for RollingDraft {
    fn write_json(&self, out: &mut String) {
        ObjectWriter::new(out)
            .str("expression", &self.expression)
            .str("mode", &self.mode)
            .str("execution_mode", &self.execution_mode)
            .str("fixed_ms", &self.fixed_ms)
            .str("random_min_ms", &self.random_min_ms)
            .str("random_max_ms", &self.random_max_ms)
            .end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::ScriptLanguage;

    fn same<T: serde::Serialize + WriteJson>(v: &T) {
        assert_eq!(v.to_json_text(), serde_json::to_string(v).unwrap());
    }

    fn full_request() -> FastExecuteScriptRequest {
        FastExecuteScriptRequest {
            bk_scope_type: Some("biz".into()),
            bk_scope_id: Some("2".into()),
            bk_biz_id: Some(3),
            script_version_id: Some(i64::MAX),
            script_id: Some("s\"1\\\n\u{1}".into()),
            script_content: Some("ZWNobw==".into()),
            script_language: Some(4),
            script_param: Some("YQ==".into()),
            is_param_sensitive: Some(1),
            timeout: Some(-7),
            account_id: Some(i64::MIN),
            account_alias: Some("root 中文".into()),
            task_name: Some("t".into()),
            target_server: Some(TargetServer {
                host_id_list: Some(vec![1, -2]),
                ip_list: Some(vec![
                    IpEntry {
                        bk_cloud_id: Some(0),
                        ip: Some("1.1.1.1".into()),
                    },
                    IpEntry::default(),
                ]),
                dynamic_group_list: Some(vec![DynamicGroup {
                    id: Some("g".into()),
                }]),
                topo_node_list: Some(vec![TopoNode {
                    id: Some(5),
                    node_type: Some("module".into()),
                }]),
            }),
            callback_url: Some("http://x/cb".into()),
            windows_interpreter: Some("C:\\py.exe".into()),
            start_task: Some(false),
            rolling_config: Some(RollingConfig {
                r#type: Some(1),
                execution_mode: Some(2),
                mode: Some(3),
                expression: Some("1 +1".into()),
                batch_start_wait_fixed_ms: Some(1),
                batch_start_wait_random_min_ms: Some(2),
                batch_start_wait_random_max_ms: Some(3),
                file_source: Some(FileSourceRollingConfig {
                    max_execute_object_num_in_batch: Some(4),
                    max_file_num_of_single_execute_object: Some(5),
                }),
            }),
        }
    }

    #[test]
    fn requests_write_like_serde() {
        same(&full_request());
        same(&FastExecuteScriptRequest::default());
        same(&FastExecuteScriptRequest {
            target_server: Some(TargetServer {
                host_id_list: Some(vec![]),
                ..Default::default()
            }),
            rolling_config: Some(RollingConfig::default()),
            start_task: Some(true),
            ..Default::default()
        });
        same(&EsbCommonArgs {
            bk_app_code: Some("a".into()),
            bk_app_secret: None,
            bk_token: Some("t".into()),
            bk_username: Some("u".into()),
        });
        same(&EsbCommonArgs::default());
        let auth = GatewayAuth {
            bk_app_code: Some("a".into()),
            bk_app_secret: Some("s\"".into()),
            bk_username: None,
            bk_token: Some("t".into()),
            access_token: Some("x".into()),
        };
        same(&auth);
        assert_eq!(auth.to_json_text(), auth.to_header_value());
        same(&GatewayAuth::default());
    }

    #[test]
    fn job_view_requests_write_like_serde() {
        let (t, id) = (Some("biz_set".to_owned()), Some("9 \"中\"".to_owned()));
        same(&GetJobInstanceStatusRequest {
            bk_scope_type: t.clone(),
            bk_scope_id: id.clone(),
            bk_biz_id: Some(2),
            job_instance_id: Some(i64::MAX),
            return_ip_result: Some(true),
        });
        same(&GetJobInstanceStatusRequest {
            return_ip_result: Some(false),
            ..Default::default()
        });
        same(&GetJobInstanceStatusRequest::default());
        same(&GetJobInstanceIpLogRequest {
            bk_scope_type: t.clone(),
            bk_scope_id: id.clone(),
            bk_biz_id: Some(2),
            job_instance_id: Some(1),
            step_instance_id: Some(i64::MIN),
            bk_host_id: Some(101),
            bk_cloud_id: Some(0),
            ip: Some("10.0.0.1".into()),
        });
        same(&GetJobInstanceIpLogRequest::default());
        same(&BatchGetJobInstanceIpLogRequest {
            bk_scope_type: t.clone(),
            bk_scope_id: id.clone(),
            bk_biz_id: Some(2),
            job_instance_id: Some(1),
            step_instance_id: Some(2),
            host_id_list: Some(vec![1, -2, i64::MAX]),
            ip_list: Some(vec![
                IpEntry {
                    bk_cloud_id: Some(0),
                    ip: Some("1.1.1.1".into()),
                },
                IpEntry::default(),
            ]),
        });
        same(&BatchGetJobInstanceIpLogRequest {
            host_id_list: Some(vec![]),
            ip_list: Some(vec![]),
            ..Default::default()
        });
        same(&BatchGetJobInstanceIpLogRequest::default());
        same(&OperateJobInstanceRequest {
            bk_scope_type: t.clone(),
            bk_scope_id: id.clone(),
            bk_biz_id: Some(2),
            job_instance_id: Some(1),
            operation_code: Some(1),
        });
        same(&OperateJobInstanceRequest::default());
        same(&OperateStepInstanceRequest {
            bk_scope_type: t.clone(),
            bk_scope_id: id.clone(),
            bk_biz_id: Some(2),
            job_instance_id: Some(1),
            step_instance_id: Some(2),
            operation_code: Some(-3),
        });
        same(&OperateStepInstanceRequest::default());
        same(&GetStepInstanceStatusRequest {
            bk_scope_type: t,
            bk_scope_id: id,
            bk_biz_id: Some(2),
            job_instance_id: Some(1),
            step_instance_id: Some(2),
            execute_count: Some(3),
            batch: Some(4),
            max_host_num_per_group: Some(5),
            keyword: Some("k\n".into()),
            search_ip: Some("10.".into()),
            status: Some(9),
            tag: Some("slow".into()),
        });
        same(&GetStepInstanceStatusRequest::default());
    }

    #[test]
    fn drafts_write_like_serde() {
        same(&Draft::default());
        for source in [
            ScriptSource::Content,
            ScriptSource::ScriptId,
            ScriptSource::ScriptVersionId,
        ] {
            same(&Draft {
                source,
                script_language: ScriptLanguage::Powershell,
                script_content: "echo \"你好\"\n\t\u{7f}\u{2028}\u{8}\u{c}\r".into(),
                is_param_sensitive: true,
                start_task: false,
                rolling_enabled: true,
                rolling: RollingDraft {
                    expression: "1 +1".into(),
                    ..Default::default()
                },
                ..Draft::default()
            });
        }
    }
}
