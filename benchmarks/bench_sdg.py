"""Benchmark the SDG lexicon mapper: `python benchmarks/bench_sdg.py` (or `make bench-sdg`).

Runs the mapper on the SDG Classification Benchmark (PyPI `sdgclassification-benchmark`,
1,251 English snippets, each asking "is this text about SDG n?") and on our own hand-labelled
Spanish/French check set (tests/data/sdg/check_es_fr.csv), and prints accuracy, precision and
recall per SDG and overall, snippets per second, and the published figures of other systems.

"Overall" is computed like the benchmark package does it (the unweighted mean of the 17
per-SDG figures), so it compares with the published numbers; the pooled figures over all
rows are printed too. The package's own runner needs pandas, so the CSV is read directly.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import time
from dataclasses import dataclass
from pathlib import Path

from plugins.sdg.mapper import default_mapper

ROOT = Path(__file__).resolve().parents[1]
CHECK_SET = ROOT / "tests" / "data" / "sdg" / "check_es_fr.csv"

#: Published results on the same benchmark (accuracy %, precision %), from its README.
PUBLISHED = [
    ("AFD SDG Prospector", 87.8, 92.4),
    ("text2sdg ensemble", 83.0, 84.3),
    ("seesus", 82.2, 88.7),
    ("JRC SDG Mapper", 77.3, 92.7),
    ("OSDG v1", 69.7, 84.3),
]
GOAL = (88.0, 90.0, 500.0)  # accuracy %, precision %, snippets/s


@dataclass(frozen=True)
class Row:
    lang: str
    text: str
    sdg: int
    label: bool


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0

    def add(self, expected: bool, predicted: bool) -> None:
        if expected and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif expected:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    def scores(self) -> tuple[float, float, float, float]:
        """Accuracy, precision, recall (percent) and F1, zero where undefined (as the package)."""
        accuracy = 100 * (self.tp + self.tn) / self.n if self.n else 0.0
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return accuracy, 100 * precision, 100 * recall, f1


def benchmark_csv() -> Path:
    """The benchmark file of the installed package (or $SDGCLASSIFICATION_BENCHMARK_CSV)."""
    if os.environ.get("SDGCLASSIFICATION_BENCHMARK_CSV"):
        return Path(os.environ["SDGCLASSIFICATION_BENCHMARK_CSV"])
    spec = importlib.util.find_spec("sdgclassification")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("sdgclassification-benchmark is not installed (pip install it)")
    return Path(next(iter(spec.submodule_search_locations))) / "benchmark/resources/benchmark.csv"


def read_rows(path: Path, default_lang: str = "en") -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [Row(row.get("lang") or default_lang, row["text"], int(row["sdg"]),
                    row["label"].strip().lower() == "true")
                for row in csv.DictReader(handle)]


def evaluate(rows: list[Row]) -> tuple[dict[int, Counts], float]:
    """Per-SDG confusion counts and snippets per second (mapping time only)."""
    mapper = default_mapper()
    per_sdg: dict[int, Counts] = {sdg: Counts() for sdg in range(1, 18)}
    started = time.perf_counter()
    predictions = [
        {int(tag["code"]) for tag in mapper.map_text(row.text, row.lang)
         if tag["scheme"] == "sdg_goal"}
        for row in rows
    ]
    elapsed = time.perf_counter() - started
    for row, predicted in zip(rows, predictions, strict=True):
        per_sdg[row.sdg].add(row.label, row.sdg in predicted)
    return per_sdg, len(rows) / elapsed if elapsed else float("inf")


def report(title: str, per_sdg: dict[int, Counts], speed: float, published: bool) -> None:
    print(f"\n{title}")
    header = f"{'SDG':<8}{'n':>5}{'Acc %':>8}{'Prec %':>8}{'Rec %':>8}{'F1':>6}" \
             f"{'TP':>5}{'FP':>5}{'TN':>5}{'FN':>5}"
    print(header)
    print("-" * len(header))
    used = {sdg: counts for sdg, counts in per_sdg.items() if counts.n}
    for sdg, counts in used.items():
        acc, prec, rec, f1 = counts.scores()
        print(f"{sdg:<8}{counts.n:>5}{acc:>8.1f}{prec:>8.1f}{rec:>8.1f}{f1:>6.2f}"
              f"{counts.tp:>5}{counts.fp:>5}{counts.tn:>5}{counts.fn:>5}")
    print("-" * len(header))
    mean = [sum(c.scores()[i] for c in used.values()) / len(used) for i in range(4)]
    pooled = Counts(*(sum(getattr(c, f) for c in used.values()) for f in ("tp", "fp", "tn", "fn")))
    total = sum(c.n for c in used.values())
    print(f"{'average':<8}{total:>5}{mean[0]:>8.1f}{mean[1]:>8.1f}{mean[2]:>8.1f}{mean[3]:>6.2f}"
          "   (unweighted mean over SDGs, as published)")
    acc, prec, rec, f1 = pooled.scores()
    print(f"{'pooled':<8}{total:>5}{acc:>8.1f}{prec:>8.1f}{rec:>8.1f}{f1:>6.2f}"
          f"{pooled.tp:>5}{pooled.fp:>5}{pooled.tn:>5}{pooled.fn:>5}")
    print(f"speed: {speed:,.0f} snippets/s (one process, mapping only)")
    if not published:
        return
    method = default_mapper().method
    print(f"\n{'system':<22}{'Acc %':>8}{'Prec %':>8}")
    print(f"{method:<22}{mean[0]:>8.1f}{mean[1]:>8.1f}   <- this run")
    for name, accuracy, precision in PUBLISHED:
        print(f"{name:<22}{accuracy:>8.1f}{precision:>8.1f}")
    goal_acc, goal_prec, goal_speed = GOAL
    print(f"goal: >= {goal_acc}% accuracy, >= {goal_prec}% precision, >= {goal_speed:.0f}/s -> "
          f"accuracy {mean[0] - goal_acc:+.1f}, precision {mean[1] - goal_prec:+.1f}, "
          f"speed {'met' if speed >= goal_speed else 'missed'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check-set", type=Path, default=CHECK_SET,
                        help="hand-labelled CSV with columns lang,text,sdg,label")
    args = parser.parse_args()
    default_mapper()  # compile the lexicon before timing
    rows = read_rows(benchmark_csv())
    report(f"SDG Classification Benchmark ({len(rows)} English snippets)", *evaluate(rows),
           published=True)
    check = read_rows(args.check_set)
    langs = ", ".join(sorted({row.lang for row in check}))
    report(f"Own check set {args.check_set.name} ({len(check)} rows; {langs})", *evaluate(check),
           published=False)


if __name__ == "__main__":
    main()
