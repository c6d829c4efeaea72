"""Score sheets in and results out as CSV: round trips, and errors naming row and column."""

from __future__ import annotations

import csv
import io

import pytest

from registry.rubrics import load_rubric
from registry.scoring import (
    Score,
    ScoresInvalid,
    build_table,
    compute_results,
    results_to_csv,
    scores_from_csv,
    scores_to_csv,
)

from .test_scoring import EDITION_RUBRIC, edition_scores

RUBRIC = load_rubric({
    "id": "csv-test",
    "title": {"en": "CSV"},
    "scale": {"min": 0, "max": 10, "step": 0.5},
    "aggregate": "mean",
    "criteria": [
        {"id": "impact", "weight": 2, "label": {"en": "Impact"}},
        {"id": "cost", "allow_na": True, "label": {"en": "Cost"}},
    ],
}, "test")

HEADER = "entry,juror,impact,cost\n"


def test_scores_round_trip_through_csv():
    scores = [
        Score("E1", "ana", "impact", 7.5), Score("E1", "ana", "cost", None),
        Score("E1", "bo", "impact", 10), Score("E1", "bo", "cost", 0),
        Score("E2, the one with a comma", "ana", "impact", 3), Score("E2, the one with a comma",
                                                                    "ana", "cost", 4.5),
    ]
    text = scores_to_csv(scores, RUBRIC)
    assert text.splitlines()[:3] == [
        "entry,juror,impact,cost", "E1,ana,7.5,NA", "E1,bo,10,0",
    ]
    assert sorted(scores_from_csv(text, RUBRIC), key=repr) == sorted(scores, key=repr)


def test_the_edition_round_trips_to_the_same_results():
    rubric = load_rubric(EDITION_RUBRIC, "test")
    scores = edition_scores()
    again = scores_from_csv(scores_to_csv(scores, rubric), rubric)
    assert sorted(again, key=repr) == sorted(scores, key=repr)
    first = compute_results(rubric, build_table(rubric, scores))
    second = compute_results(rubric, build_table(rubric, again))
    assert results_to_csv(first) == results_to_csv(second)


def test_spreadsheet_exports_in_spanish_or_french_are_read():
    # Excel set to es/fr: ';' between cells, a decimal comma, a BOM, blank lines, spaces.
    text = "\ufeffentry;juror;impact;cost\r\nE1; ana ;7,5;n/a\r\n\r\nE2;ana;8;1,0\r\n"
    assert scores_from_csv(text, RUBRIC) == [
        Score("E1", "ana", "impact", 7.5), Score("E1", "ana", "cost", None),
        Score("E2", "ana", "impact", 8), Score("E2", "ana", "cost", 1),
    ]


def test_columns_may_come_in_any_order():
    text = "cost,juror,entry,impact\n2,ana,E1,4\n"
    assert scores_from_csv(text, RUBRIC) == [
        Score("E1", "ana", "impact", 4), Score("E1", "ana", "cost", 2),
    ]


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        (HEADER + "E1,ana,seven,2\n", "row 2, column 'impact'", "'seven' is not a number"),
        (HEADER + "E1,ana,1.000,2\nE2,ana,1e3,2\n", "row 3, column 'impact'",
         "'1e3' is not a number"),
        (HEADER + "E1,ana,11,2\n", "row 2, column 'impact'", "11 is outside the scale 0..10"),
        (HEADER + "E1,ana,-1,2\n", "row 2, column 'impact'", "-1 is outside the scale 0..10"),
        (HEADER + "E1,ana,7.25,2\n", "row 2, column 'impact'",
         "7.25 is not on the scale's steps of 0.5"),
        (HEADER + "E1,ana,NA,2\n", "row 2, column 'impact'", "N/A is not allowed"),
        (HEADER + "E1,ana,,2\n", "row 2, column 'impact'", "no score."),
        (HEADER + "E1,ana,5,\n", "row 2, column 'cost'", "no score (write NA if it does not"),
        (HEADER + "E1,ana,5\n", "row 2", "3 cells where the header has 4"),
        (HEADER + ",ana,5,5\n", "row 2, column 'entry'", "empty"),
        (HEADER + "E1,ana,5,5\nE2,bo,5,5\nE1,ana,6,6\n", "row 4",
         "entry 'E1' and juror 'ana' are already on row 2"),
        ("entry,juror,impakt,cost\n", "row 1, column 'impakt'",
         "not a criterion of rubric 'csv-test' (its criteria: impact, cost)"),
        ("entry,juror,impact\n", "row 1", "no column 'cost'"),
        ("entry,impact,cost\n", "row 1", "no column 'juror'"),
        ("entry,juror,impact,cost,impact\n", "row 1, column 'impact'", "appears twice"),
        ("entry,juror,impact,cost,\n", "row 1, column 5", "column without a name"),
        ("", "row 1", "the sheet is empty; expected the header entry,juror,impact,cost"),
        ("\n\n", "row 1", "the sheet is empty"),
    ],
)
def test_csv_errors_name_row_and_column(text, where, reason):
    with pytest.raises(ScoresInvalid) as caught:
        scores_from_csv(text, RUBRIC)
    error = caught.value
    assert where in error.fields, error.fields
    assert reason in " ".join(error.fields[where])
    assert f"{where}: " in error.message
    assert error.code == "scores_invalid"


def test_every_bad_cell_of_a_sheet_is_reported_at_once():
    text = HEADER + "E1,ana,x,2\nE2,ana,5,y\nE3,ana,5,2\nE4,ana,20,2\n"
    with pytest.raises(ScoresInvalid) as caught:
        scores_from_csv(text, RUBRIC)
    assert set(caught.value.fields) == {
        "row 2, column 'impact'", "row 3, column 'cost'", "row 5, column 'impact'",
    }


def test_results_csv_puts_raw_and_normalised_side_by_side():
    rubric = load_rubric(EDITION_RUBRIC, "test")
    results = compute_results(rubric, build_table(rubric, edition_scores()))
    rows = list(csv.DictReader(io.StringIO(results_to_csv(results))))
    header = list(rows[0])
    assert header == [
        "entry", "jurors", "raw_aggregate", "normalised_aggregate", "raw_rank",
        "normalised_rank", "raw_sd", "normalised_sd", "raw_min", "normalised_min", "raw_max",
        "normalised_max", "raw_range", "normalised_range",
    ]
    assert [row["entry"] for row in rows] == [e.entry for e in results.entries]
    first = rows[0]
    assert (first["entry"], first["raw_aggregate"], first["normalised_aggregate"]) == (
        "E09", "48", "54"
    )
    assert (first["raw_rank"], first["normalised_rank"], first["normalised_sd"]) == ("5", "1", "0")
    e03 = next(row for row in rows if row["entry"] == "E03")
    assert (e03["raw_sd"], e03["normalised_sd"]) == ("3.091206", "0.471405")
    for row, entry in zip(rows, results.entries, strict=True):
        assert float(row["normalised_aggregate"]) == pytest.approx(
            entry.normalised_aggregate, abs=1e-6
        )


def test_a_single_score_gives_a_full_results_row():
    rubric = load_rubric(dict(EDITION_RUBRIC, aggregate="mean"), "test")
    scores = [Score("E1", "ana", "impact", 5), Score("E1", "ana", "innovation", 5)]
    text = results_to_csv(compute_results(rubric, build_table(rubric, scores)))
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["raw_aggregate"] == "15" and row["raw_sd"] == "0"
    assert row["normalised_aggregate"] == "15"
