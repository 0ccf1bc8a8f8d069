#!/usr/bin/env python3
"""T5 in training: the singular values of W1 or of its gradient (from `grok singular`: singular_w1.csv,
singular_g1.csv) against the Marchenko-Pastur edge of a matched random matrix: an m x n matrix with i.i.d.
centred entries of the same Frobenius norm has largest singular value about sigma (sqrt(m) + sqrt(n)),
sigma^2 = |W|_F^2 / (m n). With one run directory: the number of singular values above that edge and
sigma_1 / edge at chosen steps. With several (seeds): one line per run with the largest sigma_1 / edge after
step 0 (and its step) and the count above the edge at chosen steps, then the medians.
With FILE = singular_g1.csv and several runs, also how many of the gradient's directions above the edge
(among its 16 leading ones) are Fourier-aligned: concentration >= 0.5 in singular_g1_fourier.csv (a random
direction has about 0.1, one frequency in a and b has 1).
usage: notes/scripts/t5_mp_edge.py DIR... ROWS COLS [FILE]   (e.g. runs/singular_adamw 256 194 for the
       canonical W1; FILE defaults to singular_w1.csv, singular_g1.csv for the gradient of the training loss)"""
import csv
import math
import statistics
import sys

STEPS = (0, 100, 200, 500, 1000, 2000, 3000)


def edge_profile(directory, m, n, file):
    """(step, number of singular values above the edge, sigma_1 / edge) at every recorded step."""
    out = []
    for r in list(csv.reader(open(f"{directory}/{file}")))[1:]:
        step, s = int(r[0]), [float(x) for x in r[1:]]
        sigma = math.sqrt(sum(v * v for v in s) / (m * n))
        edge = sigma * (math.sqrt(m) + math.sqrt(n))
        out.append((step, sum(1 for v in s if v > edge), s[0] / edge))
    return out


ALIGNED = 0.5
LEADING_STEPS = (0, 200, 500, 1000, 1500, 2000, 2500, 3000)


def concentrations(directory):
    """{step: Fourier concentrations of the W1 gradient's leading directions} from singular_g1_fourier.csv,
    or None when the run has no such file."""
    try:
        rows = list(csv.reader(open(f"{directory}/singular_g1_fourier.csv")))[1:]
    except FileNotFoundError:
        return None
    return {int(r[0]): [float(x) for x in r[1:]] for r in rows}


def median_or_dash(values):
    values = [v for v in values if v is not None]
    return f"{statistics.median(values):g}" if values else "-"


def one_run(directory, m, n, file):
    profile = edge_profile(directory, m, n, file)
    print("| step | above the edge | sigma_1 / edge |")
    print("|---|---|---|")
    for step, above, ratio in profile:
        if step in STEPS:
            print(f"| {step} | {above} | {ratio:.3f} |")
    worst = max(ratio for step, _, ratio in profile if step > 0)
    first = next((step for step, above, _ in profile if above), None)
    print(f"\nlargest sigma_1 / edge after step 0: {worst:.3f}; first step with a singular value above the edge: {first}")


def seeds(directories, m, n, file):
    print("| run | largest sigma_1 / edge after step 0 (step) | " + " | ".join(f"above at {t}" for t in STEPS) + " |")
    print("|---|---|" + "---|" * len(STEPS))
    counts = {t: [] for t in STEPS}
    peaks = []
    profiles = {}
    for d in directories:
        profile = profiles[d] = edge_profile(d, m, n, file)
        step, _, worst = max(((s, a, r) for s, a, r in profile if s > 0), key=lambda x: x[2])
        peaks.append(worst)
        at = {s: a for s, a, _ in profile}
        for t in STEPS:
            counts[t].append(at.get(t))
        print(f"| {d} | {worst:.3f} ({step}) | " + " | ".join(str(at.get(t, "-")) for t in STEPS) + " |")
    print(f"| median | {statistics.median(peaks):.3f} | "
          + " | ".join(median_or_dash(counts[t]) for t in STEPS) + " |")
    if file != "singular_g1.csv":
        return
    conc = {d: concentrations(d) for d in directories}
    if any(c is None for c in conc.values()):
        return
    print("\nFourier-aligned (concentration >= 0.5) / above the edge, among the leading 16 directions:\n")
    print("| run | " + " | ".join(f"step {t}" for t in STEPS) + " |")
    print("|---|" + "---|" * len(STEPS))
    for d in directories:
        aligned = {step: (above, sum(1 for c in conc[d][step][:above] if c >= ALIGNED))
                   for step, above, _ in profiles[d]}
        print(f"| {d} | " + " | ".join(f"{aligned[t][1]}/{aligned[t][0]}" if t in aligned else "-" for t in STEPS) + " |")
    print("\nConcentration of the leading direction (random: about 0.07 at p = 97), and the first step where it"
          " reaches 0.5:\n")
    print("| run | " + " | ".join(f"step {t}" for t in LEADING_STEPS) + " | first >= 0.5 |")
    print("|---|" + "---|" * (len(LEADING_STEPS) + 1))
    for d in directories:
        leading = {step: c[0] for step, c in conc[d].items()}
        first = next((t for t in sorted(leading) if leading[t] >= ALIGNED), None)
        print(f"| {d} | " + " | ".join(f"{leading[t]:.2f}" if t in leading else "-" for t in LEADING_STEPS)
              + f" | {first if first is not None else '-'} |")


def main(argv):
    file = "singular_w1.csv"
    if not argv[-1].isdigit():
        file, argv = argv[-1], argv[:-1]
    *directories, m, n = argv
    if len(directories) == 1:
        one_run(directories[0], int(m), int(n), file)
    else:
        seeds(directories, int(m), int(n), file)


if __name__ == "__main__":
    main(sys.argv[1:])
