"""Award results at scale, beside a plain numpy computation of the same figures in the same run.

    python benchmarks/bench_awards.py [--entries 1000] [--jurors 10] [--runs 7]
                                      [--aggregate trimmed_mean]

Every juror scores every entry on the six criteria of the UN-Habitat/Dubai rubric (shipped
YAML; aggregate overridable). Jurors have their own leniency, entries their own merit, plus
noise. Times, as the median of several runs: registry.scoring checking the score rows and
laying out the table, registry.scoring computing the full results (weighted totals, per-juror
normalisation, aggregates, ranks, spread, Krippendorff's alpha per criterion and overall,
result objects), and plain numpy computing the same figures from the same array. Checks that
both agree and that the full results take under 0.5 s; exits 1 otherwise.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from plugins.rubrics import load_yaml
from registry.rubrics import Rubric, load_rubric
from registry.scoring import Results, Score, ScoreTable, build_table, compute_results

GOAL_SECONDS = 0.5
TRIM = 0.2


def make_scores(rubric: Rubric, entries: int, jurors: int, seed: int = 11) -> list[Score]:
    """Integer points 0..10 from entry merit + juror leniency + noise, every juror everywhere."""
    rng = np.random.default_rng(seed)
    merit = rng.normal(5.5, 1.5, size=(entries, 1, 1))
    leniency = np.linspace(-2, 2, jurors).reshape(1, jurors, 1)
    noise = rng.normal(0, 1, size=(entries, jurors, len(rubric.criteria)))
    points = np.clip(np.rint(merit + leniency + noise), rubric.scale.min, rubric.scale.max)
    ids = [c.id for c in rubric.criteria]
    return [
        Score(f"E{e:05d}", f"J{j:02d}", ids[c], float(points[e, j, c]))
        for e in range(entries) for j in range(jurors) for c in range(len(ids))
    ]


def plain_numpy(values: np.ndarray, weights: np.ndarray, method: str) -> dict[str, np.ndarray]:
    """The same figures, written the obvious way for a full table (no N/A, no gaps)."""
    totals = values @ weights
    juror_mean, juror_sd = totals.mean(axis=0), totals.std(axis=0)
    z = (totals - juror_mean) / juror_sd
    normalised = juror_mean.mean() + juror_sd.mean() * z

    def combine(x: np.ndarray) -> np.ndarray:
        if method == "sum_of_jurors":
            return x.sum(axis=1)
        if method == "mean":
            return x.mean(axis=1)
        if method == "median":
            return np.median(x, axis=1)
        cut = int(np.floor(TRIM * x.shape[1]))
        return np.sort(x, axis=1)[:, cut:x.shape[1] - cut].mean(axis=1)

    def rank(x: np.ndarray) -> np.ndarray:
        r = np.round(x, 9)
        return 1 + (r[None, :] > r[:, None]).sum(axis=1)

    def alpha(x: np.ndarray) -> float:
        units, coders = x.shape
        n = units * coders
        observed = (2 * coders * x.var(axis=1) * coders / (coders - 1)).sum() / n
        expected = 2 * n * x.var() * n / (n * (n - 1))
        return 1 - observed / expected

    raw_agg, norm_agg = combine(totals), combine(normalised)
    return {
        "totals": totals,
        "z": z,
        "normalised": normalised,
        "raw_aggregate": raw_agg,
        "normalised_aggregate": norm_agg,
        "raw_rank": rank(raw_agg),
        "normalised_rank": rank(norm_agg),
        "raw_sd": totals.std(axis=1),
        "raw_range": np.ptp(totals, axis=1),
        "normalised_sd": normalised.std(axis=1),
        "alpha": np.array([alpha(values[:, :, k]) for k in range(values.shape[2])]
                          + [alpha(totals), alpha(normalised)]),
    }


def registry_figures(results: Results, table: ScoreTable) -> dict[str, np.ndarray]:
    """The registry's result objects, back into arrays shaped like the plain computation's."""
    e_index = {name: i for i, name in enumerate(table.entries)}
    j_index = {name: j for j, name in enumerate(table.jurors)}
    pairs = {"totals": "raw", "z": "z", "normalised": "normalised"}
    figures = {key: np.full(table.assigned.shape, np.nan) for key in pairs}
    for t in results.totals:
        for key, attr in pairs.items():
            figures[key][e_index[t.entry], j_index[t.juror]] = getattr(t, attr)
    order = np.array([e_index[r.entry] for r in results.entries])
    for name in ("raw_aggregate", "normalised_aggregate", "raw_rank", "normalised_rank",
                 "raw_sd", "raw_range", "normalised_sd"):
        column = np.empty(len(order))
        column[order] = [getattr(r, name) for r in results.entries]
        figures[name] = column
    agreement = results.agreement
    figures["alpha"] = np.array([*agreement.criteria.values(), agreement.total,
                                 agreement.total_normalised], dtype=float)
    return figures


def timed(function: Callable[[], object], runs: int) -> tuple[list[float], object]:
    seconds, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - start)
    return seconds, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--jurors", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--aggregate", default="trimmed_mean",
                        choices=["sum_of_jurors", "mean", "median", "trimmed_mean"])
    args = parser.parse_args()

    data = load_yaml("habitat_award.yml")
    data.update(aggregate=args.aggregate, trim=TRIM if args.aggregate == "trimmed_mean" else None)
    rubric = load_rubric(data, "benchmark")
    scores = make_scores(rubric, args.entries, args.jurors)
    weights = np.array([c.weight for c in rubric.criteria])

    build_s, table = timed(lambda: build_table(rubric, scores), args.runs)
    results_s, results = timed(lambda: compute_results(rubric, table), args.runs)
    plain_s, plain = timed(lambda: plain_numpy(table.values, weights, args.aggregate), args.runs)

    ours = registry_figures(results, table)
    disagree = [name for name, values in plain.items()
                if not np.allclose(ours[name], values, rtol=1e-9, atol=1e-9)]
    full_s = [b + r for b, r in zip(build_s, results_s, strict=True)]

    def ms(samples: list[float]) -> str:
        return f"{statistics.median(samples) * 1000:10.1f} {min(samples) * 1000:9.1f}"

    print(f"awards benchmark: {args.entries} entries x {args.jurors} jurors x "
          f"{len(rubric.criteria)} criteria = {len(scores):,} scores, aggregate "
          f"{args.aggregate}, median of {args.runs} runs")
    print(f"{'step':<58} {'median ms':>10} {'min ms':>9}")
    print(f"{'registry.scoring build_table (check and lay out the scores)':<58} {ms(build_s)}")
    print(f"{'registry.scoring compute_results (all figures + objects)':<58} {ms(results_s)}")
    print(f"{'registry.scoring, from score rows to results':<58} {ms(full_s)}")
    print(f"{'plain numpy, same figures from the same array':<58} {ms(plain_s)}")
    verdict = "yes" if not disagree else "NO: " + ", ".join(disagree)
    print(f"figures agree ({', '.join(plain)}): {verdict}")
    met = statistics.median(full_s) < GOAL_SECONDS
    print(f"goal: from score rows to results under {GOAL_SECONDS * 1000:.0f} ms: "
          f"{'met' if met else 'NOT met'}")
    return 0 if met and not disagree else 1


if __name__ == "__main__":
    sys.exit(main())
