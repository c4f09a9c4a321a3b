//! Files kept with the work of 组织建设: a secretary's report and its materials (述职报告),
//! a service-centre project's photos, a rectification's evidence. The owner decides who may
//! read (whoever reads its organization) and who may add or remove them (whoever keeps that
//! owner); the bytes live in the database with the rest.

use std::collections::HashMap;

use dangjian_domain::assessment::weak::ListingState;
use dangjian_domain::attachment::{self, Limits};
use dangjian_store::assessment::files::{self as store, NewFile};
use dangjian_store::assessment::{people, weak};

use super::policy;
use crate::audit::Entry;
use crate::model::read_model;
use crate::{Actor, App, ServiceError, ServiceResult};

read_model! {
    /// A file kept with a rating, a project or a listing (its bytes are read separately).
    pub struct AssessmentFile from store::FileRow {
        pub id: i64,
        pub owner_id: i64,
        /// The file name as uploaded, without any directory part or control characters.
        pub name: String,
        /// Content type, from the extension confirmed by the content.
        pub mime: String,
        /// Bytes.
        pub size: i64,
        pub created_at: i64,
    }
}

/// What a file is kept with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A secretary's rating: the report and its materials.
    Report(i64),
    /// A service-centre project: its photos and documents.
    Project(i64),
    /// A weak-list listing: the evidence of its rectification.
    Listing(i64),
}

impl Owner {
    fn kind(self) -> &'static str {
        match self {
            Owner::Report(_) => "secretary_rating",
            Owner::Project(_) => "project",
            Owner::Listing(_) => "listing",
        }
    }

    /// The owner in a refusal about its files being full.
    fn limits(self) -> Limits {
        Limits::kept_with(match self {
            Owner::Report(_) => "每份述职",
            Owner::Project(_) => "每个项目",
            Owner::Listing(_) => "每份整改方案",
        })
    }

    fn id(self) -> i64 {
        match self {
            Owner::Report(id) | Owner::Project(id) | Owner::Listing(id) => id,
        }
    }
}

/// The files of a list's owners, all of one kind, by owner id: one read for the list.
pub(crate) async fn files_by_owner(
    conn: &mut dangjian_store::Conn,
    owners: &[Owner],
) -> ServiceResult<HashMap<i64, Vec<AssessmentFile>>> {
    let Some(first) = owners.first() else {
        return Ok(HashMap::new());
    };
    let ids: Vec<i64> = owners.iter().map(|o| o.id()).collect();
    let mut out: HashMap<i64, Vec<AssessmentFile>> = HashMap::new();
    for f in store::of(conn, first.kind(), &ids).await? {
        out.entry(f.owner_id).or_default().push(f.into());
    }
    Ok(out)
}

/// What the checks on an owner's files need to know of it.
struct Kept {
    path: String,
    /// What the audit names it by.
    label: String,
    /// False for a listing signed off or not listed: its evidence is closed.
    open: bool,
}

impl App {
    /// The owner as its files' checks need it, once the actor may read it.
    async fn file_owner(&self, actor: &Actor, owner: Owner) -> ServiceResult<Kept> {
        let mut conn = self.db.conn().await?;
        let kept = match owner {
            Owner::Report(id) => people::rating(&mut conn, id).await?.map(|r| Kept {
                label: format!("{} {} 年述职", r.secretary_name, r.year),
                path: r.org_path,
                open: true,
            }),
            Owner::Project(id) => people::project(&mut conn, id).await?.map(|p| Kept {
                label: format!("{} {}", p.org_name, p.name),
                path: p.org_path,
                open: true,
            }),
            Owner::Listing(id) => weak::listing(&mut conn, id).await?.map(|l| Kept {
                label: format!("{} {} 年软弱涣散整改", l.org_name, l.year),
                open: l.state == ListingState::Listed.as_str(),
                path: l.org_path,
            }),
        }
        .ok_or(ServiceError::NotFound)?;
        policy::check_read_files(actor, &kept.path)?;
        Ok(kept)
    }

    /// Whether the actor may add and remove the owner's files; an owner out of scope is
    /// missing.
    async fn check_keep_files(&self, actor: &Actor, owner: Owner) -> ServiceResult<String> {
        let kept = self.file_owner(actor, owner).await?;
        match owner {
            Owner::Report(_) => policy::check_keep_report(actor, &kept.path)?,
            Owner::Project(_) => policy::check_keep_projects(actor, &kept.path)?,
            Owner::Listing(_) => policy::check_work_on_plan(actor, &kept.path)?,
        }
        if !kept.open {
            return Err(ServiceError::field(
                "file",
                "not_listed",
                "只有列入整顿、尚未销号的组织才能上传整改材料",
            ));
        }
        Ok(kept.label)
    }

    /// Keeps a file with its owner (audited as `assessment.file`).
    pub async fn attach_assessment_file(
        &self,
        actor: &Actor,
        owner: Owner,
        name: &str,
        body: &[u8],
    ) -> ServiceResult<AssessmentFile> {
        let label = self.check_keep_files(actor, owner).await?;
        let mut tx = self.begin_audited().await?;
        let stored = store::size_of(tx.conn(), owner.kind(), owner.id()).await?;
        let checked = attachment::check(
            name,
            body,
            usize::try_from(stored).unwrap_or(usize::MAX),
            owner.limits(),
        )
        .map_err(|e| ServiceError::Invalid(vec![e]))?;
        let id = store::insert(
            tx.conn(),
            &NewFile {
                owner_kind: owner.kind(),
                owner_id: owner.id(),
                name: &checked.name,
                mime: checked.mime,
                body,
                by: actor.user_id,
            },
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("assessment.file", owner.kind(), owner.id()).detail(format!(
                "{label}：{}（{} 字节）",
                checked.name,
                body.len()
            )),
        )
        .await?;
        Ok(AssessmentFile {
            id,
            owner_id: owner.id(),
            name: checked.name,
            mime: checked.mime.into(),
            size: body.len() as i64,
            created_at: crate::now_ms(),
        })
    }

    /// A file and its bytes, for whoever reads its owner.
    pub async fn assessment_file(
        &self,
        actor: &Actor,
        owner: Owner,
        file_id: i64,
    ) -> ServiceResult<(AssessmentFile, Vec<u8>)> {
        self.file_owner(actor, owner).await?;
        let mut conn = self.db.conn().await?;
        store::get(&mut conn, owner.kind(), owner.id(), file_id)
            .await?
            .map(|(f, body)| (f.into(), body))
            .ok_or(ServiceError::NotFound)
    }

    /// Removes a file (audited as `assessment.file_delete`).
    pub async fn delete_assessment_file(
        &self,
        actor: &Actor,
        owner: Owner,
        file_id: i64,
    ) -> ServiceResult<()> {
        let label = self.check_keep_files(actor, owner).await?;
        let mut tx = self.begin_audited().await?;
        if !store::delete(tx.conn(), owner.kind(), owner.id(), file_id).await? {
            return Err(ServiceError::NotFound);
        }
        tx.commit(
            actor,
            Entry::ok("assessment.file_delete", owner.kind(), owner.id())
                .detail(format!("{label}：删除附件 {file_id}")),
        )
        .await?;
        Ok(())
    }
}
