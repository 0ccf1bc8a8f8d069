//! `singular.svg`: the largest singular values of $W_1$ (top) and $W_2$ (bottom) against the step (log axis,
//! step 0 drawn at 1), one line per rank $k=1,\dots,$ [`RANKS`], darker for larger ones; a dashed line marks
//! $t_{mem}$.

use super::{render, DrawResult};
use crate::error::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::path::Path;

const SIZE: (u32, u32) = (960, 720);
/// Singular values drawn per layer.
pub const RANKS: usize = 8;
const MARK_MEM: RGBColor = RGBColor(120, 120, 120);

/// One layer's singular values (descending) at each recorded step.
pub type Trajectory = [(u64, Vec<f64>)];

/// Renders the singular-value trajectories of both layers.
pub fn singular_svg(
    w1: &Trajectory,
    w2: &Trajectory,
    t_mem: Option<u64>,
    title: &str,
) -> Result<String> {
    if w1.len() < 2 || w2.len() < 2 {
        return Err(Error::output(
            "singular.svg",
            "need at least two recorded steps",
        ));
    }
    render("singular.svg", SIZE, |root| {
        let root = root.titled(title, ("sans-serif", 20))?;
        let panels = root.split_evenly((2, 1));
        for (area, (name, layer)) in panels
            .iter()
            .zip([("W1 (embedding)", w1), ("W2 (readout)", w2)])
        {
            draw_layer(area, name, layer, t_mem)?;
        }
        Ok(())
    })
}

/// Writes [`singular_svg`] to `path` atomically.
pub fn write_singular(
    path: &Path,
    w1: &Trajectory,
    w2: &Trajectory,
    t_mem: Option<u64>,
    title: &str,
) -> Result<()> {
    crate::report::write_atomic(path, singular_svg(w1, w2, t_mem, title)?.as_bytes())
}

fn draw_layer(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    name: &str,
    layer: &Trajectory,
    t_mem: Option<u64>,
) -> DrawResult {
    let x = |step: u64| (step as f64).max(1.0);
    let x_max = x(layer.last().expect("non-empty").0).max(10.0);
    let y_max = layer
        .iter()
        .filter_map(|(_, s)| s.first().copied())
        .fold(0.0, f64::max)
        * 1.05;
    let mut chart = ChartBuilder::on(area)
        .caption(format!("singular values of {name}"), ("sans-serif", 16))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(55)
        .build_cartesian_2d((1.0..x_max).log_scale(), 0.0..y_max.max(1e-12))?;
    chart
        .configure_mesh()
        .x_desc("step")
        .y_desc("sigma_k")
        .draw()?;
    for k in 0..RANKS {
        let shade = (40 + 25 * k).min(220) as u8;
        let color = RGBColor(shade / 2, shade / 2, 255 - shade / 2);
        let points: Vec<(f64, f64)> = layer
            .iter()
            .filter_map(|(step, s)| s.get(k).map(|&v| (x(*step), v)))
            .collect();
        let series = chart.draw_series(LineSeries::new(points, color.stroke_width(2)))?;
        if k == 0 || k + 1 == RANKS {
            series
                .label(format!("sigma_{}", k + 1))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
        }
    }
    if let Some(t) = t_mem {
        chart
            .draw_series(DashedLineSeries::new(
                vec![(x(t), 0.0), (x(t), y_max)],
                6,
                4,
                MARK_MEM.stroke_width(2),
            ))?
            .label("t_mem")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], MARK_MEM.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .border_style(BLACK)
        .background_style(WHITE.mix(0.9))
        .draw()?;
    Ok(())
}
