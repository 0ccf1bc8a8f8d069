//! `grok plot`'s figures: the legend goes to the corner of the plotting area that covers the fewest
//! points, so that no point hides behind it.

use grokking::report::plot::figure::Figure;

/// The legend box of a one-panel figure's SVG: the `(x, y)` of the one unfilled rectangle with a black
/// border (the panel's frame is drawn as lines).
fn legend_box(svg: &str) -> (f64, f64) {
    let rects: Vec<&str> = svg
        .lines()
        .filter(|l| {
            l.starts_with("<rect")
                && l.contains("fill=\"none\"")
                && l.contains("stroke=\"#000000\"")
        })
        .collect();
    assert_eq!(rects.len(), 1, "one legend box: {rects:?}");
    let attr = |name: &str| -> f64 {
        let start = rects[0].find(&format!(" {name}=\"")).expect("attribute") + name.len() + 3;
        let rest = &rects[0][start..];
        rest[..rest.find('"').unwrap()].parse().unwrap()
    };
    (attr("x"), attr("y"))
}

/// A 640 x 480 figure whose one labelled series has `points` on log axes.
fn figure(points: &[(f64, f64)]) -> String {
    let points: Vec<String> = points.iter().map(|(x, y)| format!("[{x}, {y}]")).collect();
    let spec = format!(
        r#"{{"title": "t", "panels": [{{"x": {{"label": "lambda", "log": true}}, "y": {{"label": "t_grok", "log": true}},
            "series": [{{"label": "some seed never groks (drawn at the budget)", "style": "crosses", "colour": "red",
                         "points": [{}]}}]}}]}}"#,
        points.join(", ")
    );
    Figure::from_json("test", &spec).unwrap().svg().unwrap()
}

#[test]
fn the_legend_avoids_the_points() {
    // The upper-left corner is empty: the legend stays there.
    let (x, y) = legend_box(&figure(&[(1.0, 1.0), (100.0, 1.0), (100.0, 100.0)]));
    assert!(x < 320.0 && y < 240.0, "legend at ({x}, {y})");
    // A point in the upper left (like the lambda = 0.0625 budget cross of notes/figures/t8_t_grok_lambda.svg)
    // and one in the upper right: the legend goes below, to the empty lower left.
    let (x, y) = legend_box(&figure(&[(1.0, 100.0), (100.0, 100.0), (100.0, 1.0)]));
    assert!(x < 320.0 && y > 240.0, "legend at ({x}, {y})");
    // Every corner occupied but the lower right.
    let (x, y) = legend_box(&figure(&[
        (1.0, 100.0),
        (100.0, 100.0),
        (1.0, 1.0),
        (10.0, 10.0),
    ]));
    assert!(x > 100.0 && y > 240.0, "legend at ({x}, {y})");
}
