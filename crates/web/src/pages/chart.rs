//! A dashboard's charts: the figures as a table, the series ECharts draws, and a plain SVG
//! drawing of the same figures sent with the page, so that a chart shows at the first paint
//! (before the chart library has loaded), prints, and works without scripts. Each bar and
//! slice of the SVG is a link to the list it counts, with its figure as a tooltip.

use std::fmt::Write;

use dangjian_service::stats::Slice;
use serde_json::json;

use crate::view::escape;

/// A row of a chart's data: what it counts, how many, and the list behind it.
pub struct ChartRow {
    pub label: String,
    pub n: i64,
    pub link: Option<String>,
}

pub struct Chart {
    pub title: &'static str,
    pub kind: &'static str,
    /// The series for ECharts, each point with the link its click opens.
    pub data: String,
    /// The same figures drawn in SVG, shown until ECharts takes the chart over.
    pub svg: String,
    /// The same figures as a table beside the chart (for keyboards, screen readers, print).
    pub rows: Vec<ChartRow>,
}

pub fn chart(
    title: &'static str,
    kind: &'static str,
    slices: &[Slice],
    link: impl Fn(&Slice) -> Option<String>,
) -> Chart {
    let rows: Vec<ChartRow> = slices
        .iter()
        .map(|s| ChartRow {
            label: s.label.clone(),
            n: s.n,
            link: link(s),
        })
        .collect();
    let data: Vec<_> = rows
        .iter()
        .map(|r| json!({"name": r.label, "value": r.n, "link": r.link}))
        .collect();
    Chart {
        title,
        kind,
        data: serde_json::Value::from(data).to_string(),
        svg: svg(kind, &rows),
        rows,
    }
}

/// The colours of app.js, in the same order.
const PALETTE: [&str; 8] = [
    "#c8161d", "#e8a33d", "#3b7dd8", "#4caf7a", "#8e5cc4", "#d9534f", "#5bc0de", "#777",
];
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 280.0;

/// The SVG of a chart of `kind` ("pie", "bar" or "hbar").
pub fn svg(kind: &str, rows: &[ChartRow]) -> String {
    match kind {
        "pie" => pie(rows),
        "hbar" => hbar(rows),
        _ => bar(rows),
    }
}

/// A name cut to `chars` characters, with an ellipsis when it was longer.
fn cut(label: &str, chars: usize) -> String {
    if label.chars().count() <= chars {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(chars.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// One mark (a bar, a slice): a link to its list when it has one, its figure as a tooltip.
/// The links are for the mouse; keyboards and screen readers take the same links from the
/// table under the chart, so these stay out of the tab order.
fn mark(out: &mut String, row: &ChartRow, shape: &str) {
    let title = format!("<title>{}：{}</title>", escape(&row.label), row.n);
    match &row.link {
        Some(href) => {
            let _ = write!(
                out,
                "<a href=\"{}\" tabindex=\"-1\">{title}{shape}</a>",
                escape(href)
            );
        }
        None => {
            let _ = write!(out, "<g>{title}{shape}</g>");
        }
    }
}

fn open(height: f64) -> String {
    format!(
        "<svg class=\"chart-svg\" viewBox=\"0 0 {WIDTH} {height}\" xmlns=\"http://www.w3.org/2000/svg\" \
         font-size=\"13\" aria-hidden=\"true\">"
    )
}

fn bar(rows: &[ChartRow]) -> String {
    let max = rows.iter().map(|r| r.n).max().unwrap_or(0).max(1) as f64;
    let (left, right, top, bottom) = (40.0, WIDTH - 10.0, 20.0, HEIGHT - 70.0);
    let slot = (right - left) / rows.len().max(1) as f64;
    let mut out = open(HEIGHT);
    let _ = write!(
        out,
        "<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\" stroke=\"#999\"/>"
    );
    for (i, r) in rows.iter().enumerate() {
        let h = (bottom - top) * r.n as f64 / max;
        let x = left + slot * i as f64 + slot * 0.2;
        let w = slot * 0.6;
        let y = bottom - h;
        let cx = x + w / 2.0;
        let shape = format!(
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" fill=\"{}\"/>\
             <text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            PALETTE[0],
            y - 4.0,
            r.n
        );
        mark(&mut out, r, &shape);
        let _ = write!(
            out,
            "<text transform=\"translate({cx:.1},{:.1}) rotate(-30)\" text-anchor=\"end\">{}</text>",
            bottom + 14.0,
            escape(&cut(&r.label, 8))
        );
    }
    out.push_str("</svg>");
    out
}

fn hbar(rows: &[ChartRow]) -> String {
    let height = (rows.len() as f64 * 22.0 + 40.0).max(260.0);
    let max = rows.iter().map(|r| r.n).max().unwrap_or(0).max(1) as f64;
    let (left, right) = (130.0, WIDTH - 50.0);
    let mut out = open(height);
    for (i, r) in rows.iter().enumerate() {
        let y = 20.0 + 22.0 * i as f64;
        let w = (right - left) * r.n as f64 / max;
        let shape = format!(
            "<rect x=\"{left}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"14\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            y + 2.0,
            PALETTE[0],
            left + w + 4.0,
            y + 13.0,
            r.n
        );
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            y + 13.0,
            escape(&cut(&r.label, 10))
        );
        mark(&mut out, r, &shape);
    }
    out.push_str("</svg>");
    out
}

fn pie(rows: &[ChartRow]) -> String {
    let total: i64 = rows.iter().map(|r| r.n.max(0)).sum();
    let (cx, cy, outer, inner) = (150.0, HEIGHT / 2.0, 110.0, 60.0);
    let mut out = open(HEIGHT);
    let mut angle = -std::f64::consts::FRAC_PI_2;
    for (i, r) in rows.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        if total > 0 && r.n > 0 {
            // A whole circle drawn as an arc would vanish: stop just short of it.
            let sweep = (std::f64::consts::TAU * r.n as f64 / total as f64)
                .min(std::f64::consts::TAU - 0.001);
            let end = angle + sweep;
            let large = i32::from(sweep > std::f64::consts::PI);
            let point = |radius: f64, a: f64| (cx + radius * a.cos(), cy + radius * a.sin());
            let (x1, y1) = point(outer, angle);
            let (x2, y2) = point(outer, end);
            let (x3, y3) = point(inner, end);
            let (x4, y4) = point(inner, angle);
            let shape = format!(
                "<path d=\"M{x1:.1} {y1:.1}A{outer} {outer} 0 {large} 1 {x2:.1} {y2:.1}\
                 L{x3:.1} {y3:.1}A{inner} {inner} 0 {large} 0 {x4:.1} {y4:.1}Z\" fill=\"{colour}\"/>"
            );
            mark(&mut out, r, &shape);
            angle = end;
        }
        // The legend: every slice with its figure, in the chart's order.
        let y = 24.0 + 20.0 * i as f64;
        if y < HEIGHT - 8.0 {
            let shape = format!(
                "<rect x=\"300\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>\
                 <text x=\"318\" y=\"{:.1}\">{} {}</text>",
                y - 10.0,
                y,
                escape(&cut(&r.label, 12)),
                r.n
            );
            mark(&mut out, r, &shape);
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(figures: &[(&str, i64)]) -> Vec<ChartRow> {
        figures
            .iter()
            .map(|(label, n)| ChartRow {
                label: label.to_string(),
                n: *n,
                link: Some(format!("/members?x={label}")),
            })
            .collect()
    }

    #[test]
    fn every_figure_is_drawn_with_its_link_and_tooltip() {
        let figures = rows(&[("大专", 30), ("本科", 50), ("研究生", 5)]);
        for kind in ["bar", "hbar", "pie"] {
            let s = svg(kind, &figures);
            assert!(s.starts_with("<svg") && s.ends_with("</svg>"), "{kind}");
            for (label, n) in [("大专", 30), ("本科", 50), ("研究生", 5)] {
                assert!(
                    s.contains(&format!("<title>{label}：{n}</title>")),
                    "{kind} {label}"
                );
                assert!(
                    s.contains(&format!("href=\"/members?x={label}\"")),
                    "{kind} {label}"
                );
            }
        }
        let slices = svg("pie", &figures).matches("<path").count();
        assert_eq!(slices, 3, "one slice per figure");
    }

    #[test]
    fn the_longest_bar_fills_the_plot_and_names_are_escaped_and_cut() {
        let s = svg("hbar", &rows(&[("<甲>", 10), ("乙", 5)]));
        assert!(
            s.contains("width=\"420.0\""),
            "the largest figure spans the plot: {s}"
        );
        assert!(s.contains("width=\"210.0\""), "half of it, half the width");
        assert!(s.contains("&lt;甲&gt;") && !s.contains("<甲>"));
        assert_eq!(cut("白涛街道音观社区第二党支部", 6), "白涛街道音…");
    }

    #[test]
    fn an_empty_or_zero_chart_draws_no_mark_and_does_not_divide_by_zero() {
        for kind in ["bar", "hbar", "pie"] {
            let s = svg(kind, &rows(&[("无", 0)]));
            assert!(!s.contains("NaN") && !s.contains("inf"), "{kind}: {s}");
            assert!(!svg(kind, &[]).contains("<title>"));
        }
    }
}
