#!/usr/bin/env python3
"""T5 in training: the singular values of W1 or of its gradient (from `grok singular`: singular_w1.csv,
singular_g1.csv) against the Marchenko-Pastur edge of a matched random matrix: an m x n matrix with i.i.d.
centred entries of the same Frobenius norm has largest singular value about sigma (sqrt(m) + sqrt(n)), sigma^2 = |W|_F^2 / (m n).
Prints, at chosen steps, the number of singular values above that edge and sigma_1 / edge.
usage: notes/scripts/t5_mp_edge.py DIR ROWS COLS [FILE]   (e.g. runs/singular_adamw 256 194 for the canonical W1;
       FILE defaults to singular_w1.csv, singular_g1.csv for the gradient of the training loss)"""
import csv
import math
import sys


def main(directory, m, n, file="singular_w1.csv"):
    rows = list(csv.reader(open(f"{directory}/{file}")))[1:]
    print("| step | above the edge | sigma_1 / edge |")
    print("|---|---|---|")
    worst = 0.0
    first = None
    for r in rows:
        step, s = int(r[0]), [float(x) for x in r[1:]]
        sigma = math.sqrt(sum(v * v for v in s) / (m * n))
        edge = sigma * (math.sqrt(m) + math.sqrt(n))
        above = sum(1 for v in s if v > edge)
        if step > 0:
            worst = max(worst, s[0] / edge)
        if above and first is None:
            first = step
        if step in (0, 100, 200, 500, 1000, 2000, 3000):
            print(f"| {step} | {above} | {s[0] / edge:.3f} |")
    print(f"\nlargest sigma_1 / edge after step 0: {worst:.3f}; first step with a singular value above the edge: {first}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), *sys.argv[4:5])
