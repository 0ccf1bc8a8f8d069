//! A phase diagram: runs on a two-dimensional grid of hyperparameters, each classified into one of Liu
//! et al.'s four regimes ([`measure::regime`](crate::measure::regime)), written as a CSV table (one row
//! per run) and drawn as an SVG heatmap (one cell per grid point).
//!
//! A cell's regime is the most frequent among its seeds (a tie goes to the regime listed first in
//! [`Regime::ALL`]); its colour is the median $t_{gen}/t_{fit}$ of its seeds where that exists
//! (comprehension and grokking), on a logarithmic viridis scale, and flat grey for memorization (light)
//! and confusion (dark). Each cell is labelled with its regime's letter ([`Regime::letter`]), the ratio where
//! it exists, and how many of its seeds agree.

use super::plot::{render, DrawResult};
use crate::error::{ensure, Error, Result};
use crate::measure::regime::{Classified, Regime};
use crate::stats::median;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;
use serde::Serialize;
use std::path::Path;

/// One classified run of the grid.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct PhaseRun {
    /// Its value on the horizontal axis.
    pub x: f64,
    /// Its value on the vertical axis.
    pub y: f64,
    /// Its seed.
    pub seed: u64,
    /// Its classification.
    pub classified: Classified,
}

/// A grid axis: a name and its values, all positive, at least two, increasing (drawn on a log scale).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GridAxis {
    /// Its name (the CLI flag, e.g. `lr`).
    pub name: String,
    /// Its values, increasing.
    pub values: Vec<f64>,
}

impl GridAxis {
    /// The axis `name` with `values`; an error unless there are at least two, all finite, positive and
    /// distinct (they are sorted).
    pub fn new(name: &str, mut values: Vec<f64>) -> Result<Self> {
        ensure(values.len() >= 2, || {
            format!(
                "a phase-diagram axis needs at least two values; --{name} has {}",
                values.len()
            )
        })?;
        for v in &values {
            ensure(v.is_finite() && *v > 0.0, || {
                format!("--{name} is drawn on a log axis: every value must be positive, got {v}")
            })?;
        }
        values.sort_by(f64::total_cmp);
        ensure(values.windows(2).all(|w| w[0] < w[1]), || {
            format!("--{name} repeats a value")
        })?;
        Ok(GridAxis {
            name: name.into(),
            values,
        })
    }

    fn index(&self, v: f64) -> Option<usize> {
        self.values.iter().position(|&u| u == v)
    }
}

/// One grid point: its seeds' regimes summarized.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cell {
    /// Index on the horizontal axis.
    pub i: usize,
    /// Index on the vertical axis.
    pub j: usize,
    /// The most frequent regime of its runs.
    pub regime: Regime,
    /// How many of its runs are in that regime.
    pub agreeing: usize,
    /// Its runs.
    pub runs: usize,
    /// Median $t_{gen}/t_{fit}$ over its runs that have one.
    pub ratio: Option<f64>,
}

impl Cell {
    /// Its label: the regime's letter, followed by the median $t_{gen}/t_{fit}$ for comprehension and
    /// grokking (e.g. `G 12.0`).
    pub fn label(&self) -> String {
        match self.ratio {
            Some(q) if matches!(self.regime, Regime::Comprehension | Regime::Grokking) => {
                format!("{} {q:.1}", self.regime.letter())
            }
            _ => self.regime.letter().to_string(),
        }
    }
}

/// The diagram: two axes, the runs and their cells.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhaseDiagram {
    /// Horizontal axis.
    pub x: GridAxis,
    /// Vertical axis.
    pub y: GridAxis,
    /// Every run.
    pub runs: Vec<PhaseRun>,
    /// One cell per grid point with runs, row by row (`j` outer, `i` inner).
    pub cells: Vec<Cell>,
}

impl PhaseDiagram {
    /// Gathers `runs` into cells; an error if a run lies off the grid or a grid point has no run.
    pub fn new(x: GridAxis, y: GridAxis, runs: Vec<PhaseRun>) -> Result<Self> {
        let mut grouped = vec![Vec::new(); x.values.len() * y.values.len()];
        for r in &runs {
            let (i, j) = x.index(r.x).zip(y.index(r.y)).ok_or_else(|| {
                Error::InvalidConfig(format!(
                    "a run at {}={}, {}={} lies off the grid",
                    x.name, r.x, y.name, r.y
                ))
            })?;
            grouped[j * x.values.len() + i].push(r.classified);
        }
        let mut cells = Vec::with_capacity(grouped.len());
        for (k, group) in grouped.iter().enumerate() {
            let (i, j) = (k % x.values.len(), k / x.values.len());
            ensure(!group.is_empty(), || {
                format!(
                    "no run at {}={}, {}={}",
                    x.name, x.values[i], y.name, y.values[j]
                )
            })?;
            let count = |g: Regime| group.iter().filter(|c| c.regime == g).count();
            let (regime, agreeing) = Regime::ALL.iter().map(|&g| (g, count(g))).fold(
                (Regime::ALL[0], 0),
                |best, cur| {
                    if cur.1 > best.1 {
                        cur
                    } else {
                        best
                    }
                },
            );
            let mut ratios: Vec<f64> = group.iter().filter_map(Classified::ratio).collect();
            cells.push(Cell {
                i,
                j,
                regime,
                agreeing,
                runs: group.len(),
                ratio: median(&mut ratios),
            });
        }
        Ok(PhaseDiagram { x, y, runs, cells })
    }

    /// The cell at grid indices `(i, j)`.
    pub fn cell(&self, i: usize, j: usize) -> Option<&Cell> {
        (i < self.x.values.len() && j < self.y.values.len())
            .then(|| &self.cells[j * self.x.values.len() + i])
    }

    /// The runs as CSV: `x, y, seed, regime, t_fit, t_gen, ratio` (the axes under their names; absent
    /// values empty).
    pub fn csv(&self) -> Result<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let out = |e: csv::Error| Error::output("phase_diagram.csv", e);
        w.write_record([
            self.x.name.as_str(),
            self.y.name.as_str(),
            "seed",
            "regime",
            "t_fit",
            "t_gen",
            "ratio",
        ])
        .map_err(out)?;
        let opt = |v: Option<String>| v.unwrap_or_default();
        for r in &self.runs {
            let c = &r.classified;
            w.write_record([
                r.x.to_string(),
                r.y.to_string(),
                r.seed.to_string(),
                c.regime.name().to_string(),
                opt(c.t_fit.map(|t| t.to_string())),
                opt(c.t_gen.map(|t| t.to_string())),
                opt(c.ratio().map(|q| q.to_string())),
            ])
            .map_err(out)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| Error::output("phase_diagram.csv", e))?;
        String::from_utf8(bytes).map_err(|e| Error::output("phase_diagram.csv", e))
    }

    /// The heatmap as SVG, with `title` on top.
    pub fn svg(&self, title: &str) -> Result<String> {
        render("phase_diagram.svg", (860, 640), |root| {
            self.draw(root, title)
        })
    }

    /// Writes `<stem>.csv` and `<stem>.svg` into `dir`, each atomically.
    pub fn write(&self, dir: &Path, stem: &str, title: &str) -> Result<()> {
        let (csv, svg) = (self.csv()?, self.svg(title)?);
        super::write_atomic(&dir.join(format!("{stem}.csv")), csv.as_bytes())?;
        super::write_atomic(&dir.join(format!("{stem}.svg")), svg.as_bytes())
    }

    /// The range of $\log_{10}$ of the cells' ratios (`(0, 1)` when none has one).
    fn log_ratio_range(&self) -> (f64, f64) {
        let logs = self.cells.iter().filter_map(|c| c.ratio).map(f64::log10);
        let lo = logs.clone().fold(f64::INFINITY, f64::min).min(0.0);
        let hi = logs.fold(f64::NEG_INFINITY, f64::max);
        if hi.is_finite() && hi > lo {
            (lo, hi)
        } else {
            (lo, lo + 1.0)
        }
    }

    fn draw(
        &self,
        root: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
        title: &str,
    ) -> DrawResult {
        root.fill(&WHITE)?;
        let root = root.titled(title, ("sans-serif", 18))?;
        let (main, bar) = root.split_horizontally(720);
        let (nx, ny) = (self.x.values.len(), self.y.values.len());
        let mut chart = ChartBuilder::on(&main)
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(0.0..nx as f64, 0.0..ny as f64)?;
        let label = |values: &[f64], v: f64| {
            let k = v - 0.5;
            if (k - k.round()).abs() < 1e-9 && k >= 0.0 && (k as usize) < values.len() {
                format!("{}", values[k as usize])
            } else {
                String::new()
            }
        };
        let (xs, ys) = (self.x.values.clone(), self.y.values.clone());
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(2 * nx + 1)
            .y_labels(2 * ny + 1)
            .x_label_formatter(&|v| label(&xs, *v))
            .y_label_formatter(&|v| label(&ys, *v))
            .x_desc(format!("{} (log grid)", self.x.name))
            .y_desc(format!("{} (log grid)", self.y.name))
            .draw()?;
        let (lo, hi) = self.log_ratio_range();
        for c in &self.cells {
            let fill = match (c.regime, c.ratio) {
                (Regime::Memorization, _) => RGBColor(205, 205, 205),
                (Regime::Confusion, _) => RGBColor(90, 90, 90),
                (_, Some(q)) => ViridisRGB::get_color((q.log10() - lo) / (hi - lo)),
                (_, None) => RGBColor(255, 255, 255),
            };
            let (x0, y0) = (c.i as f64, c.j as f64);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x0, y0), (x0 + 1.0, y0 + 1.0)],
                fill.filled(),
            )))?;
            let text = c.label();
            let light = matches!(c.regime, Regime::Confusion)
                || c.ratio.is_some_and(|q| (q.log10() - lo) / (hi - lo) < 0.5);
            let colour = if light { WHITE } else { BLACK };
            chart.draw_series(std::iter::once(Text::new(
                format!("{text} ({}/{})", c.agreeing, c.runs),
                (x0 + 0.06, y0 + 0.6),
                ("sans-serif", 11).into_font().color(&colour),
            )))?;
        }
        // The colour bar: log10 of t_gen / t_fit.
        let mut scale = ChartBuilder::on(&bar)
            .margin_top(60)
            .margin_bottom(60)
            .margin_right(50)
            .y_label_area_size(56)
            .build_cartesian_2d(0.0..1.0, lo..hi)?;
        scale
            .configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_label_formatter(&|v| format!("{:.1}", 10f64.powf(*v)))
            .y_label_style(("sans-serif", 12))
            .y_labels(8)
            .draw()?;
        let steps = 64;
        scale.draw_series((0..steps).map(|k| {
            let (a, b) = (k as f64 / steps as f64, (k + 1) as f64 / steps as f64);
            Rectangle::new(
                [(0.0, lo + a * (hi - lo)), (1.0, lo + b * (hi - lo))],
                ViridisRGB::get_color(0.5 * (a + b)).filled(),
            )
        }))?;
        bar.draw(&Text::new(
            "t_gen / t_fit",
            (4, 30),
            ("sans-serif", 13).into_font(),
        ))?;
        bar.draw(&Text::new(
            "C comprehension, G grokking,",
            (4, 590),
            ("sans-serif", 10).into_font(),
        ))?;
        bar.draw(&Text::new(
            "M memorization, X confusion",
            (4, 604),
            ("sans-serif", 10).into_font(),
        ))?;
        Ok(())
    }
}
