//! Credentials: ESB's body arguments and the API gateway's header object.

use serde::{Deserialize, Serialize};

/// ESB common arguments (legacy route: credentials travel in the JSON body).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EsbCommonArgs {
    /// Application ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_app_code: Option<String>,
    /// Application secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_app_secret: Option<String>,
    /// User login ticket (either this or `bk_username`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_token: Option<String>,
    /// User name (login-exempt apps only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_username: Option<String>,
}

/// A legacy ESB request: common args and the business body side by side in one JSON object.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EsbRequest<T> {
    /// Credentials.
    #[serde(flatten)]
    pub common: EsbCommonArgs,
    /// Business fields.
    #[serde(flatten)]
    pub body: T,
}

/// The JSON object carried in the API-gateway header [`GatewayAuth::HEADER`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayAuth {
    /// Application ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_app_code: Option<String>,
    /// Application secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_app_secret: Option<String>,
    /// User name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_username: Option<String>,
    /// User login ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bk_token: Option<String>,
    /// OAuth access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

impl GatewayAuth {
    /// Header name used by the BlueKing API gateway.
    pub const HEADER: &'static str = "X-Bkapi-Authorization";

    /// Serialise as the header value (a compact JSON object string).
    pub fn to_header_value(&self) -> String {
        // Serialising a struct of Option<String> cannot fail.
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Parse a header value; unknown keys are ignored.
    pub fn parse(value: &str) -> Result<GatewayAuth, serde_json::Error> {
        serde_json::from_str(value.trim())
    }
}

impl std::str::FromStr for GatewayAuth {
    type Err = serde_json::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        GatewayAuth::parse(s)
    }
}
