//! 支部委员会: the posts of a party organization's committee and who may hold them.
//!
//! A branch of seven or more full members elects a committee of three to five (DOMAIN.md §1);
//! a smaller one has a secretary. One person holds at most one post of a committee at a time
//! and each post has one holder; the holder must be a full member (预备党员 have no right
//! to be elected).

use crate::FieldError;
use crate::bands::Status;

crate::labelled_enum!(
    /// A post on a party organization's committee, in the order a roster lists them.
    Post {
        Secretary = "secretary" / "书记",
        DeputySecretary = "deputy_secretary" / "副书记",
        Organization = "organization" / "组织委员",
        Propaganda = "propaganda" / "宣传委员",
        Discipline = "discipline" / "纪检委员",
    }
);

/// From this many full members a branch has a committee rather than a secretary alone.
pub const COMMITTEE_FROM_FULL_MEMBERS: i64 = 7;

/// Checks that a member of `status` may take `post`, given who holds the committee's posts
/// now (`held`: the post and its holder's member id).
pub fn check_appointment(
    post: Post,
    member_id: i64,
    status: &str,
    held: &[(Post, i64)],
) -> Result<(), FieldError> {
    if status != Status::Full.as_str() {
        return Err(FieldError::new(
            "member_id",
            "not_full_member",
            "支部委员须由正式党员担任",
        ));
    }
    if held.iter().any(|(p, _)| *p == post) {
        return Err(FieldError::new(
            "post",
            "held",
            format!("{}已有人担任，请先免去原任职务", post.label()),
        ));
    }
    if let Some((p, _)) = held.iter().find(|(_, m)| *m == member_id) {
        return Err(FieldError::new(
            "member_id",
            "holds_post",
            format!("该党员已任{}，一人只担任一个职务", p.label()),
        ));
    }
    Ok(())
}

/// The posts a branch of `full_members` is given in the demo and suggested when it elects:
/// a secretary alone below seven, three posts up to twenty, all five above.
pub fn posts_for(full_members: i64) -> &'static [Post] {
    if full_members < COMMITTEE_FROM_FULL_MEMBERS {
        &[Post::Secretary]
    } else if full_members <= 20 {
        &[Post::Secretary, Post::Organization, Post::Propaganda]
    } else {
        Post::ALL
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_has_one_holder_and_a_holder_one_post() {
        let held = [(Post::Secretary, 1), (Post::Organization, 2)];
        assert!(check_appointment(Post::Propaganda, 3, "full", &held).is_ok());
        let e = check_appointment(Post::Secretary, 3, "full", &held).unwrap_err();
        assert_eq!((e.field, e.code), ("post", "held"));
        let e = check_appointment(Post::Propaganda, 2, "full", &held).unwrap_err();
        assert_eq!(e.code, "holds_post");
        assert!(e.message.contains("组织委员"));
    }

    #[test]
    fn a_probationary_member_holds_no_post() {
        let e = check_appointment(Post::Discipline, 9, "probationary", &[]).unwrap_err();
        assert_eq!((e.field, e.code), ("member_id", "not_full_member"));
    }

    #[test]
    fn the_committee_grows_with_the_branch() {
        assert_eq!(posts_for(6), &[Post::Secretary]);
        assert_eq!(posts_for(7).len(), 3);
        assert_eq!(posts_for(21).len(), 5);
        assert!(posts_for(40).contains(&Post::Discipline));
    }
}
