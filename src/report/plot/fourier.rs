//! `fourier.svg`: top, a heatmap of the embedding's layer spectrum, frequency $k\ge1$ against the step,
//! each column normalised to the shares $S_k/\sum_{k\ge1}S_k$ and coloured on one scale for the whole
//! run (viridis, 0 to the largest share); bottom, the median per-neuron Fourier concentration, over the
//! shaded phases.

use super::{draw_line, draw_phase_bands, render, DrawResult};
use crate::error::{Error, Result};
use crate::measure::phases::Phases;
use crate::train::History;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;
use std::path::Path;

const SIZE: (u32, u32) = (960, 760);
/// At most this many columns are drawn (evenly spaced evaluations).
const MAX_COLUMNS: usize = 200;
const CONCENTRATION: RGBColor = RGBColor(23, 190, 207);

/// Renders the Fourier plot of `history` (which must hold embedding spectra: $\mathbb{Z}\_p$ tasks).
pub fn fourier_svg(history: &History, phases: &Phases, title: &str) -> Result<String> {
    if history.embedding_spectra.len() < 2 {
        return Err(Error::output(
            "fourier.svg",
            "needs the embedding spectra of at least two evaluations",
        ));
    }
    render("fourier.svg", SIZE, |root| {
        draw(root, history, phases, title)
    })
}

/// Writes [`fourier_svg`] to `path` atomically.
pub fn write_fourier(path: &Path, history: &History, phases: &Phases, title: &str) -> Result<()> {
    crate::report::write_atomic(path, fourier_svg(history, phases, title)?.as_bytes())
}

/// Shares $S_k/\sum_{k\ge1}S_k$, $k\ge1$ (zeros for a spectrum without non-constant energy).
fn shares(s: &[f64]) -> Vec<f64> {
    let total: f64 = s[1..].iter().sum();
    s[1..]
        .iter()
        .map(|e| if total > 0.0 { e / total } else { 0.0 })
        .collect()
}

fn draw(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    h: &History,
    phases: &Phases,
    title: &str,
) -> DrawResult {
    root.fill(&WHITE)?;
    let root = root.titled(title, ("sans-serif", 20))?;
    let (top, bottom) = root.split_vertically(SIZE.1 * 3 / 5);
    let spectra = &h.embedding_spectra;
    let stride = spectra.len().div_ceil(MAX_COLUMNS);
    let columns: Vec<(f64, Vec<f64>)> = spectra
        .iter()
        .step_by(stride)
        .map(|(step, s)| (*step as f64, shares(s)))
        .collect();
    let bins = columns[0].1.len();
    let x_max = spectra.last().map_or(1.0, |s| s.0 as f64).max(1.0);
    let top_share = columns
        .iter()
        .flat_map(|c| c.1.iter().copied())
        .fold(0.0, f64::max)
        .max(1e-12);

    let mut chart = ChartBuilder::on(&top)
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(60)
        .caption(
            format!(
                "share of the embedding energy per frequency (colour scale 0 – {top_share:.3})"
            ),
            ("sans-serif", 16),
        )
        .build_cartesian_2d(0.0..x_max, 0.5..bins as f64 + 0.5)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_label_formatter(&|v| format!("{v:.0}"))
        .x_desc("step")
        .y_label_formatter(&|v| format!("{v:.0}"))
        .y_desc("frequency k")
        .draw()?;
    for (i, (x0, share)) in columns.iter().enumerate() {
        let x1 = columns.get(i + 1).map_or(x_max, |c| c.0);
        chart.draw_series(share.iter().enumerate().map(|(j, v)| {
            let k = (j + 1) as f64;
            Rectangle::new(
                [(*x0, k - 0.5), (x1, k + 0.5)],
                ViridisRGB::get_color(v / top_share).filled(),
            )
        }))?;
    }

    let mut chart = ChartBuilder::on(&bottom)
        .margin(12)
        .x_label_area_size(32)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..x_max, 0.0..1.0)?;
    chart
        .configure_mesh()
        .x_label_formatter(&|v| format!("{v:.0}"))
        .x_desc("step")
        .y_desc("median concentration")
        .draw()?;
    draw_phase_bands(&mut chart, phases, (0.0, 1.0))?;
    let concentration: Vec<(f64, f64)> = h
        .records
        .iter()
        .filter_map(|r| r.fourier_concentration.map(|c| (r.step as f64, c)))
        .collect();
    draw_line(
        &mut chart,
        concentration,
        CONCENTRATION,
        "median per-neuron Fourier concentration",
    )?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .border_style(BLACK)
        .background_style(WHITE.mix(0.9))
        .draw()?;
    Ok(())
}
