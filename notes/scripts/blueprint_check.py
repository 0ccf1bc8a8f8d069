#!/usr/bin/env python3
"""The blueprint in a real browser: headless Chromium loads every page that `grok check --html DIR` wrote.

    python3 notes/scripts/blueprint_check.py DIR [--screenshot notes/figures/blueprint.png]

For each page (the ledger and every note) it checks that the browser's console stays empty: the pages
log every formula KaTeX cannot typeset, every font, script, style sheet or image that does not load,
and Chromium logs every uncaught script error. It checks that each note finished typesetting (its
<body> carries data-rendered="yes", set by render.js) with no formula left in error, and that the ledger
shows a card and a graph node for every theorem the notes register (front matter `id:` with a `module:`
under theorems/, read here from notes/*.md, not from the site). With --screenshot it saves the ledger
page as a PNG. Exits non-zero on the first kind of failure, after listing every instance of it.

Needs Debian's `chromium` (apt-get install chromium), or CHROMIUM=/path/to/chrome. Standard library only.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = re.compile(r":CONSOLE[^\]]*\] (.*)")


def chromium(*args):
    """Runs headless Chromium with `args`; returns (stdout, console lines)."""
    binary = os.environ.get("CHROMIUM", "chromium")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--enable-logging=stderr",
                "--v=0",
                "--virtual-time-budget=10000",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    if done.returncode != 0:
        sys.exit(f"chromium exited with {done.returncode}: {done.stderr[-2000:]}")
    return done.stdout, [m.group(1) for m in CONSOLE.finditer(done.stderr)]


def registered_ids():
    """The theorem ids that the notes' front matter registers (a `module:` under theorems/)."""
    ids = []
    for note in sorted((ROOT / "notes").glob("*.md")):
        text = note.read_text()
        if not text.startswith("---\n"):
            continue
        front = text[4:].split("\n---\n", 1)[0]
        fields = dict(line.split(": ", 1) for line in front.splitlines() if ": " in line)
        if fields.get("module", "").startswith("theorems/"):
            ids.append(fields["id"].strip())
    return ids


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the directory `grok check --html` wrote")
    parser.add_argument("--screenshot", type=Path, help="save the ledger page here (PNG)")
    args = parser.parse_args()
    site = args.site.resolve()
    index = site / "index.html"
    if not index.is_file():
        sys.exit(f"{index} does not exist: run grok check --html {args.site} first")
    pages = [index] + sorted((site / "notes").glob("*.html"))
    failures = []
    for page in pages:
        dom, console = chromium("--dump-dom", page.as_uri())
        name = page.relative_to(site)
        failures += [f"{name}: console: {line}" for line in console]
        if page != index:
            if 'data-rendered="yes"' not in dom:
                failures.append(f"{name}: render.js did not finish (no data-rendered on <body>)")
            if "math-error" in dom:
                failures.append(f"{name}: a formula is left in error")
            if 'class="math ' in dom and 'class="katex"' not in dom:
                failures.append(f"{name}: the math was not typeset")
        else:
            ids = registered_ids()
            if not ids:
                failures.append("no theorem found in notes/*.md front matter")
            for theorem in ids:
                if not re.search(rf'<article class="card [a-z-]+" id="{re.escape(theorem)}"', dom):
                    failures.append(f"{name}: no card for {theorem}")
                if f'data-id="{theorem}"' not in dom:
                    failures.append(f"{name}: no graph node for {theorem}")
            cards = len(re.findall(r'<article class="card ', dom))
            if cards != len(ids):
                failures.append(f"{name}: {cards} cards for {len(ids)} registered theorems")
    if failures:
        print("\n".join(failures))
        sys.exit(f"blueprint check failed: {len(failures)} problem(s) in {len(pages)} pages")
    print(f"blueprint check: {len(pages)} pages load with an empty console; every note's math typeset; "
          f"{len(registered_ids())} theorem cards and graph nodes")
    if args.screenshot:
        args.screenshot.parent.mkdir(parents=True, exist_ok=True)
        _, console = chromium(
            "--hide-scrollbars",
            "--window-size=1280,1500",
            f"--screenshot={args.screenshot.resolve()}",
            index.as_uri(),
        )
        if console:
            sys.exit("console while taking the screenshot: " + "; ".join(console))
        print(f"screenshot: {args.screenshot}")


if __name__ == "__main__":
    main()
