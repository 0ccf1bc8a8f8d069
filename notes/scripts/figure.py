"""The notes' scripts' shared paths, and their figures drawn by the crate (`grok plot`).

Environment (set by notes/scripts/regenerate.sh; the defaults are the full mode's):
  RUNS     where the sweeps' data lie (default runs; the quick mode's: runs/quick)
  FIGURES  where figures are written (default notes/figures; the quick mode's: runs/quick/figures)
  GROK     the grok binary (default target/release/grok)
Standard library only.
"""
import json
import os
import subprocess
from pathlib import Path

RUNS = Path(os.environ.get("RUNS", "runs"))
FIGURES = Path(os.environ.get("FIGURES", "notes/figures"))
GROK = os.environ.get("GROK", "target/release/grok")


def panel(title, x, y, series, logx=False, logy=False):
    """One chart: axis labels x and y, series from `series(...)`."""
    return {"title": title, "x": {"label": x, "log": logx}, "y": {"label": y, "log": logy}, "series": series}


def series(label, style, colour, points):
    """Points (x, y) drawn as points, crosses, line, dashed or line_points in a named colour."""
    return {"label": label, "style": style, "colour": colour, "points": [[float(x), float(y)] for x, y in points]}


def draw(name, title, panels, size=None):
    """Writes FIGURES/name.svg with `grok plot`, its spec kept in RUNS/figures/name.json."""
    if os.environ.get("QUICK"):
        title = f"[quick: small sizes] {title}"
    spec = {"title": title, "panels": panels}
    if size:
        spec["size"] = list(size)
    spec_path = RUNS / "figures" / f"{name}.json"
    spec_path.parent.mkdir(parents=True, exist_ok=True)
    spec_path.write_text(json.dumps(spec, indent=1))
    FIGURES.mkdir(parents=True, exist_ok=True)
    out = FIGURES / f"{name}.svg"
    subprocess.run([GROK, "plot", str(spec_path), "--out", str(out)], check=True)
    print(f"figure: {out}")
