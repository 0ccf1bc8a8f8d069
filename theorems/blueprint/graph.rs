//! The dependency graph of the theorems, drawn as inline SVG: a layered layout in which a theorem sits
//! one row below the deepest theorem it uses, arrows from each used theorem to its user, each node a
//! link to its card, filled at its foot by the status labels of its checks (in proportion to their
//! counts) and framed by its verdict.

use super::{escape, Verdict};
use crate::Status;
use grokking::error::{Error, Result};
use std::fmt::Write;

/// How many status labels there are.
pub const LABELS: usize = Status::ALL.len();

/// The status labels in the order their shares are drawn, with their colours (also the legend's).
pub const STATUS_COLOURS: [(Status, &str); LABELS] = [
    (Status::Proved, "#1b7f3b"),
    (Status::ProvedUnderAssumptions, "#8bc34a"),
    (Status::DerivedAtLeadingOrder, "#00acc1"),
    (Status::Empirical, "#1e88e5"),
    (Status::FalseAsStated, "#e65100"),
];

/// The colour of a node whose checks did not run.
pub const NOT_RUN_COLOUR: &str = "#bdbdbd";

/// One theorem in the graph.
pub struct Node<'a> {
    /// Its id, the node's label and the anchor of its card.
    pub id: &'a str,
    /// Its one-line name (the node's tooltip).
    pub name: &'a str,
    /// The indices of the theorems it uses.
    pub uses: Vec<usize>,
    /// How many of its checks carry each label of [`STATUS_COLOURS`], in that order.
    pub shares: [usize; LABELS],
    /// Its verdict.
    pub verdict: Verdict,
}

const NODE_W: f64 = 136.0;
const NODE_H: f64 = 42.0;
const BAR_H: f64 = 9.0;
const GAP_X: f64 = 22.0;
const GAP_Y: f64 = 58.0;
const MARGIN: f64 = 12.0;

/// The row of each node: 0 for a theorem that uses none, else one more than the deepest it uses.
/// Fails on a cycle of `uses`.
pub fn levels(nodes: &[Node]) -> Result<Vec<usize>> {
    fn visit(
        i: usize,
        nodes: &[Node],
        level: &mut [Option<usize>],
        path: &mut Vec<usize>,
    ) -> Result<usize> {
        if let Some(l) = level[i] {
            return Ok(l);
        }
        if path.contains(&i) {
            let cycle: Vec<&str> = path.iter().map(|&j| nodes[j].id).collect();
            return Err(Error::InvalidConfig(format!(
                "the notes' `uses:` form a cycle through {} and {}",
                cycle.join(" → "),
                nodes[i].id
            )));
        }
        path.push(i);
        let mut l = 0;
        for &u in &nodes[i].uses {
            l = l.max(visit(u, nodes, level, path)? + 1);
        }
        path.pop();
        level[i] = Some(l);
        Ok(l)
    }
    let mut level = vec![None; nodes.len()];
    for i in 0..nodes.len() {
        visit(i, nodes, &mut level, &mut Vec::new())?;
    }
    Ok(level.into_iter().map(|l| l.unwrap_or(0)).collect())
}

/// The top-left corner of each node. Row 0 keeps ledger order; a later row is ordered by the mean
/// horizontal position of what each node uses (ties in ledger order), so arrows cross less. Rows are
/// centred on the widest.
fn layout(nodes: &[Node], level: &[usize]) -> (Vec<(f64, f64)>, f64, f64) {
    let rows = level.iter().max().map_or(0, |&m| m + 1);
    let widest = (0..rows)
        .map(|r| level.iter().filter(|&&l| l == r).count())
        .max()
        .unwrap_or(0);
    let width = 2.0 * MARGIN + widest as f64 * NODE_W + widest.saturating_sub(1) as f64 * GAP_X;
    let mut at = vec![(0.0, 0.0); nodes.len()];
    for r in 0..rows {
        let mut row: Vec<(f64, usize)> = (0..nodes.len())
            .filter(|&i| level[i] == r)
            .map(|i| {
                let uses = &nodes[i].uses;
                let key = if uses.is_empty() {
                    i as f64
                } else {
                    uses.iter().map(|&u| at[u].0).sum::<f64>() / uses.len() as f64
                };
                (key, i)
            })
            .collect();
        row.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let span = row.len() as f64 * NODE_W + row.len().saturating_sub(1) as f64 * GAP_X;
        let left = (width - span) / 2.0;
        for (k, &(_, i)) in row.iter().enumerate() {
            at[i] = (
                left + k as f64 * (NODE_W + GAP_X),
                MARGIN + r as f64 * (NODE_H + GAP_Y),
            );
        }
    }
    let height = 2.0 * MARGIN + rows as f64 * NODE_H + rows.saturating_sub(1) as f64 * GAP_Y;
    (at, width, height)
}

/// The graph as an `<svg>` element.
pub fn svg(nodes: &[Node]) -> Result<String> {
    let level = levels(nodes)?;
    let (at, width, height) = layout(nodes, &level);
    let mut s = String::new();
    let w =
        |s: &mut String, args: std::fmt::Arguments| s.write_fmt(args).expect("writing to a String");
    w(
        &mut s,
        format_args!(
            "<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" \
             width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"dependency graph of the theorems\">\n\
             <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" \
             markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/></marker></defs>\n"
        ),
    );
    for (i, node) in nodes.iter().enumerate() {
        let (x2, y2) = (at[i].0 + NODE_W / 2.0, at[i].1);
        for &u in &node.uses {
            let (x1, y1) = (at[u].0 + NODE_W / 2.0, at[u].1 + NODE_H);
            let mid = (y1 + y2) / 2.0;
            w(
                &mut s,
                format_args!(
                    "<path class=\"edge\" data-from=\"{}\" data-to=\"{}\" d=\"M {x1} {y1} C {x1} {mid} {x2} {mid} {x2} {y2}\" \
                     fill=\"none\" stroke=\"#555\" stroke-width=\"1.3\" marker-end=\"url(#arrow)\"/>\n",
                    escape(nodes[u].id),
                    escape(node.id)
                ),
            );
        }
    }
    for (i, node) in nodes.iter().enumerate() {
        let (x, y) = at[i];
        let id = escape(node.id);
        let total: usize = node.shares.iter().sum();
        let counts: Vec<String> = STATUS_COLOURS
            .iter()
            .zip(node.shares)
            .filter(|(_, n)| *n > 0)
            .map(|((status, _), n)| format!("{status} ×{n}"))
            .collect();
        let tooltip = format!(
            "{} — {} ({}{})",
            node.id,
            node.name,
            node.verdict.word(),
            if counts.is_empty() {
                String::new()
            } else {
                format!("; {}", counts.join(", "))
            }
        );
        w(
            &mut s,
            format_args!(
                "<a href=\"#{id}\" class=\"node {}\" data-id=\"{id}\"><title>{}</title>\n\
                 <rect x=\"{x}\" y=\"{y}\" width=\"{NODE_W}\" height=\"{NODE_H}\" fill=\"#fff\"/>\n",
                node.verdict.class(),
                escape(&tooltip)
            ),
        );
        let bar_y = y + NODE_H - BAR_H;
        if total == 0 {
            w(
                &mut s,
                format_args!(
                    "<rect x=\"{x}\" y=\"{bar_y}\" width=\"{NODE_W}\" height=\"{BAR_H}\" fill=\"{NOT_RUN_COLOUR}\"/>\n"
                ),
            );
        } else {
            let mut left = x;
            for ((_, colour), n) in STATUS_COLOURS.iter().zip(node.shares) {
                let part = NODE_W * n as f64 / total as f64;
                if n > 0 {
                    w(
                        &mut s,
                        format_args!(
                            "<rect x=\"{left}\" y=\"{bar_y}\" width=\"{part}\" height=\"{BAR_H}\" fill=\"{colour}\"/>\n"
                        ),
                    );
                }
                left += part;
            }
        }
        w(
            &mut s,
            format_args!(
                "<rect class=\"frame\" x=\"{x}\" y=\"{y}\" width=\"{NODE_W}\" height=\"{NODE_H}\" fill=\"none\"/>\n\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{id}</text></a>\n",
                x + NODE_W / 2.0,
                y + (NODE_H - BAR_H) / 2.0 + 5.0
            ),
        );
    }
    s.push_str("</svg>");
    Ok(s)
}
