//! Lambda events as the three front doors send them, for the tests and the cold-start
//! measurement: a REST API proxy event, an HTTP API (payload 2.0) event and a function URL
//! event (files under `events/`, modelled on the shapes AWS documents), with what API Gateway
//! adds: the bearer token in the headers, or the authorizer's claims flattened to strings as
//! REST and HTTP APIs flatten them.

use serde_json::{Map, Value};

/// Which front door the event comes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// API Gateway REST API, Lambda proxy integration (`requestContext.authorizer.claims`).
    RestApi,
    /// API Gateway HTTP API, payload format 2.0 (`requestContext.authorizer.jwt`).
    HttpApi,
    /// A Lambda function URL (payload 2.0, never an authorizer for Cognito).
    FunctionUrl,
}

/// A Lambda event under construction, as JSON.
#[derive(Debug, Clone)]
pub struct Event {
    kind: Kind,
    json: Value,
}

impl Event {
    /// `GET path` through `kind`, with no credentials and no authorizer claims.
    pub fn get(kind: Kind, path: &str) -> Event {
        let fixture = match kind {
            Kind::RestApi => include_str!("../events/rest-api.json"),
            Kind::HttpApi => include_str!("../events/http-api.json"),
            Kind::FunctionUrl => include_str!("../events/function-url.json"),
        };
        let mut json: Value = serde_json::from_str(fixture).unwrap_or_default();
        match kind {
            Kind::RestApi => {
                json["path"] = path.into();
                json["requestContext"]["path"] = format!("/prod{path}").into();
                // A route without the Cognito authorizer: API Gateway sends no claims.
                if let Some(context) = json["requestContext"].as_object_mut() {
                    context.remove("authorizer");
                }
            }
            Kind::HttpApi | Kind::FunctionUrl => {
                json["rawPath"] = path.into();
                json["requestContext"]["http"]["path"] = path.into();
                if let Some(context) = json["requestContext"].as_object_mut() {
                    context.remove("authorizer");
                }
            }
        }
        Event { kind, json }
    }

    /// With `Authorization: Bearer token` (for the setup that verifies the token itself).
    pub fn bearer(mut self, token: &str) -> Event {
        let value = Value::from(format!("Bearer {token}"));
        self.json["headers"]["Authorization"] = value.clone();
        if self.kind == Kind::RestApi {
            self.json["multiValueHeaders"]["Authorization"] = Value::Array(vec![value]);
        }
        self
    }

    /// With the claims of a verified token in the request context, flattened the way this
    /// front door's authorizer flattens them. `scopes` is what an HTTP API's JWT authorizer
    /// lists (the route's authorization scopes the token matched), `None` when the route has
    /// none. A function URL has no Cognito authorizer: its event gets no claims.
    pub fn authorizer_claims(mut self, claims: &Value, scopes: Option<&[&str]>) -> Event {
        match self.kind {
            Kind::RestApi => {
                self.json["requestContext"]["authorizer"] =
                    serde_json::json!({ "claims": flatten_rest(claims) });
            }
            Kind::HttpApi => {
                let scopes = scopes.map(|scopes| scopes.iter().copied().map(Value::from).collect::<Vec<_>>());
                self.json["requestContext"]["authorizer"] =
                    serde_json::json!({ "jwt": { "claims": flatten_http(claims), "scopes": scopes } });
            }
            Kind::FunctionUrl => {}
        }
        self
    }

    /// An event of `kind` given as JSON (e.g. one edited by a test).
    pub fn from_json(kind: Kind, json: Value) -> Event {
        Event { kind, json }
    }

    /// The event as the Lambda runtime hands it to `lambda_http`.
    pub fn to_json(&self) -> String {
        self.json.to_string()
    }

    /// The event converted by `lambda_http`'s own conversion, as a request for the app.
    pub fn request(&self) -> Result<lambda_http::Request, serde_json::Error> {
        lambda_http::request::from_str(&self.to_json())
    }
}

/// A REST API Cognito authorizer's flattening: strings everywhere, arrays joined with commas,
/// `exp` and `iat` as Java dates (`Thu May 04 03:50:06 UTC 2023`), other numbers as digits.
pub fn flatten_rest(claims: &Value) -> Value {
    flatten(claims, |name, value| match (name, value) {
        ("exp" | "iat", Value::Number(n)) => n.as_i64().map(java_date),
        (_, Value::Array(items)) => Some(strings(items).join(",")),
        _ => None,
    })
}

/// An HTTP API JWT authorizer's flattening: strings everywhere, arrays as `[a b]`, numbers
/// as digits.
pub fn flatten_http(claims: &Value) -> Value {
    flatten(claims, |_, value| match value {
        Value::Array(items) => Some(format!("[{}]", strings(items).join(" "))),
        _ => None,
    })
}

fn flatten(claims: &Value, special: impl Fn(&str, &Value) -> Option<String>) -> Value {
    let Some(claims) = claims.as_object() else { return Value::Null };
    let flat: Map<String, Value> = claims
        .iter()
        .map(|(name, value)| {
            let text = special(name, value).unwrap_or_else(|| match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            });
            (name.clone(), Value::String(text))
        })
        .collect();
    Value::Object(flat)
}

fn strings(items: &[Value]) -> Vec<String> {
    items.iter().map(|item| item.as_str().map_or_else(|| item.to_string(), str::to_owned)).collect()
}

/// Java's `Date.toString()` in UTC: `EEE MMM dd HH:mm:ss UTC yyyy`.
pub fn java_date(unix: i64) -> String {
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    let (days, seconds) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    // H. Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = WEEKDAYS.get(usize::try_from(days.rem_euclid(7)).unwrap_or(0)).copied().unwrap_or("Thu");
    let month_name = MONTHS.get(usize::try_from(month - 1).unwrap_or(0)).copied().unwrap_or("Jan");
    format!(
        "{weekday} {month_name} {day:02} {:02}:{:02}:{:02} UTC {year}",
        seconds / 3_600,
        seconds % 3_600 / 60,
        seconds % 60
    )
}
