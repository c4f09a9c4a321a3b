//! Cadres and talents in SQL: the two committees of villages and communities, their
//! elections, the reserve pool, first secretaries with resident work teams, and talents
//! (records, the "百千万" programme, promotions, mentor studios).

pub mod committee;
pub mod election;
pub mod reserve;
pub mod resident;
pub mod talent;

/// The open villages and communities (a town's children set up in one): the organizations
/// whose two committees are kept.
pub(crate) const VILLAGE: &str = "o.depth = 3 AND o.owner IN ('village', 'community') \
    AND o.kind NOT IN ('party_group', 'grid_group') AND o.closed_on IS NULL";
