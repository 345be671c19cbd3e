//! The job view's answers and the `permission` object read with the app's pull reader
//! ([`tinyjson::Reader`]), behind the `tinyjson` feature: the app's on-demand module reads them
//! this way instead of through serde's derive and serde_json's deserializer (whose generic code,
//! copied per type, was the largest part of that module); the server, which deserializes with
//! serde, never compiles them.
//!
//! Each reader is as strict as the type's serde derive: a required member missing, a `null`
//! where no `Option` is, a string where a number is, an integer out of its type's range all
//! fail the whole value ([`tinyjson::JsonErrorKind::Type`]); unknown members are skipped. Two
//! deliberate differences, on malformed answers only: of duplicate members the last one wins
//! (serde's derive refuses them), and a struct must be a JSON object (serde's derive also
//! takes an array of its fields in order). The `file_logs` / `file_task_logs` members (file
//! transfer steps, `serde_json::Value`) are skipped and read as `None`: the app reads no file
//! logs. The tests below read serde-written and hand-written answers with both and compare.

use tinyjson::{Read, Reader};

use crate::permission::{Permission, PermissionAction, PermissionInstance, RelatedResourceType};
use crate::types::{
    BatchIpLogData, IpLogData, JobInstance, JobInstanceStatusData, OperateJobInstanceData,
    OperateStepInstanceData, ScriptTaskLog, StepHostResult, StepInstance, StepInstanceStatusData,
    StepIpResult, StepResultGroup,
};

/// A type read by the pull reader (see the module comment).
pub trait ReadJson: Sized {
    /// The next value read as `Self`.
    fn read_json(r: &mut Reader) -> Read<Self>;
}

/// A whole document (surrounding whitespace only) read as `T`; `None` when it does not fit.
pub fn from_text<T: ReadJson>(text: &str) -> Option<T> {
    let mut r = Reader::new(text);
    let v = T::read_json(&mut r).ok()?;
    r.end().ok()?;
    Some(v)
}

/// A required member: its absence fails the value, as with serde's derive.
fn need<T>(field: Option<T>, r: &Reader) -> Read<T> {
    match field {
        Some(v) => Ok(v),
        None => Err(r.type_error()),
    }
}

impl ReadJson for JobInstanceStatusData {
    fn read_json(r: &mut Reader) -> Read<Self> {
        let (mut finished, mut job, mut steps) = (None, None, Vec::new());
        r.object(&mut |r, key| {
            match key {
                "finished" => finished = Some(r.bool()?),
                "job_instance" => job = Some(JobInstance::read_json(r)?),
                "step_instance_list" => steps = r.list(StepInstance::read_json)?,
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(JobInstanceStatusData {
            finished: need(finished, r)?,
            job_instance: need(job, r)?,
            step_instance_list: steps,
        })
    }
}

impl ReadJson for JobInstance {
    fn read_json(r: &mut Reader) -> Read<Self> {
        let mut j = JobInstance::default();
        let (mut id, mut status) = (None, None);
        r.object(&mut |r, key| {
            match key {
                "job_instance_id" => id = Some(r.i64()?),
                "name" => j.name = r.string()?,
                "status" => status = Some(r.i32()?),
                "create_time" => j.create_time = r.opt_i64()?,
                "start_time" => j.start_time = r.opt_i64()?,
                "end_time" => j.end_time = r.opt_i64()?,
                "total_time" => j.total_time = r.opt_i64()?,
                "bk_scope_type" => j.bk_scope_type = r.opt_string()?,
                "bk_scope_id" => j.bk_scope_id = r.opt_string()?,
                "bk_biz_id" => j.bk_biz_id = r.opt_i64()?,
                _ => r.skip()?,
            }
            Ok(())
        })?;
        j.job_instance_id = need(id, r)?;
        j.status = need(status, r)?;
        Ok(j)
    }
}

impl ReadJson for StepInstance {
    fn read_json(r: &mut Reader) -> Read<Self> {
        let mut s = StepInstance::default();
        let (mut id, mut status) = (None, None);
        r.object(&mut |r, key| {
            match key {
                "step_instance_id" => id = Some(r.i64()?),
                "name" => s.name = r.string()?,
                "type" => s.type_ = r.i32()?,
                "status" => status = Some(r.i32()?),
                "execute_count" => s.execute_count = r.i32()?,
                "create_time" => s.create_time = r.opt_i64()?,
                "start_time" => s.start_time = r.opt_i64()?,
                "end_time" => s.end_time = r.opt_i64()?,
                "total_time" => s.total_time = r.opt_i64()?,
                "step_ip_result_list" => {
                    s.step_ip_result_list = r.opt(|r| r.list(StepIpResult::read_json))?
                }
                _ => r.skip()?,
            }
            Ok(())
        })?;
        s.step_instance_id = need(id, r)?;
        s.status = need(status, r)?;
        Ok(s)
    }
}

impl ReadJson for StepIpResult {
    fn read_json(r: &mut Reader) -> Read<Self> {
        let mut h = StepIpResult::default();
        let mut status = None;
        r.object(&mut |r, key| {
            match key {
                "bk_host_id" => h.bk_host_id = r.opt_i64()?,
                "ip" => h.ip = r.opt_string()?,
                "bk_cloud_id" => h.bk_cloud_id = r.opt_i64()?,
                "status" => status = Some(r.i32()?),
                "tag" => h.tag = r.string()?,
                "exit_code" => h.exit_code = r.opt_i32()?,
                "error_code" => h.error_code = r.opt_i32()?,
                "start_time" => h.start_time = r.opt_i64()?,
                "end_time" => h.end_time = r.opt_i64()?,
                "total_time" => h.total_time = r.opt_i64()?,
                _ => r.skip()?,
            }
            Ok(())
        })?;
        h.status = need(status, r)?;
        Ok(h)
    }
}

impl ReadJson for IpLogData {
    fn read_json(r: &mut Reader) -> Read<Self> {
        let mut d = IpLogData::default();
        let mut log_type = None;
        r.object(&mut |r, key| {
            match key {
                "log_type" => log_type = Some(r.i32()?),
                "bk_host_id" => d.bk_host_id = r.opt_i64()?,
                "bk_cloud_id" => d.bk_cloud_id = r.opt_i64()?,
                "ip" => d.ip = r.opt_string()?,
                "log_content" => d.log_content = r.opt_string()?,
                _ => r.skip()?,
            }
            Ok(())
        })?;
        d.log_type = need(log_type, r)?;
        Ok(d)
    }
}

impl ReadJson for BatchIpLogData {
    fn read_json(r: &mut Reader) -> Read<Self> {
        let mut d = BatchIpLogData::default();
        let (mut job, mut step, mut log_type) = (None, None, None);
        r.object(&mut |r, key| {
            match key {
                "job_instance_id" => job = Some(r.i64()?),
                "step_instance_id" => step = Some(r.i64()?),
                "log_type" => log_type = Some(r.i32()?),
                "script_task_logs" => {
                    d.script_task_logs = r.opt(|r| r.list(ScriptTaskLog::read_json))?
                }
                _ => r.skip()?,
            }
            Ok(())
        })?;
        d.job_instance_id = need(job, r)?;
        d.step_instance_id = need(step, r)?;
        d.log_type = need(log_type, r)?;
        Ok(d)
    }
}

impl ReadJson for ScriptTaskLog {
    fn read_json(r: &mut Reader) -> Read<Self> {
        let mut l = ScriptTaskLog::default();
        r.object(&mut |r, key| {
            match key {
                "bk_host_id" => l.bk_host_id = r.opt_i64()?,
                "bk_cloud_id" => l.bk_cloud_id = r.opt_i64()?,
                "ip" => l.ip = r.opt_string()?,
                "ipv6" => l.ipv6 = r.opt_string()?,
                "log_content" => l.log_content = r.opt_string()?,
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(l)
    }
}

impl ReadJson for OperateJobInstanceData {
    fn read_json(r: &mut Reader) -> Read<Self> {
        let mut id = None;
        r.object(&mut |r, key| {
            match key {
                "job_instance_id" => id = Some(r.i64()?),
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(OperateJobInstanceData {
            job_instance_id: need(id, r)?,
        })
    }
}

impl ReadJson for OperateStepInstanceData {
    fn read_json(r: &mut Reader) -> Read<Self> {
        let (mut job, mut name, mut step) = (None, None, None);
        r.object(&mut |r, key| {
            match key {
                "job_instance_id" => job = Some(r.i64()?),
                "job_instance_name" => name = r.opt_string()?,
                "step_instance_id" => step = Some(r.i64()?),
                _ => r.skip()?,
            }
            Ok(())
        })?;
        Ok(OperateStepInstanceData {
            job_instance_id: need(job, r)?,
            job_instance_name: name,
            step_instance_id: need(step, r)?,
        })
    }
}

impl ReadJson for StepInstanceStatusData {
    fn read_json(r: &mut Reader) -> Read<Self> {
        let mut d = StepInstanceStatusData::default();
        let (mut id, mut count) = (None, None);
        r.object(&mut |r, key| {
            match key {
                "step_instance_id" => id = Some(r.i64()?),
                "execute_count" => count = Some(r.i32()?),
                "name" => d.name = r.opt_string()?,
                "type" => d.type_ = r.opt_i32()?,
                "status" => d.status = r.opt_i32()?,
                "create_time" => d.create_time = r.opt_i64()?,
                "start_time" => d.start_time = r.opt_i64()?,
                "end_time" => d.end_time = r.opt_i64()?,
                "total_time" => d.total_time = r.opt_i64()?,
                "step_result_group_list" => {
                    d.step_result_group_list = r.list(StepResultGroup::read_json)?
                }
                _ => r.skip()?,
            }
            Ok(())
        })?;
        d.step_instance_id = need(id, r)?;
        d.execute_count = need(count, r)?;
        Ok(d)
    }
}

impl ReadJson for StepResultGroup {
    fn read_json(r: &mut Reader) -> Read<Self> {
        let mut g = StepResultGroup::default();
        let (mut result_type, mut size) = (None, None);
        r.object(&mut |r, key| {
            match key {
                "result_type" => result_type = Some(r.i32()?),
                "result_type_desc" => g.result_type_desc = r.opt_string()?,
                "tag" => g.tag = r.opt_string()?,
                "host_size" => size = Some(r.i32()?),
                "host_result_list" => {
                    g.host_result_list = r.opt(|r| r.list(StepHostResult::read_json))?
                }
                _ => r.skip()?,
            }
            Ok(())
        })?;
        g.result_type = need(result_type, r)?;
        g.host_size = need(size, r)?;
        Ok(g)
    }
}

impl ReadJson for StepHostResult {
    fn read_json(r: &mut Reader) -> Read<Self> {
        let mut h = StepHostResult::default();
        let (mut id, mut status) = (None, None);
        r.object(&mut |r, key| {
            match key {
                "bk_host_id" => id = Some(r.i64()?),
                "ip" => h.ip = r.opt_string()?,
                "ipv6" => h.ipv6 = r.opt_string()?,
                "bk_agent_id" => h.bk_agent_id = r.opt_string()?,
                "bk_cloud_id" => h.bk_cloud_id = r.opt_i64()?,
                "bk_cloud_name" => h.bk_cloud_name = r.opt_string()?,
                "status" => status = Some(r.i32()?),
                "status_desc" => h.status_desc = r.opt_string()?,
                "tag" => h.tag = r.opt_string()?,
                "exit_code" => h.exit_code = r.opt_i32()?,
                "start_time" => h.start_time = r.opt_i64()?,
                "end_time" => h.end_time = r.opt_i64()?,
                "total_time" => h.total_time = r.opt_i64()?,
                _ => r.skip()?,
            }
            Ok(())
        })?;
        h.bk_host_id = need(id, r)?;
        h.status = need(status, r)?;
        Ok(h)
    }
}

/// Reads the string members `names` of an object into `fields` (in the same order), all
/// required, skipping the others: the permission types are strings and lists only.
fn strings(
    r: &mut Reader,
    names: &[&str],
    fields: &mut [&mut String],
    list: &mut dyn FnMut(&mut Reader, &str) -> Read<bool>,
) -> Read<()> {
    let mut seen = 0u32;
    r.object(&mut |r, key| {
        match names.iter().position(|n| *n == key) {
            Some(i) => {
                *fields[i] = r.string()?;
                seen |= 1 << i;
            }
            None => {
                if !list(r, key)? {
                    r.skip()?;
                }
            }
        }
        Ok(())
    })?;
    if seen.count_ones() as usize == names.len() {
        Ok(())
    } else {
        Err(r.type_error())
    }
}

impl ReadJson for Permission {
    fn read_json(r: &mut Reader) -> Read<Self> {
        let mut p = Permission::default();
        let mut actions = Vec::new();
        strings(
            r,
            &["system_id", "system_name"],
            &mut [&mut p.system_id, &mut p.system_name],
            &mut |r, key| {
                Ok(key == "actions" && {
                    actions = r.list(PermissionAction::read_json)?;
                    true
                })
            },
        )?;
        p.actions = actions;
        Ok(p)
    }
}

impl ReadJson for PermissionAction {
    fn read_json(r: &mut Reader) -> Read<Self> {
        let mut a = PermissionAction::default();
        let mut types = Vec::new();
        strings(
            r,
            &["id", "name"],
            &mut [&mut a.id, &mut a.name],
            &mut |r, key| {
                Ok(key == "related_resource_types" && {
                    types = r.list(RelatedResourceType::read_json)?;
                    true
                })
            },
        )?;
        a.related_resource_types = types;
        Ok(a)
    }
}

impl ReadJson for RelatedResourceType {
    fn read_json(r: &mut Reader) -> Read<Self> {
        let mut t = RelatedResourceType::default();
        let mut instances = Vec::new();
        strings(
            r,
            &["system_id", "system_name", "type", "type_name"],
            &mut [
                &mut t.system_id,
                &mut t.system_name,
                &mut t.type_,
                &mut t.type_name,
            ],
            &mut |r, key| {
                Ok(key == "instances" && {
                    instances = r.list(|r| r.list(PermissionInstance::read_json))?;
                    true
                })
            },
        )?;
        t.instances = instances;
        Ok(t)
    }
}

impl ReadJson for PermissionInstance {
    fn read_json(r: &mut Reader) -> Read<Self> {
        let mut i = PermissionInstance::default();
        strings(
            r,
            &["id", "type", "type_name", "name"],
            &mut [&mut i.id, &mut i.type_, &mut i.type_name, &mut i.name],
            &mut |_, _| Ok(false),
        )?;
        Ok(i)
    }
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;
    use tinyjson::JsonErrorKind;

    use super::*;
    use crate::status::{HostStatus, RunStatus};

    fn ours<T: ReadJson>(text: &str) -> Read<T> {
        let mut r = Reader::new(text);
        let v = T::read_json(&mut r)?;
        r.end()?;
        Ok(v)
    }

    /// Both readers on `text`: the same value, or both refuse it (serde with a data error,
    /// ours with a type error).
    fn same<T: ReadJson + DeserializeOwned + PartialEq + std::fmt::Debug>(text: &str) {
        match serde_json::from_str::<T>(text) {
            Ok(v) => assert_eq!(ours::<T>(text).expect(text), v, "{text}"),
            Err(e) => {
                assert!(e.is_data(), "{text}: {e}");
                assert_eq!(
                    ours::<T>(text).unwrap_err().kind,
                    JsonErrorKind::Type,
                    "{text}"
                );
            }
        }
    }

    /// Every serde-written value reads back field for field.
    fn round_trip<
        T: ReadJson + serde::Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
    >(
        v: &T,
    ) {
        let text = serde_json::to_string(v).unwrap();
        assert_eq!(&ours::<T>(&text).unwrap(), v, "{text}");
        same::<T>(&serde_json::to_string_pretty(v).unwrap());
    }

    fn host(i: i64) -> StepIpResult {
        StepIpResult {
            bk_host_id: Some(100 + i),
            ip: Some(format!("10.0.0.{i}")),
            bk_cloud_id: Some(0),
            status: HostStatus::Success.code(),
            tag: if i % 2 == 0 {
                "slow".into()
            } else {
                String::new()
            },
            exit_code: Some(i32::try_from(i).unwrap()),
            error_code: Some(0),
            start_time: Some(1_700_000_000_000),
            end_time: Some(1_700_000_000_500),
            total_time: Some(500),
        }
    }

    fn status_data() -> JobInstanceStatusData {
        JobInstanceStatusData {
            finished: true,
            job_instance: JobInstance {
                job_instance_id: 9_007_199_254_740_993,
                name: "fastexec \"中文\" \\ \n".into(),
                status: RunStatus::Success.code(),
                create_time: Some(1),
                start_time: Some(2),
                end_time: Some(3),
                total_time: Some(i64::MAX),
                bk_scope_type: Some("biz".into()),
                bk_scope_id: Some("2".into()),
                bk_biz_id: Some(2),
            },
            step_instance_list: vec![
                StepInstance {
                    step_instance_id: i64::MIN,
                    name: "step".into(),
                    type_: 1,
                    status: 3,
                    execute_count: 2,
                    create_time: Some(1),
                    start_time: Some(2),
                    end_time: Some(3),
                    total_time: Some(4),
                    step_ip_result_list: Some((0..5).map(host).collect()),
                },
                StepInstance::default(),
            ],
        }
    }

    #[test]
    fn answers_read_back_field_for_field() {
        round_trip(&status_data());
        round_trip(&JobInstanceStatusData::default());
        round_trip(&IpLogData {
            log_type: 1,
            bk_host_id: Some(101),
            bk_cloud_id: Some(0),
            ip: Some("10.0.0.1".into()),
            log_content: Some("line 1\nline 2 \u{1b}[31mred\u{1b}[0m 中文\t\"q\"".into()),
            file_logs: None,
        });
        round_trip(&IpLogData::default());
        round_trip(&BatchIpLogData {
            job_instance_id: 1,
            step_instance_id: 2,
            log_type: 1,
            script_task_logs: Some(vec![
                ScriptTaskLog {
                    bk_host_id: Some(101),
                    bk_cloud_id: Some(0),
                    ip: Some("10.0.0.1".into()),
                    ipv6: Some("::1".into()),
                    log_content: Some("hello\n".into()),
                },
                ScriptTaskLog::default(),
            ]),
            file_task_logs: None,
        });
        round_trip(&BatchIpLogData::default());
        round_trip(&OperateJobInstanceData {
            job_instance_id: 42,
        });
        round_trip(&OperateStepInstanceData {
            job_instance_id: 1,
            job_instance_name: Some("n".into()),
            step_instance_id: 2,
        });
        round_trip(&OperateStepInstanceData::default());
        let group = StepResultGroup {
            result_type: 9,
            result_type_desc: Some("成功".into()),
            tag: Some("slow".into()),
            host_size: 2,
            host_result_list: Some(vec![
                StepHostResult {
                    bk_host_id: 101,
                    ip: Some("10.0.0.1".into()),
                    ipv6: Some("::1".into()),
                    bk_agent_id: Some("0:abc".into()),
                    bk_cloud_id: Some(0),
                    bk_cloud_name: Some("default".into()),
                    status: 9,
                    status_desc: Some("ok".into()),
                    tag: Some("slow".into()),
                    exit_code: Some(0),
                    start_time: Some(1),
                    end_time: Some(2),
                    total_time: Some(1),
                },
                StepHostResult::default(),
            ]),
        };
        round_trip(&StepInstanceStatusData {
            step_instance_id: 7,
            execute_count: 1,
            name: Some("s".into()),
            type_: Some(1),
            status: Some(3),
            create_time: Some(1),
            start_time: Some(2),
            end_time: Some(3),
            total_time: Some(4),
            step_result_group_list: vec![group, StepResultGroup::default()],
        });
        round_trip(&StepInstanceStatusData::default());
        let biz = PermissionInstance::new("biz", "2", "my-biz", crate::Lang::En);
        round_trip(&Permission::view_script(
            biz,
            "s1",
            "hello",
            crate::Lang::ZhCn,
        ));
        round_trip(&Permission::default());
    }

    #[test]
    fn answers_as_bk_job_writes_them_read_like_serde() {
        // Nulls for options, members the types do not have, file logs, escaped keys.
        same::<JobInstanceStatusData>(
            r#"{"finished":false,"job_instance":{"job_instance_id":1,"status":2,"name":"j",
            "create_time":null,"start_time":1,"end_time":null,"total_time":null,
            "bk_scope_type":"biz","bk_scope_id":"2","bk_biz_id":null,"operator":"admin"},
            "step_instance_list":[{"step_instance_id":3,"status":2,"type":1,"name":"s",
            "execute_count":0,"step_ip_result_list":null,"create_time":1},
            {"step_instance_id":4,"status":3,"step_ip_result_list":[{"status":9,"bk_host_id":null,
            "ip":"10.0.0.1","bk_cloud_id":0,"tag":"","exit_code":null,"error_code":0,
            "\u0074otal_time":5,"ipv6":"::1","bk_agent_id":"x"}]}]}"#,
        );
        same::<IpLogData>(r#"{"log_type":2,"bk_host_id":101,"ip":null,"log_content":null}"#);
        same::<BatchIpLogData>(
            r#"{"job_instance_id":1,"step_instance_id":2,"log_type":1,"script_task_logs":null,"x":[]}"#,
        );
        same::<OperateStepInstanceData>(
            r#"{"job_instance_id":1,"job_instance_name":null,"step_instance_id":2}"#,
        );
        same::<StepInstanceStatusData>(
            r#"{"step_instance_id":7,"execute_count":0,"type":null,"status":null,
            "step_result_group_list":[{"result_type":9,"host_size":0,"host_result_list":null,
            "tag":null},{"result_type":9,"host_size":1,"host_result_list":[{"bk_host_id":1,
            "status":9,"exit_code":null,"bk_cloud_name":"c"}]}]}"#,
        );
        same::<Permission>(
            r#"{"system_id":"bk_job","system_name":"作业平台","actions":[{"id":"a","name":"A",
            "related_resource_types":[{"system_id":"bk_cmdb","system_name":"配置平台",
            "type":"host","type_name":"主机","instances":[[{"type":"biz","type_name":"业务",
            "id":"2","name":"蓝鲸"},{"type":"host","type_name":"主机","id":"101",
            "name":"10.0.0.1"}]]}],"extra":1}]}"#,
        );
        // File logs are skipped (the app reads none), the rest is read.
        let text = r#"{"log_type":2,"file_logs":[{"src":"a"}],"ip":"h"}"#;
        let serde = serde_json::from_str::<IpLogData>(text).unwrap();
        assert!(serde.file_logs.is_some());
        let read = ours::<IpLogData>(text).unwrap();
        assert_eq!(
            read,
            IpLogData {
                file_logs: None,
                ..serde
            }
        );
        let text =
            r#"{"job_instance_id":1,"step_instance_id":2,"log_type":1,"file_task_logs":{"a":[1]}}"#;
        let serde = serde_json::from_str::<BatchIpLogData>(text).unwrap();
        assert!(serde.file_task_logs.is_some());
        let read = ours::<BatchIpLogData>(text).unwrap();
        assert_eq!(
            read,
            BatchIpLogData {
                file_task_logs: None,
                ..serde
            }
        );
    }

    #[test]
    fn odd_answers_are_refused_like_serde() {
        for text in [
            r#"{"finished":true}"#,
            r#"{"job_instance":{"job_instance_id":1,"status":2}}"#,
            r#"{"finished":"yes","job_instance":{"job_instance_id":1,"status":2}}"#,
            r#"{"finished":true,"job_instance":{"job_instance_id":"1","status":2}}"#,
            r#"{"finished":true,"job_instance":{"job_instance_id":1,"status":2147483648}}"#,
            r#"{"finished":true,"job_instance":{"job_instance_id":1,"status":2,"name":null}}"#,
            r#"{"finished":true,"job_instance":{"job_instance_id":1.5,"status":2}}"#,
            r#"{"finished":true,"job_instance":{"job_instance_id":1,"status":2},"step_instance_list":null}"#,
            r#"{"finished":true,"job_instance":{"job_instance_id":1,"status":2},"step_instance_list":[{"step_instance_id":1}]}"#,
            r#"{"finished":true,"job_instance":{"job_instance_id":1,"status":2},"step_instance_list":[{"step_instance_id":1,"status":1,"step_ip_result_list":[{"tag":"x"}]}]}"#,
            r#"{"finished":true,"job_instance":{"job_instance_id":1,"status":2},"step_instance_list":[{"step_instance_id":1,"status":1,"step_ip_result_list":[{"status":1,"tag":null}]}]}"#,
            r#"{"finished":true,"job_instance":[]}"#,
        ] {
            same::<JobInstanceStatusData>(text);
        }
        same::<OperateJobInstanceData>("{}");
        same::<OperateJobInstanceData>(r#"{"job_instance_id":9223372036854775808}"#);
        same::<IpLogData>(r#"{"log_type":1,"log_content":5}"#);
        same::<Permission>(r#"{"system_id":"bk_job"}"#);
        same::<Permission>(r#"{"system_id":"bk_job","system_name":"j","actions":[{"id":"a"}]}"#);
        same::<Permission>(r#"{"system_id":1,"system_name":"j"}"#);
        same::<Permission>(r#"{"x":1}"#);
        same::<StepInstanceStatusData>(r#"{"step_instance_id":7}"#);
        same::<StepInstanceStatusData>(
            r#"{"step_instance_id":7,"execute_count":0,"step_result_group_list":[{"result_type":1}]}"#,
        );
    }
}
