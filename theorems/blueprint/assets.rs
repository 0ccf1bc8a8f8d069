//! What the site ships besides what it renders: the vendored KaTeX (`docs/katex/`, version 0.16.47, its
//! MIT licence beside it; only the woff2 fonts, which every current browser reads), the page style and
//! script, the notes that are not a theorem's, and the figures the notes show. All embedded at compile
//! time, so the `grok` binary writes the whole site wherever it runs.

/// A file of the site: its path there, and its bytes.
pub type Asset = (&'static str, &'static [u8]);

macro_rules! katex {
    ($($file:literal),* $(,)?) => {
        &[$((concat!("katex/", $file), include_bytes!(concat!("../../docs/katex/", $file)))),*]
    };
}

/// KaTeX, under `katex/` in the site.
pub const KATEX: &[Asset] = katex![
    "LICENSE",
    "katex.min.css",
    "katex.min.js",
    "fonts/KaTeX_AMS-Regular.woff2",
    "fonts/KaTeX_Caligraphic-Bold.woff2",
    "fonts/KaTeX_Caligraphic-Regular.woff2",
    "fonts/KaTeX_Fraktur-Bold.woff2",
    "fonts/KaTeX_Fraktur-Regular.woff2",
    "fonts/KaTeX_Main-Bold.woff2",
    "fonts/KaTeX_Main-BoldItalic.woff2",
    "fonts/KaTeX_Main-Italic.woff2",
    "fonts/KaTeX_Main-Regular.woff2",
    "fonts/KaTeX_Math-BoldItalic.woff2",
    "fonts/KaTeX_Math-Italic.woff2",
    "fonts/KaTeX_SansSerif-Bold.woff2",
    "fonts/KaTeX_SansSerif-Italic.woff2",
    "fonts/KaTeX_SansSerif-Regular.woff2",
    "fonts/KaTeX_Script-Regular.woff2",
    "fonts/KaTeX_Size1-Regular.woff2",
    "fonts/KaTeX_Size2-Regular.woff2",
    "fonts/KaTeX_Size3-Regular.woff2",
    "fonts/KaTeX_Size4-Regular.woff2",
    "fonts/KaTeX_Typewriter-Regular.woff2",
];

/// The pages' style and their script (math typesetting and the load checks), at the site's root.
pub const PAGE: &[Asset] = &[
    ("style.css", include_bytes!("style.css")),
    ("render.js", include_bytes!("render.js")),
];

macro_rules! figures {
    ($($file:literal),* $(,)?) => {
        &[$((concat!("notes/figures/", $file), include_bytes!(concat!("../../notes/figures/", $file)))),*]
    };
}

/// The figures of `notes/figures/`, at the same path in the site (every one: `tests/blueprint.rs`
/// compares this list with the directory).
pub const FIGURES: &[Asset] = figures![
    "add_p113_s0.svg",
    "blueprint.png",
    "canonical_s0.svg",
    "fourier_add_p97_s0.svg",
    "phase_frac_wd.svg",
    "phase_lr_wd.svg",
    "progress_add_p97_s0.svg",
    "progress_never_wd0_f0.3_s0.svg",
    "singular_adamw_p97_s0.svg",
    "singular_muon_p97_s0.svg",
    "sub_p97_s0.svg",
    "t10_fraction.svg",
    "t1_dichotomy.svg",
    "t6_learnability.svg",
    "t7_kernel_norm.svg",
    "t8_t_grok_lambda.svg",
];

/// The notes that belong to no registered theorem, by stem (every one: `tests/blueprint.rs` compares
/// this list and the theorems' notes with `notes/`).
pub const OTHER_NOTES: &[(&str, &str)] = &[
    ("README", include_str!("../../notes/README.md")),
    ("reproduction", include_str!("../../notes/reproduction.md")),
    (
        "progress_measures",
        include_str!("../../notes/progress_measures.md"),
    ),
    (
        "optimizer_comparison",
        include_str!("../../notes/optimizer_comparison.md"),
    ),
    (
        "analytic_fourier_solution",
        include_str!("../../notes/analytic_fourier_solution.md"),
    ),
    ("accelerators", include_str!("../../notes/accelerators.md")),
];
