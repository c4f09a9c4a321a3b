//! The API reference as a page: the generated OpenAPI document laid out for reading, served
//! from the binary with no script, so that it works on a network without internet access.

use std::sync::LazyLock;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;

struct Operation {
    method: String,
    path: String,
    anchor: String,
    summary: String,
    description: Vec<String>,
    public: bool,
    params: Vec<Field>,
    body: Option<String>,
    responses: Vec<Answer>,
}

struct Field {
    name: String,
    place: String,
    kind: String,
    required: bool,
    description: String,
}

struct Answer {
    status: String,
    description: String,
    schema: Option<String>,
}

struct Tag {
    name: String,
    description: String,
    operations: Vec<Operation>,
}

struct SchemaView {
    name: String,
    description: String,
    fields: Vec<Field>,
}

#[derive(Template)]
#[template(path = "api_docs.html")]
struct ApiDocsPage {
    title: String,
    intro: Vec<String>,
    tags: Vec<Tag>,
    schemas: Vec<SchemaView>,
}

pub async fn page() -> Response {
    static HTML: LazyLock<Result<String, String>> =
        LazyLock::new(|| lay_out().render().map_err(|e| e.to_string()));
    match &*HTML {
        Ok(html) => Html(html.clone()).into_response(),
        Err(e) => {
            tracing::error!("template error: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "页面生成失败").into_response()
        }
    }
}

/// The page is the same for everyone and for the process's life: laid out once.
fn lay_out() -> ApiDocsPage {
    let doc: Value = serde_json::from_str(crate::api::doc_json()).unwrap_or(Value::Null);
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let mut tags: Vec<Tag> = doc["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| Tag {
            name: text(&t["name"]),
            description: text(&t["description"]),
            operations: Vec::new(),
        })
        .collect();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let tag = text(&op["tags"][0]);
            let Some(t) = tags.iter_mut().find(|t| t.name == tag) else {
                continue;
            };
            t.operations.push(operation(method, path, op));
        }
    }
    let schemas = doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, s)| SchemaView {
            name: name.clone(),
            description: text(&s["description"]),
            fields: fields(s),
        })
        .collect();
    ApiDocsPage {
        title: text(&doc["info"]["title"]),
        intro: paragraphs(&doc["info"]["description"]),
        tags,
        schemas,
    }
}

fn paragraphs(v: &Value) -> Vec<String> {
    v.as_str()
        .unwrap_or_default()
        .split("\n\n")
        .map(|p| p.replace('\n', " "))
        .filter(|p| !p.trim().is_empty())
        .collect()
}

fn operation(method: &str, path: &str, op: &Value) -> Operation {
    let params = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| Field {
            name: p["name"].as_str().unwrap_or_default().to_string(),
            place: p["in"].as_str().unwrap_or_default().to_string(),
            kind: kind(&p["schema"]),
            required: p["required"].as_bool().unwrap_or(false),
            description: p["description"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    let body = op["requestBody"]["content"]
        .as_object()
        .and_then(|c| c.iter().next())
        .map(|(ct, c)| format!("{ct}: {}", kind(&c["schema"])));
    let responses = op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(status, r)| Answer {
            status: status.clone(),
            description: r["description"].as_str().unwrap_or_default().to_string(),
            schema: r["content"]
                .as_object()
                .and_then(|c| c.values().next())
                .map(|c| kind(&c["schema"]))
                .filter(|k| !status.starts_with(['4', '5']) || k != "Error"),
        })
        .collect();
    Operation {
        method: method.to_uppercase(),
        path: path.to_string(),
        anchor: op["operationId"].as_str().unwrap_or_default().to_string(),
        summary: op["summary"].as_str().unwrap_or_default().to_string(),
        description: paragraphs(&op["description"]),
        public: op["security"].as_array().is_some_and(|s| {
            s.iter()
                .all(|r| r.as_object().is_some_and(|o| o.is_empty()))
        }),
        params,
        body,
        responses,
    }
}

fn fields(s: &Value) -> Vec<Field> {
    let required: Vec<&str> = s["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut out: Vec<Field> = s["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, p)| Field {
            name: name.clone(),
            place: String::new(),
            kind: kind(p),
            required: required.contains(&name.as_str()),
            description: p["description"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    for part in ["allOf", "oneOf"] {
        for s in s[part].as_array().into_iter().flatten() {
            out.extend(fields(s));
            if let Some(r) = s["$ref"].as_str() {
                out.push(Field {
                    name: "…".into(),
                    place: String::new(),
                    kind: r.rsplit('/').next().unwrap_or_default().to_string(),
                    required: true,
                    description: String::new(),
                });
            }
        }
    }
    out
}

/// A schema in a word or two: a type, `[T]` for a list, a schema's name for a reference.
fn kind(s: &Value) -> String {
    if let Some(r) = s["$ref"].as_str() {
        return r.rsplit('/').next().unwrap_or_default().to_string();
    }
    if let Some(alts) = s["oneOf"].as_array().or(s["anyOf"].as_array()) {
        return alts.iter().map(kind).collect::<Vec<_>>().join(" | ");
    }
    if !s["items"].is_null() {
        return format!("[{}]", kind(&s["items"]));
    }
    if let Some(values) = s["enum"].as_array() {
        return values
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | ");
    }
    match &s["type"] {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "object".into(),
    }
}
