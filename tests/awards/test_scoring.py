"""Award results on paper: a whole edition computed by hand, then each figure on its own."""

from __future__ import annotations

import math
from collections import Counter

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from registry.rubrics import load_rubric
from registry.scoring import (
    AGREEMENT_THRESHOLD,
    Score,
    ScoresInvalid,
    aggregate,
    build_table,
    competition_rank,
    compute_results,
    interval_alpha,
    normalise,
    weighted_totals,
)

# -- the edition ---------------------------------------------------------------------------
#
# 12 entries, 5 jurors, 3 jurors per entry. The assignment is balanced: each of the 10 pairs
# of jurors sits out exactly one entry, plus two more entries for the disjoint pairs
# (ana, ben) and (chloe, dario), so loads are 7, 7, 7, 7 and 8 (eva) = 36 = 12 x 3.
# ben is lenient (+2 on every criterion), chloe harsh (-2 on every criterion); the others
# write what they think. All five agree on the order of the entries they share.
#
# Rubric: impact (weight 2) and innovation (weight 1), 0..10, sum over the jurors (as ORU).

EDITION_RUBRIC = {
    "id": "edition-test",
    "title": {"en": "Edition on paper"},
    "scale": {"min": 0, "max": 10, "step": 1},
    "aggregate": "sum_of_jurors",
    "criteria": [
        {"id": "impact", "weight": 2, "label": {"en": "Impact"}},
        {"id": "innovation", "weight": 1, "label": {"en": "Innovation"}},
    ],
}

# entry: {juror: (impact, innovation)}
EDITION = {
    "E01": {"ana": (5, 5), "ben": (7, 7), "chloe": (3, 3)},
    "E02": {"ana": (5, 6), "chloe": (3, 4), "eva": (5, 5)},
    "E03": {"ana": (6, 6), "ben": (8, 8), "eva": (6, 5)},
    "E04": {"ana": (6, 5), "ben": (7, 8), "eva": (5, 6)},
    "E05": {"ana": (5, 4), "dario": (6, 5), "eva": (4, 5)},
    "E06": {"chloe": (2, 2), "dario": (4, 4), "eva": (4, 4)},
    "E07": {"ana": (4, 4), "chloe": (2, 3), "dario": (4, 5)},
    "E08": {"ben": (7, 6), "dario": (5, 6), "eva": (4, 5)},
    "E09": {"chloe": (4, 4), "dario": (6, 6), "eva": (6, 6)},
    "E10": {"ben": (8, 7), "chloe": (4, 3), "eva": (5, 6)},
    "E11": {"ben": (6, 6), "chloe": (3, 2), "dario": (5, 4)},
    "E12": {"ana": (4, 5), "ben": (6, 7), "dario": (5, 5)},
}

# HAND COMPUTATION
#
# 1. Weighted total = 2 x impact + innovation, per juror (entry: total):
#    ana   E01 15, E02 16, E03 18, E04 17, E05 14, E07 12, E12 13
#    ben   E01 21, E03 24, E04 22, E08 20, E10 23, E11 18, E12 19
#    chloe E01  9, E02 10, E06  6, E07  7, E09 12, E10 11, E11  8
#    dario E05 17, E06 12, E07 13, E08 16, E09 18, E11 14, E12 15
#    eva   E02 15, E03 17, E04 16, E05 13, E06 12, E08 13, E09 18, E10 16
TOTALS = {
    "ana": {"E01": 15, "E02": 16, "E03": 18, "E04": 17, "E05": 14, "E07": 12, "E12": 13},
    "ben": {"E01": 21, "E03": 24, "E04": 22, "E08": 20, "E10": 23, "E11": 18, "E12": 19},
    "chloe": {"E01": 9, "E02": 10, "E06": 6, "E07": 7, "E09": 12, "E10": 11, "E11": 8},
    "dario": {"E05": 17, "E06": 12, "E07": 13, "E08": 16, "E09": 18, "E11": 14, "E12": 15},
    "eva": {"E02": 15, "E03": 17, "E04": 16, "E05": 13, "E06": 12, "E08": 13, "E09": 18,
            "E10": 16},
}
# 2. Each juror's mean and population sd over the entries they scored:
#    ana   105/7 = 15; deviations 0 1 3 2 -1 -3 -2, squares 28, sd = sqrt(28/7) = 2
#    ben   147/7 = 21; deviations 0 3 1 -1 2 -3 -2, squares 28, sd = 2
#    chloe  63/7 =  9; deviations 0 1 -3 -2 3 2 -1, squares 28, sd = 2
#    dario 105/7 = 15; deviations 2 -3 -2 1 3 -1 0, squares 28, sd = 2
#    eva   120/8 = 15; deviations 0 2 1 -2 -3 -2 3 1, squares 32, sd = sqrt(32/8) = 2
JUROR_MEAN = {"ana": 15, "ben": 21, "chloe": 9, "dario": 15, "eva": 15}
JUROR_SD = 2
# 3. The average juror: M = (15 + 21 + 9 + 15 + 15) / 5 = 15, S = (2+2+2+2+2) / 5 = 2.
#    normalised = M + S x (total - mean_j) / sd_j = total - mean_j + 15:
#    ben's totals lose 6, chloe's gain 6, the others' stay as they are.
PANEL_MEAN, PANEL_SD = 15, 2
# 4. Sums over the three jurors of each entry:
#          raw                      normalised            ben / chloe on the panel
#    E01   15+21+ 9 = 45            15+15+15 = 45         both: no change
#    E02   16+10+15 = 41            16+16+15 = 47         chloe: +6
#    E03   18+24+17 = 59            18+18+17 = 53         ben: -6
#    E04   17+22+16 = 55            17+16+16 = 49         ben: -6
#    E05   14+17+13 = 44            14+17+13 = 44         neither: no change
#    E06    6+12+12 = 30            12+12+12 = 36         chloe: +6
#    E07   12+ 7+13 = 32            12+13+13 = 38         chloe: +6
#    E08   20+16+13 = 49            14+16+13 = 43         ben: -6
#    E09   12+18+18 = 48            18+18+18 = 54         chloe: +6
#    E10   23+11+16 = 50            17+17+16 = 50         both: no change
#    E11   18+ 8+14 = 40            12+14+14 = 40         both: no change
#    E12   13+19+15 = 47            13+13+15 = 41         ben: -6
RAW_SUM = {"E01": 45, "E02": 41, "E03": 59, "E04": 55, "E05": 44, "E06": 30, "E07": 32,
           "E08": 49, "E09": 48, "E10": 50, "E11": 40, "E12": 47}
NORMALISED_SUM = {"E01": 45, "E02": 47, "E03": 53, "E04": 49, "E05": 44, "E06": 36, "E07": 38,
                  "E08": 43, "E09": 54, "E10": 50, "E11": 40, "E12": 41}
# 5. Rankings. Raw: the lenient juror's entries E03, E04 lead and E08 is 4th; the harsh
#    juror's E09, the jurors' shared favourite, is only 5th. Normalised: E09 wins.
RAW_ORDER = ["E03", "E04", "E10", "E08", "E09", "E12", "E01", "E05", "E02", "E11", "E07", "E06"]
NORMALISED_ORDER = ["E09", "E03", "E10", "E04", "E02", "E01", "E05", "E08", "E12", "E11", "E07",
                    "E06"]
# 6. Spread of E03's totals: raw 18, 24, 17, mean 59/3; deviations -5/3, 13/3, -8/3;
#    sd = sqrt((25 + 169 + 64) / 9 / 3) = sqrt(258/27) = 3.0912; range 24 - 17 = 7.
#    Normalised 18, 18, 17: sd = sqrt((1 + 1 + 4) / 9 / 3) = sqrt(2)/3 = 0.4714; range 1.


def edition_scores() -> list[Score]:
    return [
        Score(entry, juror, criterion, points)
        for entry, panel in EDITION.items()
        for juror, marks in panel.items()
        for criterion, points in zip(("impact", "innovation"), marks, strict=True)
    ]


@pytest.fixture(scope="module")
def edition():
    rubric = load_rubric(EDITION_RUBRIC, "test")
    table = build_table(rubric, edition_scores())
    return rubric, table, compute_results(rubric, table)


def test_the_assignment_is_balanced():
    loads = {juror: sum(juror in panel for panel in EDITION.values()) for juror in JUROR_MEAN}
    assert all(len(panel) == 3 for panel in EDITION.values())
    assert loads == {"ana": 7, "ben": 7, "chloe": 7, "dario": 7, "eva": 8}
    sitting_out = Counter(
        tuple(sorted(set(JUROR_MEAN) - set(panel))) for panel in EDITION.values()
    )
    assert len(sitting_out) == 10  # every pair of jurors sits out of one entry...
    twice = [pair for pair, count in sitting_out.items() if count == 2]
    assert sorted(twice) == [("ana", "ben"), ("chloe", "dario")]  # ...two disjoint pairs twice


def test_weighted_totals_match_the_hand_computation(edition):
    rubric, table, results = edition
    totals = {(t.entry, t.juror): t.raw for t in results.totals}
    assert totals == {
        (entry, juror): total for juror, row in TOTALS.items() for entry, total in row.items()
    }
    assert not any(t.rescaled for t in results.totals)


def test_juror_means_sds_and_the_panel_scale_match_the_hand_computation(edition):
    _, _, results = edition
    assert {j.juror: j.mean for j in results.jurors} == JUROR_MEAN
    assert all(j.sd == pytest.approx(JUROR_SD) for j in results.jurors)
    assert {j.juror: j.leniency for j in results.jurors} == {
        "ana": 0, "ben": 6, "chloe": -6, "dario": 0, "eva": 0
    }
    assert {j.juror: j.entries for j in results.jurors} == {
        "ana": 7, "ben": 7, "chloe": 7, "dario": 7, "eva": 8
    }
    assert (results.panel_mean, results.panel_sd) == (PANEL_MEAN, pytest.approx(PANEL_SD))


def test_normalised_totals_remove_exactly_the_leniency(edition):
    _, _, results = edition
    for t in results.totals:
        assert t.z == pytest.approx((t.raw - JUROR_MEAN[t.juror]) / JUROR_SD)
        assert t.normalised == pytest.approx(t.raw - JUROR_MEAN[t.juror] + PANEL_MEAN)


def test_aggregates_and_rankings_match_the_hand_computation(edition):
    _, _, results = edition
    by_entry = {e.entry: e for e in results.entries}
    assert {e: r.raw_aggregate for e, r in by_entry.items()} == RAW_SUM
    assert {e: r.normalised_aggregate for e, r in by_entry.items()} == pytest.approx(
        NORMALISED_SUM
    )
    assert sorted(by_entry, key=lambda e: by_entry[e].raw_rank) == RAW_ORDER
    assert [r.entry for r in results.entries] == NORMALISED_ORDER
    assert [by_entry[e].normalised_rank for e in NORMALISED_ORDER] == list(range(1, 13))
    assert all(r.jurors == 3 for r in results.entries)


def test_the_normalised_ranking_differs_exactly_where_leniency_and_harshness_act(edition):
    _, _, results = edition
    for entry in results.entries:
        panel = EDITION[entry.entry]
        expected_bias = 6 * ("ben" in panel) - 6 * ("chloe" in panel)
        assert entry.raw_aggregate - entry.normalised_aggregate == pytest.approx(expected_bias)
    # Every pair of entries the two rankings order differently has different biases:
    # the order changes only where a lenient or harsh juror moved an entry.
    by_entry = {e.entry: e for e in results.entries}
    bias = {e: RAW_SUM[e] - NORMALISED_SUM[e] for e in RAW_SUM}
    swapped = {
        (a, b)
        for a in by_entry
        for b in by_entry
        if by_entry[a].raw_rank < by_entry[b].raw_rank
        and by_entry[a].normalised_rank > by_entry[b].normalised_rank
    }
    assert swapped and all(bias[a] > bias[b] for a, b in swapped)
    assert ("E03", "E09") in swapped and ("E08", "E02") in swapped
    # Entries whose panel has both or neither of ben and chloe keep their points.
    assert {e for e in RAW_SUM if bias[e] == 0} == {"E01", "E05", "E10", "E11"}


def test_spread_per_entry_matches_the_hand_computation(edition):
    _, _, results = edition
    e03 = next(e for e in results.entries if e.entry == "E03")
    assert e03.raw_sd == pytest.approx(math.sqrt(258 / 27))
    assert (e03.raw_min, e03.raw_max, e03.raw_range) == (17, 24, 7)
    assert e03.normalised_sd == pytest.approx(math.sqrt(2) / 3)
    assert (e03.normalised_min, e03.normalised_max) == pytest.approx((17, 18))
    assert e03.normalised_range == pytest.approx(1)
    e09 = next(e for e in results.entries if e.entry == "E09")
    assert e09.normalised_sd == pytest.approx(0)  # the three jurors agree once chloe is fixed


def test_agreement_matches_the_krippendorff_package_and_rises_after_normalisation(edition):
    rubric, table, results = edition
    for k, criterion in enumerate(table.criteria):
        expected = krippendorff.alpha(
            reliability_data=table.values[:, :, k].T, level_of_measurement="interval"
        )
        assert results.agreement.criteria[criterion] == pytest.approx(expected)
    totals = weighted_totals(rubric, table)
    assert results.agreement.total == pytest.approx(
        krippendorff.alpha(reliability_data=totals.T, level_of_measurement="interval")
    )
    # Leniency alone makes the jurors look like they disagree; removing it shows they agree.
    assert results.agreement.total < AGREEMENT_THRESHOLD <= results.agreement.total_normalised
    low = [n for n in results.notices if n.code == "low_agreement"]
    assert {n.subject for n in low} == {"impact", "innovation", "total"}
    total_notice = next(n for n in low if n.subject == "total")
    assert "0.131" in total_notice.message and "0.777 after per-juror normalisation" in (
        total_notice.message
    )


def test_results_do_not_depend_on_the_order_of_the_scores(edition):
    rubric, _, results = edition
    shuffled = edition_scores()
    np.random.default_rng(5).shuffle(shuffled)
    again = compute_results(rubric, build_table(rubric, shuffled))
    assert again.entries == results.entries
    assert again.as_dict()["agreement"] == results.as_dict()["agreement"]


# -- normalisation with unequal spreads, and ties --------------------------------------------
#
# One criterion, 0..10 in half points, mean over jurors. Both jurors score all five entries:
#   ana: E1 8, E2 6, E3 5, E4 4, E5 2 -> mean 5, deviations 3 1 0 -1 -3, sd sqrt(20/5) = 2
#   bo:  E1 6.5, E2 8.5, E3 7, E4 5.5, E5 7.5 -> mean 7, deviations -.5 1.5 0 -1.5 .5,
#        sd sqrt(5/5) = 1
#   z:   ana 1.5 .5 0 -.5 -1.5; bo -.5 1.5 0 -1.5 .5
#   M = (5 + 7) / 2 = 6, S = (2 + 1) / 2 = 1.5; normalised = 6 + 1.5 z
#   raw means:        E1 7.25, E2 7.25, E3 6, E4 4.75, E5 4.75 -> ranks 1 1 3 4 4
#   normalised means: E1 6 + 1.5 x .5 = 6.75, E2 7.5, E3 6, E4 4.5, E5 5.25 -> ranks 2 1 3 5 4

TWO_JURORS = {"E1": (8, 6.5), "E2": (6, 8.5), "E3": (5, 7), "E4": (4, 5.5), "E5": (2, 7.5)}


def test_unequal_spreads_and_ties_by_hand():
    rubric = load_rubric({
        "id": "two-jurors", "title": {"en": "Two jurors"}, "aggregate": "mean",
        "scale": {"min": 0, "max": 10, "step": 0.5},
        "criteria": [{"id": "merit", "label": {"en": "Merit"}}],
    }, "test")
    scores = [Score(entry, juror, "merit", points)
              for entry, marks in TWO_JURORS.items()
              for juror, points in zip(("ana", "bo"), marks, strict=True)]
    results = compute_results(rubric, build_table(rubric, scores))
    assert {j.juror: (j.mean, j.sd) for j in results.jurors} == {"ana": (5, 2), "bo": (7, 1)}
    assert (results.panel_mean, results.panel_sd) == (6, 1.5)
    by_entry = {e.entry: e for e in results.entries}
    assert {e: r.raw_aggregate for e, r in by_entry.items()} == {
        "E1": 7.25, "E2": 7.25, "E3": 6, "E4": 4.75, "E5": 4.75
    }
    assert {e: r.raw_rank for e, r in by_entry.items()} == {
        "E1": 1, "E2": 1, "E3": 3, "E4": 4, "E5": 4
    }
    assert {e: r.normalised_aggregate for e, r in by_entry.items()} == pytest.approx(
        {"E1": 6.75, "E2": 7.5, "E3": 6, "E4": 4.5, "E5": 5.25}
    )
    assert {e: r.normalised_rank for e, r in by_entry.items()} == {
        "E1": 2, "E2": 1, "E3": 3, "E4": 5, "E5": 4
    }
    z = {(t.entry, t.juror): t.z for t in results.totals}
    assert (z[("E1", "ana")], z[("E1", "bo")]) == (1.5, -0.5)


def test_competition_ranking_shares_the_best_rank_and_skips():
    ranks = competition_rank(np.array([10.0, 20.0, 20.0, 5.0, np.nan, 10.0]))
    assert ranks[:4].tolist() == [3, 1, 1, 5] and math.isnan(ranks[4]) and ranks[5] == 3
    # float noise does not split a tie
    assert competition_rank(np.array([0.1 + 0.2, 0.3])).tolist() == [1, 1]
    assert competition_rank(np.array([])).size == 0


# -- N/A ------------------------------------------------------------------------------------

NA_RUBRIC = {
    "id": "na-test",
    "title": {"en": "N/A"},
    "scale": {"min": 0, "max": 10, "step": 1},
    "aggregate": "mean",
    "criteria": [
        {"id": "impact", "weight": 2, "label": {"en": "Impact"}},
        {"id": "cost", "max_points": 20, "allow_na": True, "label": {"en": "Cost"}},
    ],
}


def test_na_is_rescaled_away_by_hand():
    # impact 6 of 10 is 60% of its range; the N/A cost counts at 60% of its 20 points = 12;
    # total = 2 x 6 + 12 = 24 of 40 (the same 60%). Without N/A: 2 x 6 + 14 = 26.
    rubric = load_rubric(NA_RUBRIC, "test")
    table = build_table(rubric, [
        Score("E1", "ana", "impact", 6), Score("E1", "ana", "cost", None),
        Score("E1", "bo", "impact", 6), Score("E1", "bo", "cost", 14),
    ])
    results = compute_results(rubric, table)
    totals = {t.juror: (t.raw, t.rescaled) for t in results.totals}
    assert totals == {"ana": (24, True), "bo": (26, False)}
    assert results.entries[0].raw_aggregate == 25
    # N/A is missing data for agreement, not a zero
    assert math.isnan(table.values[0, 0, 1])


def test_na_rescaling_on_a_scale_that_does_not_start_at_zero():
    # 1..5: impact 4 is (4 - 1) / (5 - 1) = 75% of its range; N/A innovation counts as
    # 1 + 75% x 4 = 4; total 4 + 4 = 8.
    rubric = load_rubric({
        "id": "one-to-five", "title": {"en": "1-5"}, "aggregate": "mean", "allow_na": True,
        "scale": {"min": 1, "max": 5, "step": 1},
        "criteria": [{"id": "impact", "label": {"en": "I"}},
                     {"id": "innovation", "label": {"en": "N"}}],
    }, "test")
    table = build_table(rubric, [Score("E1", "ana", "impact", 4),
                                 Score("E1", "ana", "innovation", None)])
    assert weighted_totals(rubric, table).tolist() == [[8.0]]


@pytest.mark.parametrize(
    ("scores", "where", "reason"),
    [
        ([Score("E1", "ana", "impact", None), Score("E1", "ana", "cost", 3)],
         "E1/ana/impact", "N/A is not allowed"),
        ([Score("E1", "ana", "impact", 11), Score("E1", "ana", "cost", 3)],
         "E1/ana/impact", "11 is outside the scale 0..10"),
        ([Score("E1", "ana", "impact", 5), Score("E1", "ana", "cost", 21)],
         "E1/ana/cost", "21 is outside the scale 0..20"),
        ([Score("E1", "ana", "impact", 5.5), Score("E1", "ana", "cost", 3)],
         "E1/ana/impact", "not on the scale's steps of 1"),
        ([Score("E1", "ana", "impact", 5), Score("E1", "ana", "costs", 3)],
         "E1/ana/costs", "unknown criterion 'costs'"),
        ([Score("E1", "ana", "impact", 5)], "E1/ana/cost", "no score for this criterion"),
        ([Score("E1", "ana", "impact", 5), Score("E1", "ana", "cost", 3),
          Score("E1", "ana", "cost", 4)], "E1/ana/cost", "scored more than once"),
        ([Score("E1", "ana", "impact", float("inf")), Score("E1", "ana", "cost", 3)],
         "E1/ana/impact", "inf is not a number"),
    ],
)
def test_scores_that_do_not_fit_the_rubric_are_named(scores, where, reason):
    rubric = load_rubric(NA_RUBRIC, "test")
    with pytest.raises(ScoresInvalid) as caught:
        build_table(rubric, scores)
    assert reason in " ".join(caught.value.fields[where]), caught.value.fields
    assert where in caught.value.message


def test_every_criterion_na_is_refused():
    rubric = load_rubric(dict(NA_RUBRIC, allow_na=True), "test")
    with pytest.raises(ScoresInvalid, match="E1/ana: every criterion is N/A"):
        build_table(rubric, [Score("E1", "ana", "impact", None), Score("E1", "ana", "cost", None)])


def test_many_problems_are_listed_in_one_error():
    rubric = load_rubric(NA_RUBRIC, "test")
    scores = [Score(f"E{i}", "ana", "impact", 99) for i in range(12)]
    scores += [Score(f"E{i}", "ana", "cost", 1) for i in range(12)]
    with pytest.raises(ScoresInvalid) as caught:
        build_table(rubric, scores)
    assert len(caught.value.fields) == 12
    assert caught.value.message.startswith("12 problem(s) in the scores: ")
    assert caught.value.message.endswith("; and 2 more")


# -- aggregates -----------------------------------------------------------------------------


def reference_trimmed_mean(row: list[float], trim: float) -> float:
    values = sorted(v for v in row if not math.isnan(v))
    cut = math.floor(trim * len(values) + 1e-9)
    kept = values[cut:len(values) - cut]
    return sum(kept) / len(kept)


def test_trimmed_mean_cuts_a_share_from_each_end():
    nan = np.nan
    rows = np.array([
        [1, 5, 6, 7, 20, nan, nan, nan, nan, nan],  # 5 jurors, 20%: drop 1 and 20 -> 6
        [1, 2, 3, 10, nan, nan, nan, nan, nan, nan],  # 4 jurors: floor(0.8) = 0 -> mean 4
        [9, 1, 2, 3, 4, 5, 6, 7, 8, 10],  # 10 jurors: drop 1, 2 and 9, 10 -> mean 5.5
        [nan] * 10,  # no juror
    ])
    result = aggregate(rows, "trimmed_mean", 0.2)
    assert result[:3].tolist() == [6, 4, 5.5]
    assert math.isnan(result[3])
    assert result[:3].tolist() == [reference_trimmed_mean(list(r), 0.2) for r in rows[:3]]


def test_the_guangzhou_style_trimmed_mean_resists_one_outlying_juror():
    rubric = load_rubric({
        "id": "trimmed", "title": {"en": "T"}, "aggregate": "trimmed_mean", "trim": 0.2,
        "scale": {"min": 0, "max": 10, "step": 1},
        "criteria": [{"id": "merit", "label": {"en": "Merit"}}],
    }, "test")
    marks = {"a": 6, "b": 7, "c": 6, "d": 7, "e": 0}  # e sinks the entry alone
    table = build_table(rubric, [Score("E1", j, "merit", v) for j, v in marks.items()])
    results = compute_results(rubric, table)
    assert results.entries[0].raw_aggregate == pytest.approx((6 + 6 + 7) / 3)


@pytest.mark.parametrize(
    ("method", "expected"),
    [("sum_of_jurors", [20, 9, math.nan]), ("mean", [5, 3, math.nan]),
     ("median", [5, 3, math.nan])],
)
def test_sum_mean_and_median(method, expected):
    nan = np.nan
    rows = np.array([[2, 4, 6, 8], [1, 3, 5, nan], [nan, nan, nan, nan]])
    assert aggregate(rows, method).tolist() == pytest.approx(expected, nan_ok=True)


def test_median_of_an_even_panel_is_the_middle_pair_mean():
    assert aggregate(np.array([[1.0, 10.0, 4.0, 3.0]]), "median").tolist() == [3.5]


def test_unknown_aggregate_and_missing_trim_are_refused():
    with pytest.raises(ValueError, match="unknown aggregate 'mode'"):
        aggregate(np.ones((1, 2)), "mode")
    with pytest.raises(ValueError, match="trimmed_mean needs"):
        aggregate(np.ones((1, 2)), "trimmed_mean")


# -- jurors without spread, unequal panels, no agreement ------------------------------------


def one_criterion_rubric(aggregate_name: str = "sum_of_jurors"):
    return load_rubric({
        "id": "one", "title": {"en": "One"}, "aggregate": aggregate_name,
        "scale": {"min": 0, "max": 10, "step": 1},
        "criteria": [{"id": "merit", "label": {"en": "Merit"}}],
    }, "test")


def test_a_juror_without_spread_sits_at_the_panel_mean_and_is_reported():
    rubric = one_criterion_rubric()
    scores = [Score("E1", "ana", "merit", 7), Score("E2", "ana", "merit", 7),
              Score("E1", "bo", "merit", 9), Score("E2", "bo", "merit", 5),
              Score("E3", "bo", "merit", 1)]
    results = compute_results(rubric, build_table(rubric, scores))
    ana = next(j for j in results.jurors if j.juror == "ana")
    assert not ana.standardised and ana.sd == 0
    assert {t.z for t in results.totals if t.juror == "ana"} == {0}
    assert {t.normalised for t in results.totals if t.juror == "ana"} == {results.panel_mean}
    # bo's spread alone sets the panel sd
    bo = next(j for j in results.jurors if j.juror == "bo")
    assert results.panel_sd == bo.sd
    codes = {n.code: n for n in results.notices}
    assert codes["juror_without_spread"].subject == "ana"
    assert "same total (7)" in codes["juror_without_spread"].message
    assert "1 to 2 jurors per entry" in codes["unequal_panels"].message


def test_agreement_without_variation_is_undefined_and_reported():
    rubric = one_criterion_rubric("mean")
    scores = [Score(e, j, "merit", 5) for e in ("E1", "E2") for j in ("ana", "bo")]
    results = compute_results(rubric, build_table(rubric, scores))
    assert results.agreement.criteria == {"merit": None}
    assert results.agreement.total is None
    assert [n.code for n in results.notices].count("agreement_undefined") == 1
    assert results.panel_sd == 0


def test_no_scores_give_empty_results():
    rubric = one_criterion_rubric()
    results = compute_results(rubric, build_table(rubric, []))
    assert results.entries == () and results.jurors == () and results.totals == ()
    assert results.panel_mean is None


# -- agreement against the krippendorff package ---------------------------------------------


def test_interval_alpha_on_krippendorffs_own_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the 4 coders x 12
    # units example with missing values; interval alpha = 0.849.
    nan = np.nan
    coders_by_units = np.array([
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ])
    assert interval_alpha(coders_by_units.T) == pytest.approx(0.849, abs=5e-4)
    assert interval_alpha(coders_by_units.T) == pytest.approx(
        krippendorff.alpha(reliability_data=coders_by_units, level_of_measurement="interval")
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(2, 12).flatmap(
        lambda units: st.integers(2, 5).flatmap(
            lambda coders: arrays(
                float, (units, coders),
                elements=st.one_of(st.integers(0, 10).map(float), st.just(np.nan)),
            )
        )
    )
)
def test_interval_alpha_equals_the_krippendorff_package(values):
    pairable = (~np.isnan(values)).sum(axis=1) >= 2
    pooled = values[pairable][~np.isnan(values[pairable])]
    assume(pairable.sum() >= 1 and np.unique(pooled).size >= 2)
    expected = krippendorff.alpha(reliability_data=values.T, level_of_measurement="interval")
    assert interval_alpha(values) == pytest.approx(expected, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.int64, (6, 3), elements=st.integers(2, 8)),
    st.integers(0, 2),
    st.sampled_from([-2, -1, 1, 2]),
)
def test_shifting_one_jurors_scores_changes_no_z_score_and_no_normalised_rank(marks, juror, shift):
    """The fairness claim: a juror's leniency (a constant on all they give) is removed."""
    rubric = one_criterion_rubric("mean")

    def results_for(points: np.ndarray):
        scores = [Score(f"E{e}", f"J{j}", "merit", int(points[e, j]))
                  for e in range(points.shape[0]) for j in range(points.shape[1])]
        return compute_results(rubric, build_table(rubric, scores))

    shifted = marks.copy()
    shifted[:, juror] += shift
    before, after = results_for(marks), results_for(shifted)
    assert [t.z for t in before.totals] == pytest.approx([t.z for t in after.totals])
    assert [e.normalised_rank for e in before.entries] == [
        e.normalised_rank for e in after.entries
    ]


def test_normalise_on_its_own():
    totals = np.array([[10.0, 4.0], [14.0, np.nan], [12.0, 8.0]])
    norm = normalise(totals)
    # juror 0: mean 12, sd sqrt(8/3); juror 1: mean 6, sd 2
    assert norm.juror_mean.tolist() == [12, 6]
    assert norm.juror_sd.tolist() == pytest.approx([math.sqrt(8 / 3), 2])
    assert norm.panel_mean == 9
    assert norm.z[1, 0] == pytest.approx(2 / math.sqrt(8 / 3))
    assert math.isnan(norm.z[1, 1]) and math.isnan(norm.normalised[1, 1])
    assert norm.normalised[2, 1] == pytest.approx(9 + norm.panel_sd)
