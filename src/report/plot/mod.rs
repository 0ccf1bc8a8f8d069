//! The plots of a run. `curves.svg` (here): the classic grokking plot. Top: training and test accuracy
//! against the step (log axis); bottom: training and test loss (log-log). Vertical lines mark $t_{mem}$
//! and $t_{grok}$. Step 0 is drawn at step 1 (a log axis has no 0). `progress.svg` ([`progress`]) and
//! `fourier.svg` ([`fourier`]) plot the progress measures on a linear step axis with the phases;
//! `singular.svg` ([`singular`]) the singular-value trajectories of both layers. [`figure`] draws any
//! figure described by data (`grok plot`), the notes' figures among them.

pub mod figure;
pub mod fourier;
pub mod progress;
pub mod singular;

use crate::error::{Error, Result};
use crate::evaluation::EvalRecord;
use crate::measure::phases::Phases;
use crate::train::History;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

const SIZE: (u32, u32) = (960, 720);
pub(crate) const TRAIN: RGBColor = RGBColor(31, 119, 180);
pub(crate) const TEST: RGBColor = RGBColor(214, 39, 40);
const MARK_MEM: RGBColor = RGBColor(120, 120, 120);
pub(crate) const MARK_GROK: RGBColor = RGBColor(44, 160, 44);

/// Renders the curves of `history` to an SVG string, with `title` on top.
pub fn curves_svg(history: &History, title: &str) -> Result<String> {
    let records = &history.records;
    if records.is_empty() {
        return Err(Error::output("curves.svg", "no evaluations to plot"));
    }
    render("curves.svg", SIZE, |root| draw(root, history, title))
}

/// Writes [`curves_svg`] to `path` atomically.
pub fn write_curves(path: &Path, history: &History, title: &str) -> Result<()> {
    super::write_atomic(path, curves_svg(history, title)?.as_bytes())
}

pub(crate) type DrawResult = std::result::Result<(), Box<dyn std::error::Error>>;

fn x_of(r: &EvalRecord) -> f64 {
    (r.step as f64).max(1.0)
}

fn draw(root: &DrawingArea<SVGBackend<'_>, Shift>, h: &History, title: &str) -> DrawResult {
    root.fill(&WHITE)?;
    let root = root.titled(title, ("sans-serif", 22))?;
    let (top, bottom) = root.split_vertically(SIZE.1 / 2 - 10);
    let x_max = h.records.iter().map(x_of).fold(10.0, f64::max) * 1.05;
    let marks: Vec<(String, f64, RGBColor)> = [
        (h.t_mem, "t_mem", MARK_MEM),
        (h.t_grok, "t_grok", MARK_GROK),
    ]
    .into_iter()
    .filter_map(|(t, name, color)| t.map(|t| (format!("{name} = {t}"), (t as f64).max(1.0), color)))
    .collect();

    let mut acc = ChartBuilder::on(&top)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d((1.0..x_max).log_scale(), 0.0..1.02)?;
    acc.configure_mesh()
        .x_label_formatter(&|v| format!("{v:.0}"))
        .x_desc("step")
        .y_desc("accuracy")
        .draw()?;
    let series = |f: fn(&EvalRecord) -> f64| {
        h.records
            .iter()
            .map(move |r| (x_of(r), f(r)))
            .collect::<Vec<_>>()
    };
    draw_line(&mut acc, series(|r| r.train_acc), TRAIN, "train accuracy")?;
    draw_line(&mut acc, series(|r| r.test_acc), TEST, "test accuracy")?;
    for (label, x, color) in &marks {
        draw_line(&mut acc, vec![(*x, 0.0), (*x, 1.02)], *color, label)?;
    }
    acc.configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .border_style(BLACK)
        .background_style(WHITE.mix(0.9))
        .draw()?;

    let losses: Vec<f64> = h
        .records
        .iter()
        .flat_map(|r| [r.train_loss, r.test_loss])
        .filter(|l| *l > 0.0)
        .collect();
    let lo = losses
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .max(1e-12)
        * 0.5;
    let hi = losses.iter().copied().fold(0.0, f64::max).max(lo * 10.0) * 2.0;
    let mut loss = ChartBuilder::on(&bottom)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d((1.0..x_max).log_scale(), (lo..hi).log_scale())?;
    loss.configure_mesh()
        .x_label_formatter(&|v| format!("{v:.0}"))
        .x_desc("step")
        .y_desc("loss")
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .draw()?;
    let positive = |f: fn(&EvalRecord) -> f64| {
        h.records
            .iter()
            .filter(move |r| f(r) > 0.0)
            .map(move |r| (x_of(r), f(r)))
            .collect::<Vec<_>>()
    };
    draw_line(&mut loss, positive(|r| r.train_loss), TRAIN, "train loss")?;
    draw_line(&mut loss, positive(|r| r.test_loss), TEST, "test loss")?;
    for (label, x, color) in &marks {
        draw_line(&mut loss, vec![(*x, lo), (*x, hi)], *color, label)?;
    }
    loss.configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .border_style(BLACK)
        .background_style(WHITE.mix(0.9))
        .draw()?;
    Ok(())
}

pub(crate) fn draw_line<'a, X, Y>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    points: Vec<(f64, f64)>,
    color: RGBColor,
    label: &str,
) -> DrawResult
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    chart
        .draw_series(LineSeries::new(points, color.stroke_width(2)))?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
    Ok(())
}

/// Renders `draw` into an SVG string of `size`; errors name `file`.
pub(crate) fn render(
    file: &str,
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> DrawResult,
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root).map_err(|e| Error::output(file, e))?;
        root.present().map_err(|e| Error::output(file, e))?;
    }
    Ok(svg)
}

/// Background colours of phases I–IV.
const PHASE_COLORS: [RGBColor; 4] = [
    RGBColor(230, 230, 230),
    RGBColor(255, 243, 205),
    RGBColor(214, 234, 248),
    RGBColor(213, 245, 227),
];

/// Shades the phases that occurred over the full height `[y0, y1]` of `chart`, labelled I–IV at the top.
pub(crate) fn draw_phase_bands<'a, Y>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, Cartesian2d<RangedCoordf64, Y>>,
    phases: &Phases,
    (y0, y1): (f64, f64),
) -> DrawResult
where
    Y: Ranged<ValueType = f64>,
{
    let spans = [
        ("I", phases.memorization),
        ("II", phases.plateau),
        ("III", phases.circuit_formation),
        ("IV", phases.generalization),
    ];
    for (i, (name, span)) in spans.iter().enumerate() {
        if let Some([a, b]) = *span {
            let (a, b) = (a as f64, b as f64);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(a, y0), (b, y1)],
                PHASE_COLORS[i].filled(),
            )))?;
            chart.draw_series(std::iter::once(Text::new(
                name.to_string(),
                (a, y1),
                ("sans-serif", 14).into_font().color(&BLACK),
            )))?;
        }
    }
    Ok(())
}
