//! `progress.svg`: the progress measures against the step (linear axis), over the shaded phases I–IV.
//! Top: training, test, restricted (both variants) and excluded loss (log axis); bottom: the weight norm $\\|\theta\\|\_2$ and
//! the median per-neuron Fourier concentration (right axis). A dashed line marks $t_{grok}$.

use super::{draw_line, draw_phase_bands, render, DrawResult, MARK_GROK, TEST, TRAIN};
use crate::error::{Error, Result};
use crate::evaluation::EvalRecord;
use crate::measure::phases::Phases;
use crate::train::History;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

const SIZE: (u32, u32) = (960, 760);
const RESTRICTED: RGBColor = RGBColor(148, 103, 189);
const RESTRICTED_TEST: RGBColor = RGBColor(227, 119, 194);
const EXCLUDED: RGBColor = RGBColor(255, 127, 14);
const CONCENTRATION: RGBColor = RGBColor(23, 190, 207);

/// Renders the progress plot of `history` with its `phases`.
pub fn progress_svg(history: &History, phases: &Phases, title: &str) -> Result<String> {
    if history.records.is_empty() {
        return Err(Error::output("progress.svg", "no evaluations to plot"));
    }
    render("progress.svg", SIZE, |root| {
        draw(root, history, phases, title)
    })
}

/// Writes [`progress_svg`] to `path` atomically.
pub fn write_progress(path: &Path, history: &History, phases: &Phases, title: &str) -> Result<()> {
    crate::report::write_atomic(path, progress_svg(history, phases, title)?.as_bytes())
}

type Measure = fn(&EvalRecord) -> Option<f64>;

fn draw(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    h: &History,
    phases: &Phases,
    title: &str,
) -> DrawResult {
    root.fill(&WHITE)?;
    let root = root.titled(title, ("sans-serif", 20))?;
    let (top, bottom) = root.split_vertically(SIZE.1 * 3 / 5);
    let x_max = h.records.last().map_or(1.0, |r| r.step as f64).max(1.0);
    let series = |f: Measure| -> Vec<(f64, f64)> {
        h.records
            .iter()
            .filter_map(|r| {
                f(r).filter(|v| v.is_finite() && *v > 0.0)
                    .map(|v| (r.step as f64, v))
            })
            .collect()
    };
    let losses: [(&str, RGBColor, Measure); 5] = [
        ("train loss", TRAIN, |r| Some(r.train_loss)),
        ("test loss", TEST, |r| Some(r.test_loss)),
        ("restricted loss (all pairs)", RESTRICTED, |r| {
            r.restricted_loss
        }),
        (
            "restricted loss, held out (test pairs)",
            RESTRICTED_TEST,
            |r| r.restricted_test_loss,
        ),
        ("excluded loss (train pairs)", EXCLUDED, |r| r.excluded_loss),
    ];
    let values: Vec<f64> = losses
        .iter()
        .flat_map(|(_, _, f)| series(*f).into_iter().map(|p| p.1))
        .collect();
    let lo = values
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
        .max(1e-8)
        * 0.5;
    let hi = values.iter().copied().fold(0.0, f64::max).max(lo * 10.0) * 2.0;
    let mut chart = ChartBuilder::on(&top)
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..x_max, (lo..hi).log_scale())?;
    chart
        .configure_mesh()
        .x_label_formatter(&|v| format!("{v:.0}"))
        .x_desc("step")
        .y_desc("loss")
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .draw()?;
    draw_phase_bands(&mut chart, phases, (lo, hi))?;
    for (label, color, f) in losses {
        let points = series(f);
        if !points.is_empty() {
            draw_line(&mut chart, points, color, label)?;
        }
    }
    if let Some(t) = h.t_grok {
        let x = t as f64;
        chart
            .draw_series(DashedLineSeries::new(
                vec![(x, lo), (x, hi)],
                6,
                4,
                MARK_GROK.stroke_width(2),
            ))?
            .label(format!("t_grok = {t}"))
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], MARK_GROK.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .border_style(BLACK)
        .background_style(WHITE.mix(0.9))
        .draw()?;

    let norms = series(|r| Some(r.weight_norm));
    let n_max = norms.iter().map(|p| p.1).fold(0.0, f64::max).max(1e-12) * 1.1;
    let mut chart = ChartBuilder::on(&bottom)
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(60)
        .right_y_label_area_size(60)
        .build_cartesian_2d(0.0..x_max, 0.0..n_max)?
        .set_secondary_coord(0.0..x_max, 0.0..1.0);
    chart
        .configure_mesh()
        .x_label_formatter(&|v| format!("{v:.0}"))
        .x_desc("step")
        .y_desc("weight norm")
        .draw()?;
    chart
        .configure_secondary_axes()
        .y_desc("median Fourier concentration")
        .draw()?;
    draw_phase_bands(&mut chart, phases, (0.0, n_max))?;
    draw_line(&mut chart, norms, BLACK, "weight norm |θ|")?;
    let concentration = series(|r| r.fourier_concentration);
    if !concentration.is_empty() {
        chart
            .draw_secondary_series(LineSeries::new(
                concentration,
                CONCENTRATION.stroke_width(2),
            ))?
            .label("median Fourier concentration (right)")
            .legend(|(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], CONCENTRATION.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .border_style(BLACK)
        .background_style(WHITE.mix(0.9))
        .draw()?;
    Ok(())
}
