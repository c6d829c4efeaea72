"""Award results from jurors' scores: pure numpy over a table entries x jurors x criteria.

Why each figure is computed the way it is:

* **Weighted total** per (entry, juror): sum of weight x points. A criterion marked N/A (where
  the rubric allows it) is left out and the remaining criteria are scaled up to the full
  range: the N/A criterion counts at the same share of its range that the juror gave, on
  average, to the criteria that do apply. N/A neither rewards nor penalises an entry.
* **Per-juror normalisation.** Lenient jurors give every entry high totals and harsh ones low
  totals; when each entry is scored by only some of the jurors, its raw score depends on which
  jurors it drew. Each juror's totals are standardised by that juror's own mean and standard
  deviation over the entries they scored, ``z = (total - mean_j) / sd_j``, and mapped back
  onto points as ``normalised = M + S * z``, where ``M`` is the mean of the jurors' means and
  ``S`` the mean of their standard deviations: the scale of the average juror. Both ``z`` and
  the mapped total are reported. Points rather than bare z-scores, because the aggregates
  (``sum_of_jurors`` above all) and the published figures are in points, and because a juror
  who scores like the average juror keeps their totals unchanged; the map is the same for
  every juror, so it changes no order. Standard deviations are population ones (ddof 0): a
  juror's entries are all they scored, not a sample. A juror with no spread (one entry, or the
  same total everywhere) cannot be standardised: their z is 0 and a notice says so.
  Normalisation assumes each juror saw a comparable mix of entries, which a balanced random
  assignment gives; with few entries per juror it is noisy.
* **Aggregate** per entry over its jurors (the rubric's choice), on raw and on normalised
  totals; **rank** by competition ranking ("1224": tied entries share the best rank and the
  next rank is skipped), after rounding to 9 decimals so float noise does not split a tie.
* **Spread** per entry (sd, min, max, range) on raw and normalised totals.
* **Agreement**: Krippendorff's alpha, interval level, per criterion and on the totals, with
  a notice below 0.667, Krippendorff's floor for even tentative conclusions.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from registry.errors import RegistryError
from registry.rubrics import RESERVED_CRITERION_IDS, Criterion, Rubric, on_step, score_problem

AGREEMENT_THRESHOLD = 0.667
#: How a CSV cell says "not applicable" (compared case-insensitively).
NA_TOKENS = frozenset({"na", "n/a"})
_ZERO_SD = 1e-9
_RANK_DECIMALS = 9
_TRIM_TOLERANCE = 1e-9
_MAX_LISTED_PROBLEMS = 10
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


class ScoresInvalid(RegistryError):
    """Scores that do not fit the rubric; ``fields`` maps where (row/column) to reasons."""

    code = "scores_invalid"

    @classmethod
    def from_problems(cls, problems: dict[str, list[str]]) -> ScoresInvalid:
        """One error listing every problem, so a whole import is fixed in one go."""
        listed = [f"{where}: {' '.join(reasons)}" for where, reasons in problems.items()]
        more = len(listed) - _MAX_LISTED_PROBLEMS
        message = "; ".join(listed[:_MAX_LISTED_PROBLEMS])
        if more > 0:
            message += f"; and {more} more"
        return cls(f"{len(listed)} problem(s) in the scores: {message}", fields=problems)


@dataclass(frozen=True, slots=True)
class Score:
    """One juror's points for one criterion of one entry; ``value=None`` means N/A."""

    entry: str
    juror: str
    criterion: str
    value: float | None


@dataclass(frozen=True, eq=False)
class ScoreTable:
    """Scores laid out for numpy: ``values[e, j, c]`` is NaN where N/A or not assigned.

    Build it with :func:`build_table`, which checks every score against the rubric.
    """

    entries: tuple[str, ...]
    jurors: tuple[str, ...]
    criteria: tuple[str, ...]
    values: np.ndarray
    assigned: np.ndarray


@dataclass(frozen=True)
class EntryResult:
    """An entry's figures, raw and normalised side by side (the CSV columns, in order)."""

    entry: str
    jurors: int
    raw_aggregate: float | None
    normalised_aggregate: float | None
    raw_rank: int | None
    normalised_rank: int | None
    raw_sd: float | None
    normalised_sd: float | None
    raw_min: float | None
    normalised_min: float | None
    raw_max: float | None
    normalised_max: float | None
    raw_range: float | None
    normalised_range: float | None


@dataclass(frozen=True)
class JurorTotal:
    """One juror's weighted total for one entry; ``rescaled`` when a criterion was N/A."""

    entry: str
    juror: str
    raw: float
    z: float
    normalised: float
    rescaled: bool


@dataclass(frozen=True)
class JurorSummary:
    """How a juror scores: ``leniency`` is their mean minus the average juror's mean."""

    juror: str
    entries: int
    mean: float
    sd: float
    leniency: float
    standardised: bool


@dataclass(frozen=True)
class Agreement:
    """Krippendorff's alpha (interval); ``None`` where there is too little to compare."""

    criteria: dict[str, float | None]
    total: float | None
    total_normalised: float | None
    threshold: float = AGREEMENT_THRESHOLD


@dataclass(frozen=True)
class Notice:
    """Something the chair should read before publishing (low agreement, flat juror...)."""

    code: str
    message: str
    subject: str | None = None


@dataclass(frozen=True)
class Results:
    """Everything an edition's results page, API and CSV export show.

    ``entries`` come in normalised-rank order (ties by entry id); ``panel_mean`` and
    ``panel_sd`` are the average juror's scale that normalised totals are mapped onto.
    """

    rubric: str
    aggregate: str
    trim: float | None
    panel_mean: float | None
    panel_sd: float
    entries: tuple[EntryResult, ...]
    jurors: tuple[JurorSummary, ...]
    totals: tuple[JurorTotal, ...]
    agreement: Agreement
    notices: tuple[Notice, ...]

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return dataclasses.asdict(self)


# -- building the table --------------------------------------------------------------------


def build_table(rubric: Rubric, scores: Iterable[Score]) -> ScoreTable:
    """Check scores against the rubric and lay them out as entries x jurors x criteria.

    A juror who scores an entry must score (or mark N/A) every criterion; every problem is
    collected before raising so that a chair can fix an import in one go.
    """
    criterion_index = {c.id: k for k, c in enumerate(rubric.criteria)}
    entry_ids: dict[str, int] = {}
    juror_ids: dict[str, int] = {}
    rows_e: list[int] = []
    rows_j: list[int] = []
    rows_c: list[int] = []
    rows_v: list[float] = []
    problems: dict[str, list[str]] = {}
    for score in scores:
        k = criterion_index.get(score.criterion)
        value = math.nan if score.value is None else float(score.value)
        if k is None:
            problems.setdefault(_score_path(score), []).append(
                f"unknown criterion {score.criterion!r} "
                f"(rubric {rubric.id!r} has {', '.join(criterion_index)})."
            )
            continue
        if score.value is not None and not math.isfinite(value):
            problems.setdefault(_score_path(score), []).append(f"{score.value!r} is not a number.")
            continue
        rows_e.append(entry_ids.setdefault(score.entry, len(entry_ids)))
        rows_j.append(juror_ids.setdefault(score.juror, len(juror_ids)))
        rows_c.append(k)
        rows_v.append(value)

    entries, e = _sorted_ids(entry_ids, rows_e)
    jurors, j = _sorted_ids(juror_ids, rows_j)
    c = np.asarray(rows_c, dtype=np.intp)
    v = np.asarray(rows_v, dtype=float)
    shape = (len(entries), len(jurors), len(rubric.criteria))

    def where(i: int) -> str:
        return f"{entries[e[i]]}/{jurors[j[i]]}/{rubric.criteria[c[i]].id}"

    flat = np.ravel_multi_index((e, j, c), shape)
    order = np.argsort(flat, kind="stable")
    for i in order[1:][flat[order][1:] == flat[order][:-1]]:
        problems.setdefault(where(i), []).append("scored more than once.")

    na = np.isnan(v)
    allow_na = np.array([cr.allow_na for cr in rubric.criteria], dtype=bool)[c]
    for i in np.flatnonzero(na & ~allow_na):
        problems.setdefault(where(i), []).append("N/A is not allowed for this criterion.")
    for i in np.flatnonzero(~na & ~_on_scale(rubric, c, v)):
        reason = score_problem(float(v[i]), rubric, rubric.criteria[c[i]])
        if reason:
            problems.setdefault(where(i), []).append(reason)

    values = np.full(shape, np.nan)
    values[e, j, c] = v
    filled = np.zeros(shape, dtype=bool)
    filled[e, j, c] = True
    assigned = filled.any(axis=2)
    for ei, ji, ci in zip(*np.nonzero(assigned[:, :, None] & ~filled), strict=True):
        problems.setdefault(f"{entries[ei]}/{jurors[ji]}/{rubric.criteria[ci].id}", []).append(
            "no score for this criterion (a juror scores every criterion of an entry)."
        )
    all_na = assigned & filled.all(axis=2) & np.isnan(values).all(axis=2)
    for ei, ji in zip(*np.nonzero(all_na), strict=True):
        problems.setdefault(f"{entries[ei]}/{jurors[ji]}", []).append(
            "every criterion is N/A; at least one must be scored."
        )
    if problems:
        raise ScoresInvalid.from_problems(problems)
    return ScoreTable(
        entries=entries,
        jurors=jurors,
        criteria=tuple(cr.id for cr in rubric.criteria),
        values=values,
        assigned=assigned,
    )


def _score_path(score: Score) -> str:
    return f"{score.entry}/{score.juror}/{score.criterion}"


def _sorted_ids(ids: dict[str, int], rows: list[int]) -> tuple[tuple[str, ...], np.ndarray]:
    """Ids in sorted order (results do not depend on input order) and the rows re-indexed."""
    names = tuple(sorted(ids))
    remap = np.empty(len(names), dtype=np.intp)
    remap[[ids[name] for name in names]] = np.arange(len(names))
    return names, remap[np.asarray(rows, dtype=np.intp)]


def _on_scale(rubric: Rubric, c: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Vectorised twin of :func:`registry.rubrics.score_problem` (``True`` = fine)."""
    low = rubric.scale.min
    tops = np.array([cr.max_points for cr in rubric.criteria])[c]
    return (v >= low) & (v <= tops) & on_step(v, low, rubric.scale.step)


# -- the figures ---------------------------------------------------------------------------


def weighted_totals(rubric: Rubric, table: ScoreTable) -> np.ndarray:
    """Weighted total per (entry, juror), NaN where not assigned; N/A criteria rescaled away."""
    weights = np.array([c.weight for c in rubric.criteria])
    low = rubric.scale.min
    span = weights * (np.array([c.max_points for c in rubric.criteria]) - low)
    scored = ~np.isnan(table.values)
    points = np.where(scored, table.values, 0.0)
    direct = points @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        share = (np.where(scored, table.values - low, 0.0) @ weights) / (scored @ span)
    rescaled = weights.sum() * low + share * span.sum()
    has_na = table.assigned & ~scored.all(axis=2)
    totals = np.where(has_na, rescaled, direct)
    totals[~table.assigned] = np.nan
    return totals


def aggregate(values: np.ndarray, method: str, trim: float | None = None) -> np.ndarray:
    """Combine each row's jurors (NaN = no juror) by the rubric's method; NaN for empty rows.

    ``trimmed_mean`` cuts ``floor(trim * n)`` jurors from each end of each row, the usual
    definition, so with ``trim=0.2`` three jurors keep all three and five keep the middle three.
    """
    present = ~np.isnan(values)
    n = present.sum(axis=1)
    rows = np.arange(values.shape[0])
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "sum_of_jurors":
            out = np.where(present, values, 0.0).sum(axis=1)
        elif method == "mean":
            out = np.where(present, values, 0.0).sum(axis=1) / n
        elif method == "median":
            ordered = np.sort(values, axis=1)
            low = ordered[rows, np.maximum((n - 1) // 2, 0)]
            high = ordered[rows, np.minimum(n // 2, values.shape[1] - 1)]
            out = (low + high) / 2
        elif method == "trimmed_mean":
            if trim is None or not 0 <= trim < 0.5:
                raise ValueError(f"trimmed_mean needs 0 <= trim < 0.5, got {trim!r}")
            ordered = np.sort(values, axis=1)
            cumulative = np.concatenate(
                [np.zeros((values.shape[0], 1)), np.cumsum(np.nan_to_num(ordered), axis=1)],
                axis=1,
            )
            cut = np.floor(trim * n + _TRIM_TOLERANCE).astype(np.intp)
            kept = cumulative[rows, n - cut] - cumulative[rows, cut]
            out = kept / (n - 2 * cut)
        else:
            raise ValueError(f"unknown aggregate {method!r}")
    return np.where(n > 0, out, np.nan)


def competition_rank(values: np.ndarray) -> np.ndarray:
    """Rank, highest first, ties sharing the best rank ("1224"); NaN stays unranked (NaN)."""
    rounded = np.round(values, _RANK_DECIMALS)
    known = ~np.isnan(rounded)
    ordered = np.sort(rounded[known])
    higher = ordered.size - np.searchsorted(ordered, rounded, side="right")
    return np.where(known, higher + 1, np.nan)


def spread(values: np.ndarray) -> dict[str, np.ndarray]:
    """Per row over its jurors (NaN = none): ``n``, ``mean``, population ``sd``, ``min``,
    ``max`` and ``range``; NaN figures for an empty row."""
    present = ~np.isnan(values)
    n = present.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(present, values, 0.0).sum(axis=1) / n
        sd = np.sqrt(np.where(present, (values - mean[:, None]) ** 2, 0.0).sum(axis=1) / n)
    low = np.where(present, values, np.inf).min(axis=1, initial=np.inf)
    high = np.where(present, values, -np.inf).max(axis=1, initial=-np.inf)
    empty = n == 0
    low[empty] = high[empty] = np.nan
    return {"n": n, "mean": mean, "sd": sd, "min": low, "max": high, "range": high - low}


@dataclass(frozen=True, eq=False)
class Normalisation:
    """Per-juror standardisation of an (entries x jurors) table of totals.

    ``z[e, j] = (total - juror_mean[j]) / juror_sd[j]`` (0 for a juror without spread) and
    ``normalised = panel_mean + panel_sd * z``; see the module docstring for why.
    """

    z: np.ndarray
    normalised: np.ndarray
    juror_mean: np.ndarray
    juror_sd: np.ndarray
    standardised: np.ndarray
    panel_mean: float
    panel_sd: float


def normalise(totals: np.ndarray) -> Normalisation:
    """Standardise each juror's totals by their own mean and sd, on the average juror's scale."""
    jurors = spread(totals.T)
    means, sds = jurors["mean"], jurors["sd"]
    standardised = sds > _ZERO_SD
    present = ~np.isnan(totals)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(standardised, (totals - means) / sds, 0.0)
    z[~present] = np.nan
    panel_mean = float(means.mean()) if means.size else math.nan
    panel_sd = float(sds[standardised].mean()) if standardised.any() else 0.0
    return Normalisation(
        z=z,
        normalised=panel_mean + panel_sd * z,
        juror_mean=means,
        juror_sd=sds,
        standardised=standardised,
        panel_mean=panel_mean,
        panel_sd=panel_sd,
    )


def interval_alpha(values: np.ndarray) -> float | None:
    """Krippendorff's alpha, interval level, for ``values[unit, coder]`` (NaN = no value).

    ``None`` when no unit has two values to compare or when the values do not vary.
    Note the ``krippendorff`` package takes the transpose (coders x units).
    """
    alpha = _alphas(values[:, :, None])[0]
    return None if math.isnan(alpha) else float(alpha)


def _alphas(values: np.ndarray) -> np.ndarray:
    """Interval alpha for each ``values[:, :, k]`` at once.

    Pairs within a unit: sum over ordered pairs of (a - b)^2 = 2 (m sum x^2 - (sum x)^2), so
    D_o = sum_u that / (m_u - 1) / n and D_e = that over all n pairable values / (n (n - 1)).
    """
    present = ~np.isnan(values)
    m = present.sum(axis=1)
    pairable = m >= 2
    x = np.where(present & pairable[:, None, :], values, 0.0)
    s1 = x.sum(axis=1)
    s2 = (x * x).sum(axis=1)
    mu = np.where(pairable, m, 0)
    n = mu.sum(axis=0).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        within = np.where(pairable, 2 * (mu * s2 - s1**2) / np.maximum(mu - 1, 1), 0.0).sum(axis=0)
        observed = within / n
        total1, total2 = s1.sum(axis=0), s2.sum(axis=0)
        expected = 2 * (n * total2 - total1**2) / (n * (n - 1))
        alpha = 1 - observed / expected
    return np.where((n >= 2) & (expected > _ZERO_SD), alpha, np.nan)


def compute_results(rubric: Rubric, table: ScoreTable) -> Results:
    """Every figure of an edition's results from a checked score table."""
    totals = weighted_totals(rubric, table)
    norm = normalise(totals)
    raw_agg = aggregate(totals, rubric.aggregate, rubric.trim)
    norm_agg = aggregate(norm.normalised, rubric.aggregate, rubric.trim)
    raw_spread, norm_spread = spread(totals), spread(norm.normalised)
    figures = {"raw_aggregate": raw_agg, "normalised_aggregate": norm_agg}
    for name in ("sd", "min", "max", "range"):
        figures[f"raw_{name}"] = raw_spread[name]
        figures[f"normalised_{name}"] = norm_spread[name]
    columns = {name: _optional(values) for name, values in figures.items()}
    ranks = {
        "raw_rank": _ranks(competition_rank(raw_agg)),
        "normalised_rank": _ranks(competition_rank(norm_agg)),
    }
    counts = raw_spread["n"]
    entries = sorted(
        (
            EntryResult(
                entry=entry,
                jurors=int(counts[i]),
                **{name: column[i] for name, column in columns.items()},
                **{name: column[i] for name, column in ranks.items()},
            )
            for i, entry in enumerate(table.entries)
        ),
        key=lambda r: (r.normalised_rank is None, r.normalised_rank or 0, r.entry),
    )
    jurors = [
        JurorSummary(
            juror=name,
            entries=int(n),
            mean=mean,
            sd=sd,
            leniency=mean - norm.panel_mean,
            standardised=flag,
        )
        for name, n, mean, sd, flag in zip(
            table.jurors, table.assigned.sum(axis=0).tolist(), norm.juror_mean.tolist(),
            norm.juror_sd.tolist(), norm.standardised.tolist(), strict=True,
        )
    ]
    rescaled = table.assigned & np.isnan(table.values).any(axis=2)
    ei, ji = np.nonzero(table.assigned)
    juror_totals = tuple(
        JurorTotal(table.entries[e], table.jurors[j], raw, z, normalised, flag)
        for e, j, raw, z, normalised, flag in zip(
            ei.tolist(), ji.tolist(), totals[ei, ji].tolist(), norm.z[ei, ji].tolist(),
            norm.normalised[ei, ji].tolist(), rescaled[ei, ji].tolist(), strict=True,
        )
    )
    per_criterion = _alphas(table.values)
    overall = _alphas(np.stack([totals, norm.normalised], axis=2))
    agreement = Agreement(
        criteria=dict(zip(table.criteria, _optional(per_criterion), strict=True)),
        total=_optional(overall)[0],
        total_normalised=_optional(overall)[1],
    )
    return Results(
        rubric=rubric.id,
        aggregate=rubric.aggregate,
        trim=rubric.trim,
        panel_mean=None if math.isnan(norm.panel_mean) else norm.panel_mean,
        panel_sd=norm.panel_sd,
        entries=tuple(entries),
        jurors=tuple(jurors),
        totals=juror_totals,
        agreement=agreement,
        notices=tuple(_notices(rubric, jurors, counts, agreement)),
    )


def _optional(values: np.ndarray) -> list[float | None]:
    return [None if math.isnan(x) else x for x in values.astype(float).tolist()]


def _ranks(values: np.ndarray) -> list[int | None]:
    return [None if math.isnan(x) else int(x) for x in values.tolist()]


def _notices(
    rubric: Rubric, jurors: list[JurorSummary], counts: np.ndarray, agreement: Agreement
) -> list[Notice]:
    notices = [
        Notice(
            "juror_without_spread",
            f"juror {j.juror!r} gave the same total ({j.mean:g}) to every entry they scored "
            f"({j.entries}); their totals cannot be standardised and sit at the panel mean.",
            j.juror,
        )
        for j in jurors
        if not j.standardised
    ]
    scored = counts[counts > 0]
    if rubric.aggregate == "sum_of_jurors" and scored.size and scored.min() != scored.max():
        notices.append(Notice(
            "unequal_panels",
            f"sum_of_jurors adds up {scored.min()} to {scored.max()} jurors per entry; entries "
            "with more jurors collect more points.",
        ))
    threshold = agreement.threshold
    for criterion, alpha in agreement.criteria.items():
        if alpha is None:
            notices.append(Notice(
                "agreement_undefined",
                f"criterion {criterion!r}: too few shared entries or no variation to measure "
                "agreement.",
                criterion,
            ))
        elif alpha < threshold:
            notices.append(Notice(
                "low_agreement",
                f"criterion {criterion!r}: Krippendorff's alpha {alpha:.3f} is below "
                f"{threshold}; jurors disagree too much for even tentative conclusions.",
                criterion,
            ))
    if agreement.total is not None and agreement.total < threshold:
        after = agreement.total_normalised
        notices.append(Notice(
            "low_agreement",
            f"totals: Krippendorff's alpha {agreement.total:.3f} is below {threshold}"
            + (f" ({after:.3f} after per-juror normalisation)" if after is not None else "")
            + ".",
            "total",
        ))
    return notices


# -- CSV -----------------------------------------------------------------------------------


def _number(value: float) -> str:
    """A number as people write it: ``7`` not ``7.0``; enough digits to read back exactly."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def results_to_csv(results: Results) -> str:
    """The results table, one row per entry, raw and normalised columns side by side."""
    names = [f.name for f in dataclasses.fields(EntryResult)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for entry in results.entries:
        row = []
        for name in names:
            value = getattr(entry, name)
            if value is None:
                row.append("")
            elif isinstance(value, float):
                row.append(_number(round(value, 6)))
            else:
                row.append(str(value))
        writer.writerow(row)
    return out.getvalue()


def scores_to_csv(scores: Iterable[Score], rubric: Rubric) -> str:
    """Scores as a sheet: one row per (entry, juror), one column per criterion, N/A as NA."""
    ids = [c.id for c in rubric.criteria]
    sheet: dict[tuple[str, str], dict[str, str]] = {}
    for score in scores:
        cell = "NA" if score.value is None else _number(score.value)
        sheet.setdefault((score.entry, score.juror), {})[score.criterion] = cell
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*RESERVED_CRITERION_IDS, *ids])
    for (entry, juror), cells in sorted(sheet.items()):
        writer.writerow([entry, juror, *(cells.get(cid, "") for cid in ids)])
    return out.getvalue()


def scores_from_csv(text: str, rubric: Rubric) -> list[Score]:
    """Read a score sheet (as :func:`scores_to_csv` writes it, or as juries type it).

    Accepts ``;`` as separator and a decimal comma (spreadsheets set to es/fr write both).
    Errors name the spreadsheet row (the header is row 1) and the column.
    """
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip() for name in next(reader, [])]
    expected = [*RESERVED_CRITERION_IDS, *(c.id for c in rubric.criteria)]
    if not any(header):
        raise ScoresInvalid.from_problems(
            {"row 1": [f"the sheet is empty; expected the header {','.join(expected)}."]}
        )
    problems: dict[str, list[str]] = {}
    for col, name in enumerate(header, start=1):
        where = f"row 1, column {col}" if not name else f"row 1, column {name!r}"
        if not name:
            problems.setdefault(where, []).append("column without a name.")
        elif name not in expected:
            problems.setdefault(where, []).append(
                f"not a criterion of rubric {rubric.id!r} "
                f"(its criteria: {', '.join(c.id for c in rubric.criteria)})."
            )
        elif header.index(name) != col - 1:
            problems.setdefault(where, []).append("appears twice.")
    for name in expected:
        if name not in header:
            problems.setdefault("row 1", []).append(f"no column {name!r}.")
    if problems:
        raise ScoresInvalid.from_problems(problems)

    position = {name: header.index(name) for name in expected}
    scores: list[Score] = []
    seen: dict[tuple[str, str], int] = {}
    for row, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.setdefault(f"row {row}", []).append(
                f"{len(cells)} cells where the header has {len(header)}."
            )
            continue
        entry, juror = (cells[position[name]].strip() for name in RESERVED_CRITERION_IDS)
        for name, value in zip(RESERVED_CRITERION_IDS, (entry, juror), strict=True):
            if not value:
                problems.setdefault(f"row {row}, column {name!r}", []).append("empty.")
        if entry and juror and (entry, juror) in seen:
            problems.setdefault(f"row {row}", []).append(
                f"entry {entry!r} and juror {juror!r} are already on row {seen[(entry, juror)]}."
            )
        seen.setdefault((entry, juror), row)
        for criterion in rubric.criteria:
            where = f"row {row}, column {criterion.id!r}"
            value, reason = _read_cell(cells[position[criterion.id]], rubric, criterion)
            if reason:
                problems.setdefault(where, []).append(reason)
            else:
                scores.append(Score(entry, juror, criterion.id, value))
    if problems:
        raise ScoresInvalid.from_problems(problems)
    return scores


def _read_cell(cell: str, rubric: Rubric, criterion: Criterion) -> tuple[float | None, str | None]:
    """A cell's value, or why it is not a score for this criterion."""
    text = cell.strip()
    if text.lower() in NA_TOKENS:
        return None, None if criterion.allow_na else "N/A is not allowed for this criterion."
    if not text:
        return None, "no score" + (" (write NA if it does not apply)." if criterion.allow_na
                                   else ".")
    if not _NUMBER.match(text):
        return None, f"{text!r} is not a number."
    value = float(text.replace(",", "."))
    return value, score_problem(value, rubric, criterion)
