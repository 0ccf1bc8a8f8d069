//! A figure described by data (`grok plot SPEC.json --out FIG.svg`): panels side by side, each with
//! its axes (linear or logarithmic) and its series of points, drawn as markers, crosses, lines, dashed
//! lines or lines with markers. The notes' scripts write such a spec from their sweep data, so every
//! figure of the notes is drawn by the crate and no plotting stack is needed. Each panel's legend goes to
//! the corner of its plotting area that covers the fewest points.
//!
//! ```json
//! {"title": "t_grok against lambda", "panels": [{"title": "", "x": {"label": "lambda", "log": true},
//!   "y": {"label": "t_grok", "log": true}, "series": [{"label": "seed runs", "style": "points",
//!   "colour": "blue", "points": [[0.25, 9000], [1, 2400]]}]}]}
//! ```

use super::{render, DrawResult};
use crate::error::{Error, Result};
use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::Deserialize;
use std::path::Path;

/// A figure: a title and panels, drawn left to right.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// Drawn on top.
    pub title: String,
    /// Width and height in pixels (default 640 per panel by 480).
    #[serde(default)]
    pub size: Option<(u32, u32)>,
    /// The panels.
    pub panels: Vec<Panel>,
}

/// One chart.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Panel {
    /// Its caption (may be empty).
    #[serde(default)]
    pub title: String,
    /// The horizontal axis.
    pub x: Axis,
    /// The vertical axis.
    pub y: Axis,
    /// What it shows.
    pub series: Vec<Series>,
}

/// An axis: its label and whether it is logarithmic (base 10).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Axis {
    /// Its label.
    pub label: String,
    /// Logarithmic; every value on it must then be positive.
    #[serde(default)]
    pub log: bool,
}

/// How a series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    /// Filled circles.
    Points,
    /// Crosses (e.g. runs that never reached the event, drawn at the budget).
    Crosses,
    /// A solid line through the points in their order.
    Line,
    /// A dashed line.
    Dashed,
    /// A solid line with a circle at each point.
    LinePoints,
}

/// One series: a legend label (empty: none), a style, a colour and its points.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Series {
    /// Its legend entry; empty for none.
    #[serde(default)]
    pub label: String,
    /// How it is drawn.
    pub style: Style,
    /// One of [`COLOURS`]' names.
    pub colour: String,
    /// Its points `(x, y)`.
    pub points: Vec<(f64, f64)>,
}

/// The colours a series may take, by name (matplotlib's first "tab" colours, and gray).
pub const COLOURS: [(&str, RGBColor); 7] = [
    ("blue", RGBColor(31, 119, 180)),
    ("orange", RGBColor(255, 127, 14)),
    ("green", RGBColor(44, 160, 44)),
    ("red", RGBColor(214, 39, 40)),
    ("purple", RGBColor(148, 103, 189)),
    ("brown", RGBColor(140, 86, 75)),
    ("gray", RGBColor(127, 127, 127)),
];

fn colour(name: &str) -> Result<RGBColor> {
    COLOURS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, c)| *c)
        .ok_or_else(|| {
            let names: Vec<&str> = COLOURS.iter().map(|(n, _)| *n).collect();
            Error::InvalidConfig(format!(
                "unknown colour {name:?}; one of {}",
                names.join(", ")
            ))
        })
}

/// The range of the values `v` on an axis: padded by 5% of the span (a factor on a log axis).
fn range(values: impl Iterator<Item = f64> + Clone, log: bool) -> (f64, f64) {
    let lo = values.clone().fold(f64::INFINITY, f64::min);
    let hi = values.fold(f64::NEG_INFINITY, f64::max);
    if log {
        let pad = (hi / lo).powf(0.05).max(1.1);
        (lo / pad, hi * pad)
    } else {
        let pad = ((hi - lo) * 0.05).max(if hi == lo {
            0.5 * lo.abs().max(1.0)
        } else {
            0.0
        });
        (lo - pad, hi + pad)
    }
}

impl Figure {
    /// Reads a figure from its JSON text; `name` names it in errors.
    pub fn from_json(name: &str, text: &str) -> Result<Self> {
        let figure: Figure =
            serde_json::from_str(text).map_err(|e| Error::InvalidConfig(format!("{name}: {e}")))?;
        figure.validate(name)?;
        Ok(figure)
    }

    /// Every panel has a point, every value is finite, positive on a log axis, and every colour known.
    pub fn validate(&self, name: &str) -> Result<()> {
        let bad = |what: String| Error::InvalidConfig(format!("{name}: {what}"));
        if self.panels.is_empty() {
            return Err(bad("no panels".into()));
        }
        if let Some((w, h)) = self.size {
            if !(100..=8000).contains(&w) || !(100..=8000).contains(&h) {
                return Err(bad(format!("size {w}x{h} outside 100..=8000 pixels")));
            }
        }
        for (k, panel) in self.panels.iter().enumerate() {
            if panel.series.iter().all(|s| s.points.is_empty()) {
                return Err(bad(format!("panel {k} has no points")));
            }
            for s in &panel.series {
                colour(&s.colour).map_err(|e| bad(e.to_string()))?;
                for &(x, y) in &s.points {
                    for (v, axis, which) in [(x, &panel.x, "x"), (y, &panel.y, "y")] {
                        if !v.is_finite() || (axis.log && v <= 0.0) {
                            return Err(bad(format!(
                                "panel {k}, series {:?}: {which} = {v} on a {} axis",
                                s.label,
                                if axis.log { "logarithmic" } else { "linear" }
                            )));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The figure as SVG.
    pub fn svg(&self) -> Result<String> {
        self.validate("figure")?;
        let size = self.size.unwrap_or((640 * self.panels.len() as u32, 480));
        render("figure", size, |root| {
            root.fill(&WHITE)?;
            let root = root.titled(&self.title, ("sans-serif", 18))?;
            let areas = root.split_evenly((1, self.panels.len()));
            for (area, panel) in areas.iter().zip(&self.panels) {
                let xs = panel
                    .series
                    .iter()
                    .flat_map(|s| s.points.iter().map(|p| p.0));
                let ys = panel
                    .series
                    .iter()
                    .flat_map(|s| s.points.iter().map(|p| p.1));
                let (x0, x1) = range(xs, panel.x.log);
                let (y0, y1) = range(ys, panel.y.log);
                let log =
                    |lo: f64, hi: f64| (lo..hi).log_scale().with_key_points(log_ticks(lo, hi));
                let corner = legend_corner(panel, (x0, x1), (y0, y1), area.dim_in_pixel());
                match (panel.x.log, panel.y.log) {
                    (false, false) => draw_panel(area, panel, x0..x1, y0..y1, corner)?,
                    (true, false) => draw_panel(area, panel, log(x0, x1), y0..y1, corner)?,
                    (false, true) => draw_panel(area, panel, x0..x1, log(y0, y1), corner)?,
                    (true, true) => draw_panel(area, panel, log(x0, x1), log(y0, y1), corner)?,
                }
            }
            Ok(())
        })
    }

    /// Writes [`Figure::svg`] to `path` atomically.
    pub fn write(&self, path: &Path) -> Result<()> {
        crate::report::write_atomic(path, self.svg()?.as_bytes())
    }
}

/// The corners a legend may take, in the order of preference on a tie.
const CORNERS: [SeriesLabelPosition; 4] = [
    SeriesLabelPosition::UpperLeft,
    SeriesLabelPosition::UpperRight,
    SeriesLabelPosition::LowerLeft,
    SeriesLabelPosition::LowerRight,
];

/// The corner of the plotting area where the legend of `panel` covers the fewest of its points (the
/// upper left on a tie), for axis ranges `x` and `y` on a panel of `pixels`. The legend's box is estimated
/// from its entries: 6.5 pixels a character of the longest label plus 40 for the marker, 15 pixels a
/// line, against the plotting area left by the axis labels and margins (84 by 100 pixels); a point counts
/// when its position as a fraction of each axis (of the logarithm on a log axis) falls inside the box.
fn legend_corner(
    panel: &Panel,
    x: (f64, f64),
    y: (f64, f64),
    pixels: (u32, u32),
) -> SeriesLabelPosition {
    let labelled: Vec<&Series> = panel
        .series
        .iter()
        .filter(|s| !s.label.is_empty())
        .collect();
    let longest = labelled
        .iter()
        .map(|s| s.label.chars().count())
        .max()
        .unwrap_or(0);
    let plot = |total: u32, taken: f64| (f64::from(total) - taken).max(1.0);
    let width = ((40.0 + 6.5 * longest as f64) / plot(pixels.0, 84.0)).min(1.0);
    let height = ((10.0 + 15.0 * labelled.len() as f64) / plot(pixels.1, 100.0)).min(1.0);
    let fraction = |v: f64, (lo, hi): (f64, f64), log: bool| {
        if log {
            (v / lo).ln() / (hi / lo).ln()
        } else {
            (v - lo) / (hi - lo)
        }
    };
    let points: Vec<(f64, f64)> = panel
        .series
        .iter()
        .flat_map(|s| s.points.iter())
        .map(|&(px, py)| (fraction(px, x, panel.x.log), fraction(py, y, panel.y.log)))
        .collect();
    let covered = |corner: &SeriesLabelPosition| {
        let (left, upper) = match corner {
            SeriesLabelPosition::UpperLeft => (true, true),
            SeriesLabelPosition::UpperRight => (false, true),
            SeriesLabelPosition::LowerLeft => (true, false),
            _ => (false, false),
        };
        points
            .iter()
            .filter(|&&(fx, fy)| {
                let inside_x = if left { fx <= width } else { fx >= 1.0 - width };
                let inside_y = if upper {
                    fy >= 1.0 - height
                } else {
                    fy <= height
                };
                inside_x && inside_y
            })
            .count()
    };
    CORNERS
        .iter()
        .min_by_key(|c| covered(c))
        .cloned()
        .unwrap_or(SeriesLabelPosition::UpperLeft)
}

/// The ticks of a log axis on `[lo, hi]`: the powers of ten, with 2 and 5 times them over fewer than
/// four decades and 2, 3, 5 and 7 times them within one, so that a narrow range is labelled too.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let decades = (hi / lo).log10();
    let mantissas: &[f64] = if decades >= 4.0 {
        &[1.0]
    } else if decades >= 1.0 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0, 2.0, 3.0, 5.0, 7.0]
    };
    let (first, last) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    (first..=last)
        .flat_map(|e| mantissas.iter().map(move |m| m * 10f64.powi(e)))
        .filter(|v| (lo..=hi).contains(v))
        .collect()
}

/// A tick label: three significant digits, in exponent form outside `[0.01, 10^5)`.
fn tick(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && !(0.01..1e5).contains(&a) {
        format!("{v:.0e}")
    } else {
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    }
}

fn draw_panel<X, Y>(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    panel: &Panel,
    x: X,
    y: Y,
    legend_at: SeriesLabelPosition,
) -> DrawResult
where
    X: AsRangedCoord<Value = f64>,
    Y: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 15))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(x, y)?;
    chart
        .configure_mesh()
        .light_line_style(RGBColor(238, 238, 238))
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| tick(*v))
        .x_desc(&panel.x.label)
        .y_desc(&panel.y.label)
        .draw()?;
    let mut legend = false;
    for s in &panel.series {
        let c = colour(&s.colour)?;
        let pts = s.points.clone();
        let drawn = match s.style {
            Style::Points => {
                chart.draw_series(pts.into_iter().map(|p| Circle::new(p, 3, c.filled())))?
            }
            Style::Crosses => {
                chart.draw_series(pts.into_iter().map(|p| Cross::new(p, 5, c.stroke_width(2))))?
            }
            Style::Line => chart.draw_series(LineSeries::new(pts, c.stroke_width(2)))?,
            Style::Dashed => {
                chart.draw_series(DashedLineSeries::new(pts, 6, 4, c.stroke_width(2)))?
            }
            Style::LinePoints => {
                chart.draw_series(LineSeries::new(pts.clone(), c.stroke_width(2)))?;
                chart.draw_series(pts.into_iter().map(|p| Circle::new(p, 3, c.filled())))?
            }
        };
        if !s.label.is_empty() {
            legend = true;
            let style = s.style;
            drawn.label(s.label.as_str()).legend(
                move |(x, y)| -> DynElement<'static, SVGBackend, (i32, i32)> {
                    match style {
                        Style::Points => Circle::new((x + 10, y), 3, c.filled()).into_dyn(),
                        Style::Crosses => Cross::new((x + 10, y), 5, c.stroke_width(2)).into_dyn(),
                        _ => PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2))
                            .into_dyn(),
                    }
                },
            );
        }
    }
    if legend {
        chart
            .configure_series_labels()
            .position(legend_at)
            .label_font(("sans-serif", 12))
            .border_style(BLACK)
            .background_style(WHITE.mix(0.9))
            .draw()?;
    }
    Ok(())
}
