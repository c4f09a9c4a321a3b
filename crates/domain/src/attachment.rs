//! Files kept with meeting minutes and with the records of 组织建设: photos and documents
//! only, recognised by their content (a renamed executable is refused whatever its name says),
//! within a size limit per file and per owner.

use crate::FieldError;

/// What a file's first bytes say it is, and the extensions such a file may carry.
struct Kind {
    mime: &'static str,
    magic: &'static [u8],
    extensions: &'static [&'static str],
}

const KINDS: &[Kind] = &[
    Kind {
        mime: "image/jpeg",
        magic: b"\xFF\xD8\xFF",
        extensions: &["jpg", "jpeg"],
    },
    Kind {
        mime: "image/png",
        magic: b"\x89PNG\r\n\x1a\n",
        extensions: &["png"],
    },
    Kind {
        mime: "application/pdf",
        magic: b"%PDF-",
        extensions: &["pdf"],
    },
    // Office documents are zip archives; the extension tells which kind.
    Kind {
        mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        magic: b"PK\x03\x04",
        extensions: &["docx"],
    },
    Kind {
        mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        magic: b"PK\x03\x04",
        extensions: &["xlsx"],
    },
];

/// The limits on the files of one owner, in bytes, and how a refusal names that owner.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub per_file: usize,
    pub per_owner: usize,
    /// The owner in the refusal: "每次会议的附件合计不能超过 20 MB".
    pub owner: &'static str,
    /// The refusal's code when the owner's files are full.
    pub full_code: &'static str,
}

/// A meeting's files.
impl Default for Limits {
    fn default() -> Self {
        Self {
            per_file: 5 * 1024 * 1024,
            per_owner: 20 * 1024 * 1024,
            owner: "每次会议",
            full_code: "meeting_full",
        }
    }
}

impl Limits {
    /// The same sizes for the files of another owner (a rating, a project, a listing).
    pub fn kept_with(owner: &'static str) -> Self {
        Self {
            owner,
            full_code: "owner_full",
            ..Self::default()
        }
    }
}

/// A checked upload: its cleaned name and its content type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub name: String,
    pub mime: &'static str,
}

fn mib(n: usize) -> String {
    format!("{} MB", n / (1024 * 1024))
}

/// Checks a file about to be attached to an owner that already holds `stored` bytes.
pub fn check(
    name: &str,
    body: &[u8],
    stored: usize,
    limits: Limits,
) -> Result<Checked, FieldError> {
    // Browsers on some systems send the client's full path.
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    if base.is_empty() {
        return Err(FieldError::new("file", "required", "请选择要上传的文件"));
    }
    if body.is_empty() {
        return Err(FieldError::new("file", "empty", "文件是空的"));
    }
    if body.len() > limits.per_file {
        return Err(FieldError::new(
            "file",
            "too_large",
            format!("单个附件不能超过 {}", mib(limits.per_file)),
        ));
    }
    if stored + body.len() > limits.per_owner {
        return Err(FieldError::new(
            "file",
            limits.full_code,
            format!(
                "{}的附件合计不能超过 {}",
                limits.owner,
                mib(limits.per_owner)
            ),
        ));
    }
    let ext = base
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let kind = KINDS
        .iter()
        .find(|k| k.extensions.contains(&ext.as_str()))
        .ok_or_else(|| {
            FieldError::new(
                "file",
                "forbidden_type",
                "只能上传照片（jpg、png）或文档（pdf、docx、xlsx）",
            )
        })?;
    if !body.starts_with(kind.magic) {
        return Err(FieldError::new(
            "file",
            "content_mismatch",
            format!("文件内容与扩展名 .{ext} 不符，请上传真实的{ext}文件"),
        ));
    }
    let name: String = base.chars().filter(|c| !c.is_control()).take(100).collect();
    Ok(Checked {
        name,
        mime: kind.mime,
    })
}

/// Checks a photo (a request's, a deed's, a card's): JPG or PNG by content, within
/// `max_bytes`; the error names `field`. Returns its content type.
pub fn check_photo(
    field: &'static str,
    name: &str,
    body: &[u8],
    max_bytes: usize,
) -> Result<&'static str, FieldError> {
    let limits = Limits {
        per_file: max_bytes,
        per_owner: max_bytes,
        ..Limits::default()
    };
    let c = check(name, body, 0, limits).map_err(|mut e| {
        e.field = field;
        if e.code == "too_large" {
            e.message = format!("照片不能超过 {}", mib(max_bytes));
        }
        e
    })?;
    if c.mime.starts_with("image/") {
        Ok(c.mime)
    } else {
        Err(FieldError::new(
            field,
            "not_an_image",
            "照片只能是 JPG 或 PNG 图片",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_photo_is_an_image_within_its_limit() {
        assert_eq!(check_photo("photo", "a.png", PNG, 1024), Ok("image/png"));
        let e = check_photo("photo", "a.pdf", b"%PDF-1.7", 1024).expect_err("a document");
        assert_eq!((e.field, e.code), ("photo", "not_an_image"));
        let e = check_photo("photo", "a.png", &[0u8; 2048], 1024).expect_err("too large");
        assert_eq!(e.code, "too_large");
        let e = check_photo("photo", "a.png", b"MZ", 1024).expect_err("not a png");
        assert_eq!(e.code, "content_mismatch");
    }

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n0000";

    #[test]
    fn photos_and_documents_pass_by_content() {
        let c = check("C:\\照片\\支部会.PNG", PNG, 0, Limits::default()).expect("png");
        assert_eq!(c.name, "支部会.PNG");
        assert_eq!(c.mime, "image/png");
        let c = check("纪要.docx", b"PK\x03\x04rest", 0, Limits::default()).expect("docx");
        assert!(c.mime.contains("wordprocessingml"));
        assert!(check("a.pdf", b"%PDF-1.7", 0, Limits::default()).is_ok());
        assert!(check("a.jpeg", b"\xFF\xD8\xFF\xE0", 0, Limits::default()).is_ok());
    }

    #[test]
    fn other_types_and_disguises_are_refused() {
        let e = check("run.exe", b"MZ\x90\x00", 0, Limits::default()).expect_err("exe");
        assert_eq!(e.code, "forbidden_type");
        let e = check("photo.png", b"MZ\x90\x00", 0, Limits::default()).expect_err("renamed");
        assert_eq!(e.code, "content_mismatch");
        let e = check("noext", PNG, 0, Limits::default()).expect_err("no extension");
        assert_eq!(e.code, "forbidden_type");
        assert_eq!(
            check("a.png", b"", 0, Limits::default())
                .expect_err("empty")
                .code,
            "empty"
        );
        assert_eq!(
            check("", PNG, 0, Limits::default())
                .expect_err("nameless")
                .code,
            "required"
        );
    }

    #[test]
    fn sizes_are_limited_per_file_and_per_meeting() {
        let limits = Limits {
            per_file: 12,
            per_owner: 20,
            ..Limits::default()
        };
        assert!(check("a.png", PNG, 0, limits).is_ok());
        let big = [PNG, b"xxxxxxxx"].concat();
        assert_eq!(
            check("a.png", &big, 0, limits).expect_err("big").code,
            "too_large"
        );
        assert_eq!(
            check("a.png", PNG, 9, limits).expect_err("full").code,
            "meeting_full"
        );
        assert!(check("a.png", PNG, 8, limits).is_ok());
        let project = Limits {
            per_owner: 20,
            ..Limits::kept_with("每个项目")
        };
        let full = check("a.png", PNG, 9, project).expect_err("full");
        assert_eq!(full.code, "owner_full");
        assert!(
            full.message.starts_with("每个项目的附件"),
            "{}",
            full.message
        );
    }
}
