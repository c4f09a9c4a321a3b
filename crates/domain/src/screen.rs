//! The big screen (大屏): what its map may be coloured by, how children without a place of
//! their own are laid out, and how a district's own boundaries (GeoJSON) become drawn shapes.

use serde::{Deserialize, Serialize};

use crate::FieldError;
crate::labelled_enum! {
    /// The figure a map colours its tiles by.
    Measure {
        Life = "life" / "组织生活落实率（本年）",
        ThemeDay = "theme_day" / "主题党日开展（本月）",
        Dues = "dues" / "党费收缴率（本月）",
        Members = "members" / "党员人数",
        Requests = "requests" / "群众诉求（本年）",
    }
}

impl Measure {
    /// Whether the figure is a rate (coloured by the traffic lights) rather than a count
    /// (coloured by its share of the largest child's).
    pub fn is_rate(self) -> bool {
        matches!(self, Measure::Life | Measure::ThemeDay | Measure::Dues)
    }
}

/// The shade (0–4) of a count against the largest count of the map: a quiet child is
/// pale, the largest is full.
pub fn shade(n: i64, max: i64) -> u8 {
    if n <= 0 || max <= 0 {
        return 0;
    }
    let step = (n.min(max) * 4 + max - 1) / max;
    u8::try_from(step.clamp(1, 4)).unwrap_or(4)
}

/// A tile's place on the schematic map: column and row from the north-west corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub col: i64,
    pub row: i64,
}

/// Places for `unplaced` children below the placed ones: rows about as wide as the placed
/// map (or a 16:9 block of their own), in the given order, so that a level nobody has laid
/// out still reads as a map.
pub fn auto_places(placed: &[Place], unplaced: usize) -> Vec<Place> {
    let width = placed.iter().map(|p| p.col + 1).max().unwrap_or(0);
    let first_row = placed.iter().map(|p| p.row + 1).max().unwrap_or(0);
    let own = (((unplaced as f64) * 16.0 / 9.0).sqrt().ceil() as i64).max(1);
    let cols = if width > 0 { width.max(3) } else { own };
    (0..unplaced as i64)
        .map(|i| Place {
            col: i % cols,
            row: first_row + i / cols,
        })
        .collect()
}

/// The largest boundary file the map accepts, and the most features and points in it.
pub const MAX_FEATURES: usize = 5_000;
pub const MAX_POINTS: usize = 400_000;

/// One feature of a boundary file drawn as an SVG path, with the keys that match it to an
/// organization: its code (`code`, `adcode` or `id` property) or its name (`name`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shape {
    pub code: Option<String>,
    pub name: Option<String>,
    /// The path, in the drawing's units (`M x y L … Z`).
    pub d: String,
    /// Where the label goes: the middle of the feature's box.
    pub label: (f64, f64),
}

/// A boundary file drawn to fit `WIDTH` units across.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Drawing {
    pub width: f64,
    pub height: f64,
    pub shapes: Vec<Shape>,
}

pub const WIDTH: f64 = 1000.0;

#[derive(Deserialize)]
struct Collection {
    #[serde(rename = "type")]
    kind: String,
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    #[serde(default)]
    properties: Option<serde_json::Map<String, serde_json::Value>>,
    geometry: Option<Geometry>,
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Vec<Vec<f64>>>),
    MultiPolygon(Vec<Vec<Vec<Vec<f64>>>>),
}

fn bad(message: impl Into<String>) -> FieldError {
    FieldError::new("file", "invalid_geojson", message)
}

fn text_property(
    props: &serde_json::Map<String, serde_json::Value>,
    keys: &[&str],
) -> Option<String> {
    keys.iter().find_map(|k| match props.get(*k)? {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// Reads a GeoJSON FeatureCollection of polygons (longitude, latitude) and draws each
/// feature, projected with the longitudes narrowed by the cosine of the middle latitude so
/// that the shapes keep their look at Chongqing's 30°.
pub fn draw(geojson: &[u8]) -> Result<Drawing, FieldError> {
    let c: Collection = serde_json::from_slice(geojson)
        .map_err(|e| bad(format!("不是有效的 GeoJSON 文件：{e}")))?;
    if c.kind != "FeatureCollection" {
        return Err(bad("GeoJSON 的 type 应为 FeatureCollection"));
    }
    if c.features.is_empty() {
        return Err(bad("文件中没有任何区域（features 为空）"));
    }
    if c.features.len() > MAX_FEATURES {
        return Err(bad(format!("区域过多：最多 {MAX_FEATURES} 个")));
    }
    let mut rings: Vec<(usize, Vec<(f64, f64)>)> = Vec::new();
    let mut points = 0usize;
    for (i, f) in c.features.iter().enumerate() {
        let polygons = match &f.geometry {
            Some(Geometry::Polygon(p)) => vec![p],
            Some(Geometry::MultiPolygon(m)) => m.iter().collect(),
            None => return Err(bad(format!("第 {} 个区域没有边界（geometry）", i + 1))),
        };
        for ring in polygons.into_iter().flatten() {
            points += ring.len();
            if points > MAX_POINTS {
                return Err(bad(format!("边界点过多：最多 {MAX_POINTS} 个")));
            }
            let mut out = Vec::with_capacity(ring.len());
            for p in ring {
                let (Some(&lon), Some(&lat)) = (p.first(), p.get(1)) else {
                    return Err(bad(format!("第 {} 个区域有不完整的坐标", i + 1)));
                };
                if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
                    return Err(bad(format!(
                        "第 {} 个区域的坐标超出经纬度范围：应为经度、纬度（WGS84）",
                        i + 1
                    )));
                }
                out.push((lon, lat));
            }
            if out.len() >= 3 {
                rings.push((i, out));
            }
        }
    }
    let all = rings.iter().flat_map(|(_, r)| r.iter());
    let (mut west, mut east, mut south, mut north) = (180.0f64, -180.0f64, 90.0f64, -90.0f64);
    for &(lon, lat) in all {
        west = west.min(lon);
        east = east.max(lon);
        south = south.min(lat);
        north = north.max(lat);
    }
    if rings.is_empty() || east <= west || north <= south {
        return Err(bad("文件中的区域没有面积"));
    }
    let narrow = ((south + north) / 2.0).to_radians().cos();
    let scale = WIDTH / ((east - west) * narrow);
    let height = (north - south) * scale;
    let project = |(lon, lat): (f64, f64)| ((lon - west) * narrow * scale, (north - lat) * scale);
    let mut shapes: Vec<Shape> = c
        .features
        .iter()
        .map(|f| {
            let props = f.properties.clone().unwrap_or_default();
            Shape {
                code: text_property(&props, &["code", "adcode", "id"]),
                name: text_property(&props, &["name", "NAME", "名称"]),
                d: String::new(),
                label: (0.0, 0.0),
            }
        })
        .collect();
    let mut boxes = vec![(f64::MAX, f64::MAX, f64::MIN, f64::MIN); shapes.len()];
    for (i, ring) in &rings {
        let d = &mut shapes[*i].d;
        let b = &mut boxes[*i];
        let mut last: Option<(f64, f64)> = None;
        for (k, p) in ring.iter().enumerate() {
            let (x, y) = project(*p);
            b.0 = b.0.min(x);
            b.1 = b.1.min(y);
            b.2 = b.2.max(x);
            b.3 = b.3.max(y);
            // A point within half a unit of the last one draws nothing at this size.
            if last.is_some_and(|(lx, ly)| (lx - x).abs() < 0.5 && (ly - y).abs() < 0.5) {
                continue;
            }
            let op = if k == 0 { 'M' } else { 'L' };
            d.push_str(&format!("{op}{x:.1} {y:.1}"));
            last = Some((x, y));
        }
        d.push('Z');
    }
    for (s, b) in shapes.iter_mut().zip(boxes) {
        if b.0 <= b.2 {
            s.label = ((b.0 + b.2) / 2.0, (b.1 + b.3) / 2.0);
        }
    }
    shapes.retain(|s| !s.d.is_empty());
    Ok(Drawing {
        width: WIDTH,
        height,
        shapes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_shade_by_their_share_of_the_largest() {
        assert_eq!(shade(0, 100), 0);
        assert_eq!(shade(1, 100), 1);
        assert_eq!(shade(50, 100), 2);
        assert_eq!(shade(51, 100), 3);
        assert_eq!(shade(100, 100), 4);
        assert_eq!(shade(5, 0), 0);
    }

    #[test]
    fn unplaced_children_go_below_the_placed_map() {
        let placed = [Place { col: 0, row: 0 }, Place { col: 5, row: 3 }];
        let more = auto_places(&placed, 7);
        assert_eq!(more.len(), 7);
        assert_eq!(more[0], Place { col: 0, row: 4 });
        assert_eq!(more[6], Place { col: 0, row: 5 }, "rows as wide as the map");
        let alone = auto_places(&[], 27);
        assert_eq!(alone.iter().map(|p| p.col).max(), Some(6), "a wide block");
        let mut seen: Vec<_> = alone.iter().map(|p| (p.col, p.row)).collect();
        seen.dedup();
        assert_eq!(seen.len(), 27, "no two tiles share a place");
    }

    const SQUARES: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"name":"甲镇","code":"500102103"},
       "geometry":{"type":"Polygon","coordinates":[[[107.0,29.0],[107.1,29.0],[107.1,29.1],[107.0,29.1],[107.0,29.0]]]}},
      {"type":"Feature","properties":{"adcode":500102107},
       "geometry":{"type":"MultiPolygon","coordinates":[[[[107.1,29.0,5],[107.2,29.0,5],[107.2,29.1,5],[107.1,29.0,5]]]]}}
    ]}"#;

    #[test]
    fn polygons_are_drawn_to_fit_the_width() {
        let d = draw(SQUARES.as_bytes()).expect("valid");
        assert_eq!(d.shapes.len(), 2);
        assert_eq!(d.shapes[0].name.as_deref(), Some("甲镇"));
        assert_eq!(d.shapes[0].code.as_deref(), Some("500102103"));
        assert_eq!(
            d.shapes[1].code.as_deref(),
            Some("500102107"),
            "a numeric code"
        );
        assert!(d.shapes[0].d.starts_with("M0.0 "), "{}", d.shapes[0].d);
        assert!(d.shapes[1].d.contains("L1000.0 "), "{}", d.shapes[1].d);
        // 0.2° of longitude at 29° north against 0.1° of latitude.
        let expect = 1000.0 * 0.1 / (0.2 * 29.05f64.to_radians().cos());
        assert!((d.height - expect).abs() < 1.0, "{}", d.height);
        let (x, y) = d.shapes[0].label;
        assert!((x - 250.0).abs() < 1.0 && (y - d.height / 2.0).abs() < 1.0);
    }

    #[test]
    fn a_bad_file_names_its_fault() {
        let err = |s: &str| draw(s.as_bytes()).expect_err("refused");
        assert_eq!(err("not json").field, "file");
        assert!(
            err(r#"{"type":"Feature","features":[]}"#)
                .message
                .contains("FeatureCollection")
        );
        assert!(
            err(r#"{"type":"FeatureCollection","features":[]}"#)
                .message
                .contains("没有任何区域")
        );
        let swapped = SQUARES.replace("107.0,29.0", "29.0,207.0");
        assert!(err(&swapped).message.contains("经纬度"));
        let point = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#;
        assert_eq!(err(point).code, "invalid_geojson");
    }
}
