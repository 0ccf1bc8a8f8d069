//! `curves.svg`: the classic grokking plot. Top: training and test accuracy against the step (log axis);
//! bottom: training and test loss (log-log). Vertical lines mark $t_{mem}$ and $t_{grok}$. Step 0 is
//! drawn at step 1 (a log axis has no 0).

use crate::error::{Error, Result};
use crate::train::{EvalRecord, History};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

const SIZE: (u32, u32) = (960, 720);
const TRAIN: RGBColor = RGBColor(31, 119, 180);
const TEST: RGBColor = RGBColor(214, 39, 40);
const MARK_MEM: RGBColor = RGBColor(120, 120, 120);
const MARK_GROK: RGBColor = RGBColor(44, 160, 44);

/// Renders the curves of `history` to an SVG string, with `title` on top.
pub fn curves_svg(history: &History, title: &str) -> Result<String> {
    let records = &history.records;
    if records.is_empty() {
        return Err(Error::output("curves.svg", "no evaluations to plot"));
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw(&root, history, title).map_err(|e| Error::output("curves.svg", e))?;
        root.present().map_err(|e| Error::output("curves.svg", e))?;
    }
    Ok(svg)
}

/// Writes [`curves_svg`] to `path` atomically.
pub fn write_curves(path: &Path, history: &History, title: &str) -> Result<()> {
    super::write_atomic(path, curves_svg(history, title)?.as_bytes())
}

type DrawResult = std::result::Result<(), Box<dyn std::error::Error>>;

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

fn draw_line<'a, X, Y>(
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
