//! Documents too large to make while a page waits (every branch's 三会一课记录本 under a
//! village or a town, as one file) are made in the background: the request starts a job and
//! answers at once, the job notes how far it has come, and its reader downloads the file when
//! it is made. Started like an export is (the reader's policy, an audit row); a job a stopped
//! process left behind is marked failed at the next start; files are kept for a week.

use dangjian_domain::org::OrgKind;
use dangjian_report::pdf::{Doc, pdf};
use dangjian_store::document::{self as store, DocumentJobRow};

use crate::book::BookQuery;
use crate::life::record_book::read_book;
use crate::model::read_model;
use crate::{Actor, App, ServiceError, ServiceResult};

/// How long a made file is kept.
const KEPT_MS: i64 = 7 * 24 * 3600 * 1000;

/// The one kind made in the background so far.
pub const RECORD_BOOKS: &str = "record_books";

read_model! {
    /// A document being made, or made.
    pub struct DocumentJob from DocumentJobRow {
        pub id: i64,
        pub org_id: i64,
        /// `record_books`.
        pub kind: String,
        pub year: i64,
        /// running, done, failed, expired (the file dropped after a week).
        pub state: String,
        /// Parts made (one per branch), of `total`.
        pub done: i64,
        pub total: i64,
        pub file_name: String,
        pub message: String,
        pub created_at: i64,
        pub finished_at: Option<i64>,
    }
}

impl DocumentJob {
    /// Made so far, in whole percent.
    pub fn percent(&self) -> i64 {
        if self.total > 0 {
            self.done * 100 / self.total
        } else {
            100
        }
    }
}

impl App {
    /// Starts the file of every branch's record book under a level for a year, for staff
    /// who list the level's particulars. Answers the job at once; it runs on.
    pub async fn start_record_books(
        &self,
        actor: &Actor,
        q: &BookQuery,
    ) -> ServiceResult<DocumentJob> {
        let org = self.list_root(actor, q.org).await?;
        crate::members::policy::check_list_particulars(actor, &org.path)?;
        let year = crate::book::year_of(q.year)?;
        let kinds: Vec<&str> = OrgKind::ALL
            .iter()
            .filter(|k| k.holds_members())
            .map(|k| k.as_str())
            .collect();
        let title = self.org_title(actor, &org).await?;
        let mut conn = self.db.conn().await?;
        let branches =
            dangjian_store::org::in_subtree(&mut conn, &org.path, &kinds, 100_000).await?;
        if branches.is_empty() {
            return Err(ServiceError::field(
                "org",
                "no_branches",
                "该组织下没有党支部，无需生成记录本",
            ));
        }
        let paths: Vec<&str> = branches.iter().map(|b| b.path.as_str()).collect();
        let mut places = crate::orgs::places(&mut conn, actor.read_root()?, &paths).await?;
        let parts: Vec<(i64, String, String)> = branches
            .iter()
            .map(|b| {
                let place = places.remove(&b.path).unwrap_or_else(|| b.name.clone());
                (b.id, b.path.clone(), place)
            })
            .collect();
        drop(conn);
        // The job and its export row are written together: no job without its row.
        crate::export::check_may_export(actor)?;
        let mut tx = self.begin_audited().await?;
        let id = store::insert(
            tx.conn(),
            actor.user_id,
            org.id,
            (RECORD_BOOKS, i64::from(year)),
            parts.len() as i64,
        )
        .await?;
        let job = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        tx.commit(
            actor,
            App::export_entry("三会一课记录本（合订）", org.id, parts.len()),
        )
        .await?;
        let app = self.clone();
        tokio::spawn(async move {
            let name = format!("三会一课记录本-{title}-{year}.pdf");
            let outcome = app.make_record_books(id, &title, year, &parts).await;
            if let Ok(mut c) = app.db.conn().await {
                let _ = match outcome {
                    Ok(bytes) => {
                        let done = format!("已生成 {} 个支部的记录本", parts.len());
                        store::finish(&mut c, id, &name, &bytes, &done).await
                    }
                    Err(e) => {
                        tracing::error!("document {id}: {e}");
                        store::fail(&mut c, id, "生成失败，请稍后重试").await
                    }
                };
            }
        });
        Ok(job.into())
    }

    /// Reads each branch's book in turn (noting each as made), then typesets them as one file
    /// off the async threads.
    async fn make_record_books(
        &self,
        id: i64,
        title: &str,
        year: i32,
        parts: &[(i64, String, String)],
    ) -> ServiceResult<Vec<u8>> {
        let mut doc = Doc::new(
            title,
            &format!("三会一课记录本（{year} 年度）"),
            &{ dangjian_domain::date::format(crate::today()) },
        );
        let mut conn = self.db.conn().await?;
        for (i, (org_id, path, place)) in parts.iter().enumerate() {
            let book = read_book(&mut conn, (*org_id, path), place.clone(), year).await?;
            doc.page_break();
            book.write_into(&mut doc);
            store::progress(&mut conn, id, i as i64 + 1).await?;
        }
        drop(conn);
        tokio::task::spawn_blocking(move || pdf(&doc))
            .await
            .map_err(|e| ServiceError::Internal(format!("PDF: {e}")))?
            .map_err(ServiceError::Internal)
    }

    /// One of the reader's own jobs (anyone else's answers as missing).
    pub async fn document_job(&self, actor: &Actor, id: i64) -> ServiceResult<DocumentJob> {
        let mut conn = self.db.conn().await?;
        let job = store::get(&mut conn, id)
            .await?
            .filter(|j| j.user_id.is_some() && j.user_id == actor.user_id)
            .ok_or(ServiceError::NotFound)?;
        Ok(job.into())
    }

    /// The reader's latest jobs, newest first.
    pub async fn recent_documents(&self, actor: &Actor) -> ServiceResult<Vec<DocumentJob>> {
        let Some(user) = actor.user_id else {
            return Ok(Vec::new());
        };
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(store::recent(&mut conn, user, 10).await?))
    }

    /// A made file: its name and bytes (404 until it is made, and for anyone else's).
    pub async fn document_file(&self, actor: &Actor, id: i64) -> ServiceResult<(String, Vec<u8>)> {
        let job = self.document_job(actor, id).await?;
        let mut conn = self.db.conn().await?;
        let body = store::body(&mut conn, job.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok((job.file_name, body))
    }

    /// At the server's start: jobs the last process left running made nothing.
    pub async fn recover_documents(&self) -> ServiceResult<()> {
        let mut conn = self.db.conn().await?;
        store::fail_interrupted(&mut conn).await?;
        Ok(())
    }

    /// Drops files made over a week ago (run by the reminder job).
    pub(crate) async fn drop_stale_documents(&self) -> ServiceResult<()> {
        let mut conn = self.db.conn().await?;
        store::drop_stale(&mut conn, crate::now_ms() - KEPT_MS).await?;
        Ok(())
    }
}
