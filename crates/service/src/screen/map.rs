//! The screen's map of a level's children: schematic tiles placed from data (`map_tile`),
//! or the level's own boundaries once it uploads a GeoJSON file; each coloured by the
//! chosen measure.

use dangjian_domain::life::Light;
use dangjian_domain::screen::{self, Drawing, Measure, Place};
use dangjian_store::screen as store;
use serde::Serialize;

use super::{ChildFigures, Held, policy};
use crate::audit::Entry;
use crate::orgs::Org;
use crate::{Actor, App, ServiceError, ServiceResult, now_ms};

/// One child's tile on the schematic map.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Tile {
    pub org_id: i64,
    pub name: String,
    pub col: i64,
    pub row: i64,
    /// The measure's figure as shown (`96.0%`, `5/7`, `1234`).
    pub value: String,
    /// `green`, `yellow`, `red` or `none` for a rate; `s0`–`s4` for a count.
    pub tone: String,
}

/// One feature of the level's boundary file, matched to a child by code or name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Area {
    /// None for a feature no open child matches (drawn, not coloured).
    pub org_id: Option<i64>,
    pub name: String,
    pub d: String,
    pub label_x: f64,
    pub label_y: f64,
    pub value: String,
    pub tone: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MapView {
    pub measure: Measure,
    /// The tiles, when the level has no boundary file; `cols` × `rows` of them.
    pub tiles: Vec<Tile>,
    pub cols: i64,
    pub rows: i64,
    /// The drawn boundaries, in a `width` × `height` drawing, when it has one.
    pub areas: Vec<Area>,
    pub width: f64,
    pub height: f64,
    /// Whether the actor may place tiles and upload the level's boundaries.
    pub may_edit: bool,
}

fn light_tone(l: Light) -> &'static str {
    match l {
        Light::Green => "green",
        Light::Yellow => "yellow",
        Light::Red => "red",
        Light::None => "none",
    }
}

fn percent(h: &Held) -> String {
    h.rate.map_or("—".into(), |r| format!("{:.1}%", r * 100.0))
}

/// The figure and tone of one child under a measure; `max` is the largest count of the map.
fn figure(c: &ChildFigures, measure: Measure, max: i64) -> (String, String) {
    match measure {
        Measure::Life => (percent(&c.life), light_tone(c.life.light).into()),
        Measure::Dues => (percent(&c.dues), light_tone(c.dues.light).into()),
        Measure::ThemeDay => (
            format!("{}/{}", c.theme_day.held, c.theme_day.due),
            light_tone(c.theme_day.light).into(),
        ),
        Measure::Members => (
            c.members.to_string(),
            format!("s{}", screen::shade(c.members, max)),
        ),
        Measure::Requests => (
            c.requests.to_string(),
            format!("s{}", screen::shade(c.requests, max)),
        ),
    }
}

fn count(c: &ChildFigures, measure: Measure) -> i64 {
    match measure {
        Measure::Requests => c.requests,
        _ => c.members,
    }
}

/// What the level's boundary upload answers: the features drawn and the children they
/// matched.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BoundaryUpload {
    pub org_id: i64,
    pub features: i64,
    pub matched: i64,
    /// Open children no feature matches (drawn nowhere until the file names them).
    pub unmatched: Vec<String>,
}

fn matches(shape: &screen::Shape, o: &Org) -> bool {
    shape.code.as_deref() == Some(o.code.as_str()) || shape.name.as_deref() == Some(o.name.as_str())
}

impl App {
    pub(super) async fn screen_map(
        &self,
        actor: &Actor,
        o: &Org,
        children: &[ChildFigures],
        measure: Measure,
    ) -> ServiceResult<MapView> {
        let mut conn = self.db.conn().await?;
        let drawing = store::drawing(&mut conn, o.id).await?;
        let placed = store::child_tiles(&mut conn, o.id).await?;
        drop(conn);
        let max = children
            .iter()
            .map(|c| count(c, measure))
            .max()
            .unwrap_or(0);
        let mut view = MapView {
            measure,
            tiles: Vec::new(),
            cols: 0,
            rows: 0,
            areas: Vec::new(),
            width: 0.0,
            height: 0.0,
            may_edit: policy::may_map(actor, &o.path),
        };
        if let Some(json) = drawing {
            let d: Drawing = serde_json::from_str(&json)
                .map_err(|e| ServiceError::Internal(format!("map drawing of {}: {e}", o.id)))?;
            view.width = d.width;
            view.height = d.height;
            let kids = self.open_children(o.id).await?;
            view.areas = d
                .shapes
                .into_iter()
                .map(|s| {
                    let child = kids
                        .iter()
                        .find(|k| matches(&s, k))
                        .and_then(|k| children.iter().find(|c| c.org.id == k.id));
                    let (value, tone) =
                        child.map_or((String::new(), "none".into()), |c| figure(c, measure, max));
                    Area {
                        org_id: child.map(|c| c.org.id),
                        name: child.map_or_else(
                            || s.name.clone().unwrap_or_default(),
                            |c| c.org.name.clone(),
                        ),
                        d: s.d,
                        label_x: s.label.0,
                        label_y: s.label.1,
                        value,
                        tone,
                    }
                })
                .collect();
            return Ok(view);
        }
        let place_of = |id: i64| {
            placed
                .iter()
                .find(|(o, _, _)| *o == id)
                .map(|(_, col, row)| Place {
                    col: *col,
                    row: *row,
                })
        };
        let fixed: Vec<Place> = children.iter().filter_map(|c| place_of(c.org.id)).collect();
        let unplaced: Vec<&ChildFigures> = children
            .iter()
            .filter(|c| place_of(c.org.id).is_none())
            .collect();
        let mut auto = screen::auto_places(&fixed, unplaced.len()).into_iter();
        for c in children {
            let Some(p) = place_of(c.org.id).or_else(|| auto.next()) else {
                continue;
            };
            let (value, tone) = figure(c, measure, max);
            view.tiles.push(Tile {
                org_id: c.org.id,
                name: c.org.name.clone(),
                col: p.col,
                row: p.row,
                value,
                tone,
            });
        }
        view.cols = view.tiles.iter().map(|t| t.col + 1).max().unwrap_or(0);
        view.rows = view.tiles.iter().map(|t| t.row + 1).max().unwrap_or(0);
        Ok(view)
    }

    async fn open_children(&self, id: i64) -> ServiceResult<Vec<Org>> {
        let mut conn = self.db.conn().await?;
        Ok(dangjian_store::org::children(&mut conn, id)
            .await?
            .into_iter()
            .map(Org::from)
            .filter(|o| o.closed_on.is_none())
            .collect())
    }

    async fn map_level(&self, actor: &Actor, org_id: i64) -> ServiceResult<Org> {
        let o = {
            let mut conn = self.db.conn().await?;
            dangjian_store::org::get(&mut conn, org_id).await?
        }
        .map(Org::from)
        .ok_or(ServiceError::NotFound)?;
        policy::check_map(actor, &o.path)?;
        Ok(o)
    }

    /// Replaces the level's boundaries with a GeoJSON file (WGS84 longitude, latitude):
    /// drawn once here, refused whole with the fault named if it cannot be drawn.
    pub async fn upload_boundary(
        &self,
        actor: &Actor,
        org_id: i64,
        file: &[u8],
    ) -> ServiceResult<BoundaryUpload> {
        let o = self.map_level(actor, org_id).await?;
        let drawing = screen::draw(file).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let geojson = String::from_utf8(file.to_vec()).map_err(|_| {
            ServiceError::field("file", "invalid_geojson", "GeoJSON 文件应为 UTF-8 编码")
        })?;
        let kids = self.open_children(o.id).await?;
        let unmatched: Vec<String> = kids
            .iter()
            .filter(|k| !drawing.shapes.iter().any(|s| matches(s, k)))
            .map(|k| k.name.clone())
            .collect();
        let features = drawing.shapes.len() as i64;
        let b = store::Boundary {
            geojson,
            drawing: serde_json::to_string(&drawing)
                .map_err(|e| ServiceError::Internal(e.to_string()))?,
            features,
            uploaded_at: now_ms(),
        };
        let mut tx = self.begin_audited().await?;
        store::set_boundary(tx.conn(), o.id, &b, actor.user_id).await?;
        tx.commit(
            actor,
            Entry::ok("screen.boundary", "org", o.id).detail(format!(
                "{features} 个区域，{} 个下级未匹配",
                unmatched.len()
            )),
        )
        .await?;
        Ok(BoundaryUpload {
            org_id: o.id,
            features,
            matched: (kids.len() - unmatched.len()) as i64,
            unmatched,
        })
    }

    /// Goes back to the schematic tiles.
    pub async fn clear_boundary(&self, actor: &Actor, org_id: i64) -> ServiceResult<()> {
        let o = self.map_level(actor, org_id).await?;
        let mut tx = self.begin_audited().await?;
        if !store::clear_boundary(tx.conn(), o.id).await? {
            return Err(ServiceError::NotFound);
        }
        tx.commit(actor, Entry::ok("screen.boundary_clear", "org", o.id))
            .await
    }

    /// Places a child's tile on its parent's schematic map; answers the parent.
    pub async fn place_tile(
        &self,
        actor: &Actor,
        org_id: i64,
        col: i64,
        row: i64,
    ) -> ServiceResult<i64> {
        // The tile lies on the parent's map: placing it is shaping the parent's level.
        let o = {
            let mut conn = self.db.conn().await?;
            dangjian_store::org::get(&mut conn, org_id).await?
        }
        .map(Org::from)
        .ok_or(ServiceError::NotFound)?;
        actor.check_visible(&o.path)?;
        let parent = o.parent_id.ok_or_else(|| {
            ServiceError::field("org_id", "no_parent", "最上级组织不在任何地图上")
        })?;
        self.map_level(actor, parent).await?;
        for (field, v) in [("col", col), ("row", row)] {
            if !(0..=99).contains(&v) {
                return Err(ServiceError::field(field, "out_of_range", "位置应为 0–99"));
            }
        }
        let mut tx = self.begin_audited().await?;
        store::set_tile(tx.conn(), o.id, col, row).await?;
        tx.commit(
            actor,
            Entry::ok("screen.tile", "org", o.id).detail(format!("{col},{row}")),
        )
        .await?;
        Ok(parent)
    }
}
