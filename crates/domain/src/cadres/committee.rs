//! The two committees of a village or community (村(社区)"两委"): its party organization's
//! committee (the posts of `crate::committee`, members only) and its villagers' or residents'
//! committee (村(居)民委员会), whose members need not be in the party.

use crate::FieldError;
use crate::committee::Post;

crate::labelled_enum!(
    /// Which of the two committees.
    Body {
        Party = "party" / "村(社区)党组织",
        Residents = "residents" / "村(居)民委员会",
    }
);

crate::labelled_enum!(
    /// A post on the villagers' or residents' committee, in the order a roster lists them.
    ResidentsPost {
        Director = "director" / "主任",
        DeputyDirector = "deputy_director" / "副主任",
        Member = "member" / "委员",
    }
);

/// A post on one of the two committees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Seat {
    Party(Post),
    Residents(ResidentsPost),
}

impl Seat {
    /// The post of `body` named by its code or label.
    pub fn parse(body: Body, post: &str) -> Option<Seat> {
        match body {
            Body::Party => Post::parse(post).map(Seat::Party),
            Body::Residents => ResidentsPost::parse(post).map(Seat::Residents),
        }
    }

    pub fn body(self) -> Body {
        match self {
            Seat::Party(_) => Body::Party,
            Seat::Residents(_) => Body::Residents,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Seat::Party(p) => p.as_str(),
            Seat::Residents(p) => p.as_str(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Seat::Party(p) => p.label(),
            Seat::Residents(p) => p.label(),
        }
    }

    /// The secretary and the director: their age cap is lower, and one person holding both
    /// is 一肩挑.
    pub fn is_head(self) -> bool {
        matches!(
            self,
            Seat::Party(Post::Secretary) | Seat::Residents(ResidentsPost::Director)
        )
    }

    /// Whether the post has one holder at a time (every party post, and the director; a
    /// residents' committee has several deputies and members).
    pub fn is_single(self) -> bool {
        !matches!(
            self,
            Seat::Residents(ResidentsPost::DeputyDirector | ResidentsPost::Member)
        )
    }

    /// The order a roster lists the posts in: party before residents, heads first.
    pub fn rank(self) -> usize {
        match self {
            Seat::Party(p) => Post::ALL.iter().position(|x| *x == p).unwrap_or(0),
            Seat::Residents(p) => {
                Post::ALL.len() + ResidentsPost::ALL.iter().position(|x| *x == p).unwrap_or(0)
            }
        }
    }
}

/// Checks that `person` may take `post` on the residents' committee given who holds its posts
/// now (`held`: the post and its holder's person id).
pub fn check_residents_appointment(
    post: ResidentsPost,
    person: i64,
    held: &[(ResidentsPost, i64)],
) -> Result<(), FieldError> {
    let seat = Seat::Residents(post);
    if seat.is_single() && held.iter().any(|(p, _)| *p == post) {
        return Err(FieldError::new(
            "post",
            "held",
            format!("{}已有人担任，请先免去原任职务", post.label()),
        ));
    }
    if let Some((p, _)) = held.iter().find(|(_, h)| *h == person) {
        return Err(FieldError::new(
            "id_number",
            "holds_post",
            format!("此人已任村(居)民委员会{}，一人只担任一个职务", p.label()),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_parse_by_body_and_know_their_heads() {
        assert_eq!(
            Seat::parse(Body::Party, "书记"),
            Some(Seat::Party(Post::Secretary))
        );
        assert_eq!(Seat::parse(Body::Party, "主任"), None);
        let director = Seat::parse(Body::Residents, "主任").unwrap();
        assert!(director.is_head() && director.is_single());
        let member = Seat::parse(Body::Residents, "委员").unwrap();
        assert!(!member.is_head() && !member.is_single());
        assert!(Seat::Party(Post::Propaganda).is_single());
        assert!(Seat::Party(Post::Secretary).rank() < director.rank());
    }

    #[test]
    fn one_director_and_one_post_per_person() {
        let held = [(ResidentsPost::Director, 1), (ResidentsPost::Member, 2)];
        assert!(check_residents_appointment(ResidentsPost::Member, 3, &held).is_ok());
        let e = check_residents_appointment(ResidentsPost::Director, 3, &held).unwrap_err();
        assert_eq!((e.field, e.code), ("post", "held"));
        let e = check_residents_appointment(ResidentsPost::DeputyDirector, 2, &held).unwrap_err();
        assert_eq!((e.field, e.code), ("id_number", "holds_post"));
    }
}
