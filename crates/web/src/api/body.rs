//! The envelopes the API wraps its answers in, typed so that the OpenAPI document describes
//! them from the code.

use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};

/// A list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

/// One page of a longer list: 50 a page unless said otherwise.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The page shown, from 1.
    pub page: i64,
    pub per_page: i64,
}

/// The id of what was created.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// A file's bytes, answered with its own content type. Only described: handlers answer the
/// bytes themselves.
pub struct FileBody;

impl utoipa::PartialSchema for FileBody {
    fn schema() -> RefOr<Schema> {
        binary("A file.")
    }
}

impl ToSchema for FileBody {}

/// An upload: a multipart form with one part named `file`. Only described: the upload
/// extractor reads the form.
pub struct Upload;

impl utoipa::PartialSchema for Upload {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .property(
                "file",
                binary("The file, with its name (the part's `filename`); a directory part of the name is dropped."),
            )
            .required("file")
            .into()
    }
}

impl ToSchema for Upload {}

fn binary(description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
        .description(Some(description))
        .into()
}
