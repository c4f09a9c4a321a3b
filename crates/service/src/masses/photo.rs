//! Photos of members' cards (三亮, shown on the public card once it is published) and of
//! deeds (好事实事): JPG or PNG by content, one per card or deed, audited when stored.

use dangjian_domain::attachment::check_photo;
use dangjian_store::masses as store;
use dangjian_store::masses::photo::{self, CARD, DEED};

use super::policy;
use crate::audit::Entry;
use crate::masses::DeedRecord;
use crate::{Actor, App, ServiceError, ServiceResult};

impl App {
    fn checked_photo(&self, name: &str, body: &[u8]) -> ServiceResult<&'static str> {
        check_photo("photo", name, body, self.config.masses_rules.photo_bytes)
            .map_err(|e| ServiceError::Invalid(vec![e]))
    }

    /// A member's own card photo, or one set by the branch.
    pub async fn set_card_photo(
        &self,
        actor: &Actor,
        member_id: i64,
        name: &str,
        body: &[u8],
    ) -> ServiceResult<()> {
        let (m, edits) = self.card_member(actor, member_id).await?;
        if !edits && actor.member_id != Some(m.id) {
            return Err(ServiceError::Forbidden(
                "只能编辑本人或所管理党员的亮牌信息",
            ));
        }
        let mime = self.checked_photo(name, body)?;
        let mut tx = self.begin_audited().await?;
        photo::save(tx.conn(), CARD, m.id, mime, body, actor.user_id).await?;
        tx.commit(
            actor,
            Entry::ok("card.photo", "member", m.id).detail(m.name),
        )
        .await?;
        Ok(())
    }

    pub async fn card_photo(
        &self,
        actor: &Actor,
        member_id: i64,
    ) -> ServiceResult<(String, Vec<u8>)> {
        let (m, _) = self.card_member(actor, member_id).await?;
        let mut conn = self.db.conn().await?;
        photo::get(&mut conn, CARD, m.id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// The photo of a published card, for anyone.
    pub async fn public_card_photo(&self, code: &str) -> ServiceResult<(String, Vec<u8>)> {
        let c = self.public_card(code).await?;
        let mut conn = self.db.conn().await?;
        photo::get(&mut conn, CARD, c.member_id)
            .await?
            .ok_or(ServiceError::NotFound)
    }

    /// A deed the actor may see: their own, or one in their subtree (a member's own account
    /// sees only their own deeds).
    async fn visible_deed(&self, actor: &Actor, id: i64) -> ServiceResult<DeedRecord> {
        let mut conn = self.db.conn().await?;
        let d = store::deed(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        policy::check_read_deed(actor, d.member_id, &d.org_path)?;
        Ok(d.into())
    }

    /// A photo of a deed: by the member who did it, or by the branch.
    pub async fn set_deed_photo(
        &self,
        actor: &Actor,
        id: i64,
        name: &str,
        body: &[u8],
    ) -> ServiceResult<()> {
        let d = self.visible_deed(actor, id).await?;
        policy::check_attach_deed_photo(actor, d.member_id, &d.org_path)?;
        let mime = self.checked_photo(name, body)?;
        let mut tx = self.begin_audited().await?;
        photo::save(tx.conn(), DEED, d.id, mime, body, actor.user_id).await?;
        tx.commit(
            actor,
            Entry::ok("deed.photo", "deed", d.id).detail(d.member_name),
        )
        .await?;
        Ok(())
    }

    pub async fn deed_photo(&self, actor: &Actor, id: i64) -> ServiceResult<(String, Vec<u8>)> {
        let d = self.visible_deed(actor, id).await?;
        let mut conn = self.db.conn().await?;
        photo::get(&mut conn, DEED, d.id)
            .await?
            .ok_or(ServiceError::NotFound)
    }
}
