//! Cadres and talents in SQL: the two committees of villages and communities, their
//! elections, the reserve pool, and first secretaries with resident work teams.

pub mod committee;
pub mod election;
pub mod reserve;
pub mod resident;

/// The open villages and communities (a town's children set up in one): the organizations
/// whose two committees are kept.
pub(crate) const VILLAGE: &str = "o.depth = 3 AND o.owner IN ('village', 'community') \
    AND o.kind NOT IN ('party_group', 'grid_group') AND o.closed_on IS NULL";
