//! JOB's own libraries in the configuration: execution accounts (`[[accounts]]`) and the
//! script library (`[[scripts]]` per business, `[[public_scripts]]` for all), with the fields
//! `get_account_list` and the script APIs answer (contract bk-job-api-more.md §5, §6).
//!
//! Times (`create_time`, `last_modify_time`) are TOML datetimes
//! (`2024-03-01T10:00:00+08:00`; without an offset: UTC). Absent, a script's are
//! [`DEFAULT_TIME`], a version's are its script's, and `last_modify_*` follow `create_*`.

use serde::{Deserialize, Deserializer};

use super::SERVER_USER;

/// 2024-01-01T00:00:00Z: the creation time of a library entry that gives none, so answers do
/// not depend on when the server started.
pub const DEFAULT_TIME: i64 = 1_704_067_200_000;

/// Who created an entry that names nobody.
pub const DEFAULT_CREATOR: &str = "admin";

/// A TOML datetime as Unix milliseconds.
fn opt_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    use serde::de::Error;
    let Some(dt) = Option::<toml::value::Datetime>::deserialize(d)? else {
        return Ok(None);
    };
    let date = dt
        .date
        .ok_or_else(|| D::Error::custom(format!("{dt}: a date is needed")))?;
    let time = dt.time.unwrap_or(toml::value::Time {
        hour: 0,
        minute: 0,
        second: Some(0),
        nanosecond: Some(0),
    });
    let offset_min = match dt.offset {
        Some(toml::value::Offset::Custom { minutes }) => i64::from(minutes),
        _ => 0,
    };
    chrono::NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
        .and_then(|d| {
            d.and_hms_nano_opt(
                time.hour.into(),
                time.minute.into(),
                time.second.unwrap_or(0).into(),
                time.nanosecond.unwrap_or(0),
            )
        })
        .map(|t| t.and_utc().timestamp_millis() - offset_min * 60_000)
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("{dt} is not a valid datetime")))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountConfig {
    pub id: i64,
    pub alias: String,
    pub biz_id: i64,
    /// Local user the script runs as; `$SERVER_USER` = the user running the server.
    #[serde(default = "server_user")]
    pub os_user: String,
    /// The account name BK-JOB shows (its OS or DB user); default: the alias.
    #[serde(default)]
    pub account: Option<String>,
    /// 1 system (OS) account (default), 2 DB account. Only system accounts run scripts.
    #[serde(default = "one")]
    pub category: i32,
    /// 1 Linux (default), 2 Windows; DB accounts 9 MySQL, 10 Oracle, 11 DB2.
    #[serde(default = "one", rename = "type")]
    pub type_: i32,
    /// DB accounts: the system account their client runs as.
    #[serde(default)]
    pub db_system_account_id: Option<i64>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub creator: Option<String>,
    #[serde(default, deserialize_with = "opt_time")]
    pub create_time: Option<i64>,
    #[serde(default)]
    pub last_modify_user: Option<String>,
    #[serde(default, deserialize_with = "opt_time")]
    pub last_modify_time: Option<i64>,
}

fn server_user() -> String {
    SERVER_USER.to_string()
}

fn one() -> i32 {
    1
}

impl AccountConfig {
    /// A system (OS) account: the only kind a script runs as.
    pub fn is_system(&self) -> bool {
        self.category == 1
    }

    /// The account name as BK-JOB shows it.
    pub fn account_name(&self) -> &str {
        self.account.as_deref().unwrap_or(&self.alias)
    }

    /// BK-JOB's `os` of a system account.
    pub fn os(&self) -> Option<&'static str> {
        match (self.category, self.type_) {
            (1, 1) => Some("Linux"),
            (1, 2) => Some("Windows"),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptConfig {
    /// BK-JOB script ids are strings (32 hex chars in real JOB).
    pub id: String,
    /// The owning business (or biz set); absent (0) for a public script.
    #[serde(default)]
    pub biz_id: i64,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Labels shown by a library browser (BK-JOB's script tags; not in the v3 answers).
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub creator: Option<String>,
    #[serde(default, deserialize_with = "opt_time")]
    pub create_time: Option<i64>,
    #[serde(default)]
    pub last_modify_user: Option<String>,
    #[serde(default, deserialize_with = "opt_time")]
    pub last_modify_time: Option<i64>,
    #[serde(default)]
    pub versions: Vec<ScriptVersionConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptVersionConfig {
    pub id: i64,
    #[serde(default)]
    pub version: String,
    /// `online`, `offline`, `draft` or `disabled` (BK-JOB `JobResourceStatusEnum`).
    pub status: ScriptVersionStatus,
    /// 1 shell, 2 bat, 3 perl, 4 python, 5 powershell (the same for every version).
    pub language: i32,
    /// Plain script text (not Base64).
    pub content: String,
    #[serde(default)]
    pub version_desc: Option<String>,
    #[serde(default)]
    pub creator: Option<String>,
    #[serde(default, deserialize_with = "opt_time")]
    pub create_time: Option<i64>,
    #[serde(default)]
    pub last_modify_user: Option<String>,
    #[serde(default, deserialize_with = "opt_time")]
    pub last_modify_time: Option<i64>,
}

impl ScriptConfig {
    pub fn is_public(&self) -> bool {
        self.biz_id == 0
    }

    pub fn creator(&self) -> &str {
        self.creator.as_deref().unwrap_or(DEFAULT_CREATOR)
    }

    pub fn created(&self) -> i64 {
        self.create_time.unwrap_or(DEFAULT_TIME)
    }

    pub fn modified(&self) -> i64 {
        self.last_modify_time.unwrap_or_else(|| self.created())
    }

    pub fn modifier(&self) -> &str {
        self.last_modify_user.as_deref().unwrap_or(self.creator())
    }

    /// The script's language: its versions share one (checked at load).
    pub fn language(&self) -> i32 {
        self.versions.first().map_or(1, |v| v.language)
    }

    /// The version that is online, if any (BK-JOB keeps at most one).
    pub fn online(&self) -> Option<&ScriptVersionConfig> {
        self.versions
            .iter()
            .find(|v| v.status == ScriptVersionStatus::Online)
    }
}

impl ScriptVersionConfig {
    pub fn creator<'a>(&'a self, script: &'a ScriptConfig) -> &'a str {
        self.creator.as_deref().unwrap_or(script.creator())
    }

    pub fn created(&self, script: &ScriptConfig) -> i64 {
        self.create_time.unwrap_or(script.created())
    }

    pub fn modified(&self, script: &ScriptConfig) -> i64 {
        self.last_modify_time
            .unwrap_or_else(|| self.created(script))
    }

    pub fn modifier<'a>(&'a self, script: &'a ScriptConfig) -> &'a str {
        self.last_modify_user
            .as_deref()
            .unwrap_or(self.creator(script))
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ScriptVersionStatus {
    Draft,
    Online,
    Offline,
    Disabled,
}

impl ScriptVersionStatus {
    /// Localized status name as BK-JOB shows it in 1244018's `{0}`.
    pub fn label(self, lang: bkjob_api::lang::Lang) -> &'static str {
        // BK-JOB JobResourceStatusEnum i18n: 未上线/已上线/已下线/已禁用.
        match self {
            ScriptVersionStatus::Draft => lang.pick("未上线", "Unpublished"),
            ScriptVersionStatus::Online => lang.pick("已上线", "Online"),
            ScriptVersionStatus::Offline => lang.pick("已下线", "Offline"),
            ScriptVersionStatus::Disabled => lang.pick("已禁用", "Disabled"),
        }
    }

    /// BK-JOB's `JobResourceStatusEnum` code: 0 draft, 1 online, 2 offline, 3 disabled.
    pub fn code(self) -> i32 {
        match self {
            ScriptVersionStatus::Draft => 0,
            ScriptVersionStatus::Online => 1,
            ScriptVersionStatus::Offline => 2,
            ScriptVersionStatus::Disabled => 3,
        }
    }

    /// Only online and offline versions may run (contract §3.4, else 1244018).
    pub fn may_run(self) -> bool {
        matches!(
            self,
            ScriptVersionStatus::Online | ScriptVersionStatus::Offline
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt_time")]
        t: Option<i64>,
    }

    #[test]
    fn toml_datetimes_become_unix_ms() {
        let t = |s: &str| toml::from_str::<T>(s).map(|t| t.t).map_err(|_| ());
        assert_eq!(t("t = 2024-01-01T00:00:00Z"), Ok(Some(DEFAULT_TIME)));
        assert_eq!(t("t = 2024-01-01T08:00:00+08:00"), Ok(Some(DEFAULT_TIME)));
        assert_eq!(t("t = 2024-01-01T00:00:00"), Ok(Some(DEFAULT_TIME)));
        assert_eq!(t("t = 2024-01-01"), Ok(Some(DEFAULT_TIME)));
        assert_eq!(
            t("t = 2024-01-01T00:00:01.5Z"),
            Ok(Some(DEFAULT_TIME + 1500))
        );
        assert_eq!(t(""), Ok(None));
        assert!(t("t = 10:00:00").is_err());
        assert!(t("t = \"yesterday\"").is_err());
    }

    #[test]
    fn status_codes_and_who_may_run() {
        use ScriptVersionStatus::*;
        let codes: Vec<(i32, bool)> = [Draft, Online, Offline, Disabled]
            .iter()
            .map(|s| (s.code(), s.may_run()))
            .collect();
        assert_eq!(codes, vec![(0, false), (1, true), (2, true), (3, false)]);
    }
}
