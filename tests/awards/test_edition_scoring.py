"""Scoring rules: what a juror may save, when, and what the chair's score sheets must say."""

from __future__ import annotations

import pytest

from registry.errors import NotFound
from registry.scoring import ScoresInvalid
from registry.services import Registry
from registry.services.awards import NotAssigned, PhaseError

from .edition_story import CRITERIA, JURORS, PANELS, import_practices, marks, score_sheet
from .extra_rubric_plugin import family_award


@pytest.fixture
def scoring(story):
    story.assign_panels()
    story.awards.start_scoring(story.id)
    return story


def test_nobody_scores_before_the_chair_starts_scoring(story):
    story.assign_panels()
    with pytest.raises(PhaseError, match="scoring of edition .* has not started yet"):
        story.awards.save_scores(story.id, story.jurors["ana"], "E01", {"impact": 3})


def test_scoring_cannot_start_before_anyone_is_assigned(story):
    with pytest.raises(PhaseError, match="no juror is assigned to any entry yet"):
        story.awards.start_scoring(story.id)


@pytest.mark.parametrize(("values", "where", "reason"), [
    ({"impact": 11}, "impact", "11 is outside the scale 0..10."),
    ({"impact": "7,5"}, "impact", "7.5 is not on the scale's steps of 1 from 0."),
    ({"impact": "seven"}, "impact", "'seven' is not a number (write NA where"),
    ({"impact": "NA"}, "impact", "N/A is not allowed for this criterion."),
    ({"impact": True}, "impact", "True is not a number."),
    ({"impakt": 5}, "impakt", "unknown criterion (rubric 'oru-regional-good-practices' has "
                              "impact, innovation, sustainability"),
])
def test_a_score_that_does_not_fit_the_rubric_is_refused_naming_the_criterion(
        scoring, values, where, reason):
    with pytest.raises(ScoresInvalid) as caught:
        scoring.awards.save_scores(scoring.id, scoring.jurors["ana"], "E01", values)
    assert reason in " ".join(caught.value.fields[where])
    assert scoring.awards.score_changes(scoring.id) == []


def test_submitting_needs_every_criterion_and_a_comment_needs_a_score(scoring):
    awards, ana = scoring.awards, scoring.jurors["ana"]
    with pytest.raises(ScoresInvalid) as caught:
        awards.save_scores(scoring.id, ana, "E01", {"impact": 5}, submit=True)
    assert set(caught.value.fields) == set(CRITERIA[1:])
    assert "no score yet; every criterion is scored before submitting." in (
        caught.value.fields["innovation"])
    with pytest.raises(ScoresInvalid, match="innovation: a comment goes with a score"):
        awards.save_scores(scoring.id, ana, "E01", {"impact": 5},
                           comments={"innovation": "Nothing new.", "impact": ""})
    # an empty comment box beside an unscored criterion is just an empty form field
    saved = awards.save_scores(scoring.id, ana, "E01", {"impact": 5},
                               comments={"innovation": "", "impact": " Clear figures. "})
    assert saved["scores"] == {"impact": {"value": 5, "na": False, "comment": "Clear figures.",
                                          "status": "draft"}}
    assert saved["changed"] == 1


def test_a_juror_reaches_only_their_own_entries(scoring):
    awards = scoring.awards
    with pytest.raises(NotAssigned, match="Darío López is not assigned to E02"):
        awards.save_scores(scoring.id, scoring.jurors["dario"], "E02", {"impact": 5})
    with pytest.raises(NotFound, match=f"edition {scoring.id} has no juror 999"):
        awards.juror_entries(scoring.id, 999)
    with pytest.raises(NotFound, match="has no entry 'E99'"):
        awards.juror_entry(scoring.id, scoring.jurors["ana"], "E99")
    # a juror of another edition is no juror of this one
    other = awards.create_edition(scoring.award_id, "IV", "guangzhou-urban-innovation")
    stranger = awards.invite_juror(other["id"], "Ana Ruiz", JURORS["ana"]["email"])
    with pytest.raises(NotFound, match=f"edition {scoring.id} has no juror {stranger['id']}"):
        awards.juror_entries(scoring.id, stranger["id"])


def test_unsubmitted_scores_are_left_out_and_the_chair_is_told(scoring):
    awards = scoring.awards
    for label, panel in PANELS.items():
        for juror in panel:
            points = marks(juror, label)
            if (juror, label) == ("eva", "E02"):
                awards.save_scores(scoring.id, scoring.jurors[juror], label, points)  # draft
            else:
                awards.save_scores(scoring.id, scoring.jurors[juror], label, points,
                                   submit=True)
    progress = awards.edition(scoring.id)["progress"]
    assert progress == {"assignments": 36, "not_started": 0, "draft": 1, "submitted": 35}
    results = awards.results(scoring.id)
    e02 = next(e for e in results["entries"] if e["entry"] == "E02")
    assert e02["jurors"] == 2 and e02["raw_aggregate"] == 16 + 10
    notice = next(n for n in results["notices"] if n["code"] == "unsubmitted")
    assert notice["message"] == ("1 assignment(s) have no submitted scores and are not "
                                 "counted: E02/Eva Lefèvre.")


def test_a_score_sheet_enters_submitted_scores_and_every_bad_row_is_named(scoring):
    awards = scoring.awards
    bad = (score_sheet(["ana"])
           + "E99,ana.ruiz@jury.example.org,1,1,1,1,1\n"
           + "E02,nobody@example.org,1,1,1,1,1\n"
           + "E06,ana.ruiz@jury.example.org,1,1,1,1,1\n")
    with pytest.raises(ScoresInvalid) as caught:
        awards.import_scores(scoring.id, bad)
    assert caught.value.fields == {
        "entry 'E99', juror 'ana.ruiz@jury.example.org'": ["no entry 'E99' in this edition."],
        "entry 'E02', juror 'nobody@example.org'": [
            "no juror with email 'nobody@example.org' in this edition."],
        "entry 'E06', juror 'ana.ruiz@jury.example.org'": ["Ana Ruiz is not assigned to E06."],
    }
    assert awards.score_changes(scoring.id) == []  # all or nothing

    imported = awards.import_scores(scoring.id, score_sheet(), actor="jury secretary")
    assert imported == {"sheets": 36, "scores": 180, "changed": 180}
    assert awards.edition(scoring.id)["progress"]["submitted"] == 36
    changes = awards.score_changes(scoring.id)
    assert {(c["changed_by"], c["via"]) for c in changes} == {("jury secretary", "import")}
    # the same sheet again changes nothing; a corrected cell is one audited change
    assert awards.import_scores(scoring.id, score_sheet())["changed"] == 0
    awards.close_scoring(scoring.id)
    corrected = score_sheet(["ben"]).replace("E03,ben.carvalho@jury.example.org,5,5,5,5,4",
                                             "E03,ben.carvalho@jury.example.org,4,5,5,5,4")
    assert awards.import_scores(scoring.id, corrected, actor="chair")["changed"] == 1
    last = awards.score_changes(scoring.id)[-1]
    assert (last["entry"], last["criterion"], last["old"], last["new"], last["changed_by"]) == (
        "E03", "impact", "5", "4", "chair")


def test_a_rubric_from_a_separate_plugin_package_scores_an_edition_with_na(config):
    """The fourth rubric (tests/awards/extra_rubric_plugin) arrives without touching the
    core: half points, a criterion worth 5, N/A allowed for cost per family, median."""
    registry = Registry.from_config(config, extra_plugins=(family_award,))
    registry.init()
    try:
        practices = import_practices(registry)
        awards = registry.awards
        award = awards.create_award("Inclusive Cities for Sustainable Families Award")
        edition = awards.create_edition(award["id"], "2024", "inclusive-cities-family-award")
        for label in ("E01", "E04"):
            awards.submit_entry(edition["id"], practices[label])
        ines = awards.invite_juror(edition["id"], "Inés Gil", "ines@example.org", language="es")
        awards.assign(edition["id"], ines["id"], ["E01", "E02"])
        awards.start_scoring(edition["id"])
        form = awards.juror_entry(edition["id"], ines["id"], "E01")["rubric"]
        assert [(c["label"], c["max"], c["allow_na"]) for c in form["criteria"]] == [
            ("Resultados para las familias", 10, False),
            ("Adecuación a la Declaración de Venecia", 5, False),
            ("Coste por familia", 10, True)]
        with pytest.raises(ScoresInvalid, match="declaration_fit: 5.5 is outside the scale"):
            awards.save_scores(edition["id"], ines["id"], "E01", {"declaration_fit": "5,5"})
        awards.save_scores(edition["id"], ines["id"], "E01", {
            "family_outcomes": "7,5", "declaration_fit": 4, "cost_per_family": "NA"},
            submit=True)
        awards.save_scores(edition["id"], ines["id"], "E02", {
            "family_outcomes": 6, "declaration_fit": 2.5, "cost_per_family": 3}, submit=True)
        totals = {e["entry"]: e["totals"][0] for e in awards.results(edition["id"])["entries"]}
        # E01: 2 x 7.5 + 4 = 19 of 25 on the criteria given (76%); N/A cost counts 76% of 10
        assert (totals["E01"]["raw"], totals["E01"]["rescaled"]) == (pytest.approx(26.6), True)
        assert (totals["E02"]["raw"], totals["E02"]["rescaled"]) == (2 * 6 + 2.5 + 3, False)
        changes = awards.score_changes(edition["id"])
        assert [c["new"] for c in changes if c["entry"] == "E01"] == ["7.5", "4", "NA"]
    finally:
        registry.close()
