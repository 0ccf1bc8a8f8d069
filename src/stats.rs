//! Small statistics shared by the measures and the claims: the median, least-squares slopes with
//! their standard errors, and least-squares lines with their residuals.

/// Median of `xs` (`None` for an empty slice); sorts `xs`.
pub fn median(xs: &mut [f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    Some(if n % 2 == 1 {
        xs[n / 2]
    } else {
        0.5 * (xs[n / 2 - 1] + xs[n / 2])
    })
}

/// The least-squares slope $b=\sum_i(x_i-\bar x)(y_i-\bar y)/\sum_i(x_i-\bar x)^2$ of $y$ against $x$ through
/// `points` $(x,y)$; `None` with fewer than two distinct $x$.
pub fn least_squares_slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    let (mx, my) = (
        points.iter().map(|p| p.0).sum::<f64>() / n,
        points.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// The least-squares slope $b$ of $y$ against $x$ with its standard error
/// $\sqrt{\sum_i r_i^2/((n-2)\sum_i(x_i-\bar x)^2)}$ ($r_i$ the residuals of the fitted line); `None` with fewer
/// than three points or two distinct $x$.
pub fn slope_with_standard_error(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    if points.len() < 3 {
        return None;
    }
    let b = least_squares_slope(points)?;
    let n = points.len() as f64;
    let (mx, my) = (
        points.iter().map(|p| p.0).sum::<f64>() / n,
        points.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let rss: f64 = points
        .iter()
        .map(|p| (p.1 - my - b * (p.0 - mx)).powi(2))
        .sum();
    Some((b, (rss / ((n - 2.0) * sxx)).sqrt()))
}

/// A least-squares line $y=a+bx$ with its residual sum of squares $\sum_i(y_i-a-bx_i)^2$.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LineFit {
    /// $a$.
    pub intercept: f64,
    /// $b$.
    pub slope: f64,
    /// The residual sum of squares.
    pub rss: f64,
}

/// The least-squares line through `points` $(x,y)$; `None` with fewer than two distinct $x$.
pub fn fit_line(points: &[(f64, f64)]) -> Option<LineFit> {
    let slope = least_squares_slope(points)?;
    let n = points.len() as f64;
    let (mx, my) = (
        points.iter().map(|p| p.0).sum::<f64>() / n,
        points.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let intercept = my - slope * mx;
    let rss = points
        .iter()
        .map(|p| (p.1 - intercept - slope * p.0).powi(2))
        .sum();
    Some(LineFit {
        intercept,
        slope,
        rss,
    })
}
