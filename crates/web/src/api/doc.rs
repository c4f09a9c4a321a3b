//! The OpenAPI document: what each handler declares with `#[utoipa::path]`, gathered by the
//! route table, with what holds for every operation (sign-in, CSRF, the error answers) added
//! from each operation's own shape rather than written a hundred times.

use std::sync::LazyLock;

use utoipa::OpenApi;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{
    Components, ContentBuilder, ObjectBuilder, Ref, RefOr, Required, Response, ResponseBuilder,
    Type,
};

use dangjian_service::import::RosterKind;

use crate::error::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "党建信息管理 dangjian API",
        description = include_str!("intro.md"),
    ),
    servers((url = "/api/v1", description = "This server.")),
    security(("bearerAuth" = []), ("cookieAuth" = [])),
    // Schemas only query parameters name, which the paths do not gather.
    components(schemas(ErrorBody, RosterKind)),
    tags(
        (name = "auth", description = "登录与当前用户 Login and the current user"),
        (name = "orgs", description = "党组织 The organization tree"),
        (name = "members", description = "党员 The member registry"),
        (name = "stats", description = "统计 Statistics"),
        (name = "life", description = "组织生活 Organizational life: meetings and their files, self check-in, rules and compliance, reminders"),
        (name = "reviews", description = "民主评议党员 The annual review of members: entries, the general meeting's decision, results"),
        (name = "dues", description = "党费: standards, ledger, arrears, lapses, reductions"),
        (name = "transfers", description = "组织关系转接 Transfers of membership"),
        (name = "accounts", description = "账号与安全策略 Accounts, sessions and the security policy"),
        (name = "imports", description = "名册导入导出 Roster imports and exports"),
        (name = "recruitment", description = "发展党员 Recruitment, from application to full membership"),
        (name = "masses", description = "党员联系群众: grids, households, pairings, deeds, coverage, cards, community check-in, service units"),
        (name = "requests", description = "群众诉求 Residents' requests, staff side: lists, the state machine's actions, the district's categories and departments, the dashboard"),
        (name = "evaluations", description = "三评一公开 Members evaluated by the households they serve, by the members of their branch and by their branch: periods, responses, results per branch or community, publication"),
        (name = "public", description = "公开接口 No login: residents submit, track and answer requests; the published list of answered requests; published evaluation results; members' public cards"),
        (name = "assessment", description = "星级评定 Star ratings: the district's schemes, each grassroots organization's sheet with items computed from the records, the town's review, the district's confirmation, publication and objections"),
        (name = "enterprises", description = "非公企业和社会组织 Non-public enterprises and social organizations: the register with its credit codes and party organizations (own, joint or none), the two coverages (两个覆盖) of a level and its children, instructors, leaders who look after enterprises and factory liaisons with their visits, and the district's rules of the work"),
        (name = "screen", description = "大屏 The big screen: one level's figures for a 1920×1080 display (counts only, no person named), the map of its children (schematic tiles or the level's own GeoJSON boundaries)"),
        (name = "task-forces", description = "党员突击队 Task forces: temporary branches opened for a mission under a parent, with seconded members who keep their home branch, meetings, deeds and applications made during the mission (火线入党)"),
        (name = "volunteers", description = "志愿服务 Volunteer service: activities with sign-ups by members and residents, hours confirmed by the organizer, person-times and hours from the counters, a volunteer's own record with stars"),
        (name = "cadres", description = "干部人才 Cadres and talents: the villages' two committees (两委), their elections (换届) with the county's joint vetting, the statistics reported upward, the reserve pool (后备力量) and its targets, first secretaries and resident work teams (第一书记, 驻村工作队) with their days in the village, leave, inspections and grades, talents with the \"百千万\" programme, promotions, and mentor studios with their apprentices"),
        (name = "meta", description = "接口描述 This document"),
    ),
)]
struct Base;

/// The whole document, built from the route table.
fn document() -> utoipa::openapi::OpenApi {
    built().0
}

/// The document, and the schema names two types claimed (see [`crate::routes::Table`]).
fn built() -> (utoipa::openapi::OpenApi, Vec<String>) {
    let mut doc = Base::openapi();
    let (paths, clashes) = super::routes().into_doc();
    doc.merge(paths);
    let components = doc.components.get_or_insert_with(Components::new);
    components.add_security_scheme(
        "bearerAuth",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "The 64-hex-character token from POST /auth/login, as `Authorization: Bearer <token>`. No CSRF token needed.",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        "cookieAuth",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            "dj_session",
            "Browser session cookie set by the HTML login page. Unsafe methods additionally need the `X-CSRF-Token` header.",
        ))),
    );
    for (_, item) in doc.paths.paths.iter_mut() {
        for (method, op) in operations(item) {
            add_common(method, op);
        }
    }
    (doc, clashes)
}

/// The document as served, built once.
pub(crate) fn json() -> &'static str {
    static JSON: LazyLock<String> = LazyLock::new(|| {
        document()
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    });
    &JSON
}

fn operations(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
    [
        ("GET", item.get.as_mut()),
        ("POST", item.post.as_mut()),
        ("PUT", item.put.as_mut()),
        ("PATCH", item.patch.as_mut()),
        ("DELETE", item.delete.as_mut()),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.map(|op| (m, op)))
    .collect()
}

/// The answers and headers every operation of its shape has: an operation that signs in may
/// answer 401 and 403, one that takes an id 404, one with a body 400, 413, 415 and 422, and
/// a change made with a browser session needs the CSRF header.
fn add_common(method: &str, op: &mut Operation) {
    let public = op
        .security
        .as_ref()
        .is_some_and(|s| s.iter().all(|r| *r == SecurityRequirement::default()));
    let located = |place: ParameterIn| {
        op.parameters.iter().flatten().any(|p| match p {
            RefOr::T(p) => p.parameter_in == place,
            RefOr::Ref(_) => false,
        })
    };
    let has_path_id = located(ParameterIn::Path);
    let has_query = located(ParameterIn::Query);
    let has_body = op.request_body.is_some();
    let upload = matches!(&op.request_body, Some(RefOr::T(b)) if b.content.contains_key("multipart/form-data"));
    if !public && method != "GET" {
        op.parameters.get_or_insert_with(Vec::new).push(
            ParameterBuilder::new()
                .name("X-CSRF-Token")
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "Only when signed in by the `dj_session` cookie: the session's CSRF token, as the pages embed it in their `_csrf` field. Not needed with a bearer token. Missing or wrong: 403 `csrf`.",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .pattern(Some("^[0-9a-f]{32}$")),
                ))
                .build()
                .into(),
        );
    }
    let mut errors: Vec<(&str, &str)> = Vec::new();
    if has_body || has_query || has_path_id {
        errors.push((
            "400",
            "400 请求格式错误: `malformed_body` (JSON syntax, a wrong type, a required field missing), `malformed_query` (a query parameter of the wrong type) or `missing_parameter`. A path id that is not an integer answers 404, like an unknown id.",
        ));
    }
    if !public {
        errors.push((
            "401",
            "401 未登录: no valid bearer token or session cookie (missing, unknown, expired, or the account disabled).",
        ));
        errors.push((
            "403",
            "403 无权限: `forbidden`, the role may not do this (auditors read only the audit log; members never edit others' records); `csrf`, a browser session's change without its token.",
        ));
    }
    if has_path_id || !public {
        errors.push((
            "404",
            "404 不存在: the object does not exist or lies outside the caller's scope; the two are deliberately alike.",
        ));
    }
    if has_body {
        errors.push((
            "413",
            if upload {
                "413 请求过大: the upload exceeds its limit (6 MiB for files and photos, larger for rosters)."
            } else {
                "413 请求过大: the body exceeds 1 MiB."
            },
        ));
        errors.push((
            "415",
            "415 内容类型错误: JSON bodies must be sent as `application/json`, uploads as `multipart/form-data`.",
        ));
    }
    if has_body || method != "GET" || has_query {
        errors.push((
            "422",
            "422 校验失败: a field broke a rule; `code` says which rule and `field` names the field (the first problem only).",
        ));
    }
    errors.push((
        "500",
        "500 服务器内部错误: details go to the server log only.",
    ));
    errors.push((
        "503",
        "503 数据库不可用: the database is unavailable for now; try again later.",
    ));
    for (status, description) in errors {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(error_response(description)));
    }
}

fn error_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Error")))
                .build(),
        )
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document is kept in docs/ for readers and reviewers: a change of the API shows in
    /// the diff. `UPDATE_OPENAPI=1 cargo test -p dangjian-web` writes it anew.
    #[test]
    fn document_matches_its_snapshot() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
        let now = format!("{}\n", json());
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            std::fs::write(path, &now).expect("write docs/openapi.json");
        }
        let kept = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            kept == now,
            "docs/openapi.json differs from the API the code declares; run UPDATE_OPENAPI=1 cargo test -p dangjian-web and review the diff"
        );
    }

    #[test]
    fn no_two_types_share_a_schema_name() {
        let (_, clashes) = built();
        assert!(
            clashes.is_empty(),
            "schema names claimed twice: {clashes:?}"
        );
    }

    #[test]
    fn every_operation_is_described_and_every_reference_resolves() {
        let doc = document();
        let schemas = &doc.components.as_ref().expect("components").schemas;
        let text = json();
        let mut operations = 0;
        for (path, item) in &doc.paths.paths {
            let mut item = item.clone();
            for (method, op) in operations_of(&mut item) {
                operations += 1;
                let what = format!("{method} {path}");
                assert!(op.operation_id.is_some(), "{what}: no operation id");
                assert!(
                    op.summary.as_ref().is_some_and(|s| !s.is_empty()),
                    "{what}: no summary"
                );
                assert_eq!(op.tags.as_ref().map(Vec::len), Some(1), "{what}: one tag");
                assert!(
                    op.responses.responses.contains_key("500"),
                    "{what}: error answers"
                );
            }
        }
        assert!(operations > 100, "only {operations} operations");
        let mut refs = 0;
        for r in text.split("\"#/components/schemas/").skip(1) {
            let name = &r[..r.find('"').expect("closing quote")];
            assert!(schemas.contains_key(name), "unresolved reference {name}");
            refs += 1;
        }
        assert!(refs > 100, "only {refs} references");
    }

    fn operations_of(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
        operations(item)
    }
}
