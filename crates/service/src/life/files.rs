//! Photos and documents kept with a meeting's minutes, stored in the database so that a
//! backup of the database is a backup of everything.

use dangjian_domain::attachment::{self, Limits};
use dangjian_store::life as store;

use crate::audit::Entry;
use crate::life::MeetingFile;
use crate::{Actor, App, ServiceError, ServiceResult};

impl App {
    pub async fn attach_file(
        &self,
        actor: &Actor,
        meeting_id: i64,
        name: &str,
        body: &[u8],
    ) -> ServiceResult<MeetingFile> {
        let (m, o) = self.meeting_to_edit(actor, meeting_id).await?;
        let mut tx = self.begin_audited().await?;
        let stored = store::files_size(tx.conn(), meeting_id).await?;
        let checked = attachment::check(
            name,
            body,
            usize::try_from(stored).unwrap_or(usize::MAX),
            Limits::default(),
        )
        .map_err(|e| ServiceError::Invalid(vec![e]))?;
        let id = store::insert_file(
            tx.conn(),
            meeting_id,
            &checked.name,
            checked.mime,
            body,
            actor.user_id,
        )
        .await?;
        let detail = format!(
            "{} {}：{}（{} 字节）",
            o.name,
            m.topic,
            checked.name,
            body.len()
        );
        tx.commit(
            actor,
            Entry::ok("meeting.file", "meeting", meeting_id).detail(detail),
        )
        .await?;
        Ok(MeetingFile {
            id,
            meeting_id,
            name: checked.name,
            mime: checked.mime.into(),
            size: body.len() as i64,
        })
    }

    /// A file and its bytes, for whoever may read the meeting.
    pub async fn meeting_file(
        &self,
        actor: &Actor,
        meeting_id: i64,
        file_id: i64,
    ) -> ServiceResult<(MeetingFile, Vec<u8>)> {
        let mut conn = self.db.conn().await?;
        let (_, org_path) = store::meeting(&mut conn, meeting_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        actor.check_visible(&org_path)?;
        store::file(&mut conn, meeting_id, file_id)
            .await?
            .map(|(f, body)| (f.into(), body))
            .ok_or(ServiceError::NotFound)
    }

    pub async fn delete_meeting_file(
        &self,
        actor: &Actor,
        meeting_id: i64,
        file_id: i64,
    ) -> ServiceResult<()> {
        self.meeting_to_edit(actor, meeting_id).await?;
        let mut tx = self.begin_audited().await?;
        if !store::delete_file(tx.conn(), meeting_id, file_id).await? {
            return Err(ServiceError::NotFound);
        }
        tx.commit(
            actor,
            Entry::ok("meeting.file_delete", "meeting", meeting_id)
                .detail(format!("附件 #{file_id}")),
        )
        .await
    }
}
