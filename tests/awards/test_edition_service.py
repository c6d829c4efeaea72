"""A whole award edition through the award service, on SQLite and on PostgreSQL.

Twelve real practices, five jurors (Ben lenient, Chloé harsh), conflicts of interest that
keep jurors off entries, a blind round, drafts and submissions, results checked against the
hand computation of ``test_scoring``, an audit trail of every score change, and publication
that freezes it all. See ``edition_story`` for the cast.
"""

from __future__ import annotations

import csv
import io
import json

import krippendorff
import numpy as np
import pytest

from registry.errors import NotFound, RecordInvalid
from registry.scoring import AGREEMENT_THRESHOLD
from registry.services.awards import AlreadyExists, ConflictOfInterest, NotAssigned, PhaseError

from .edition_story import (
    AWARD,
    CONFLICTS,
    CRITERIA,
    ENTRIES,
    HISTORIC_I,
    JURORS,
    NETWORK,
    PANELS,
    RUBRIC,
    marks,
)
from .test_scoring import NORMALISED_ORDER, NORMALISED_SUM, RAW_ORDER, RAW_SUM, TOTALS

JUROR_MEAN = {"ana": 15, "ben": 21, "chloe": 9, "dario": 15, "eva": 15}


def test_a_blind_edition_runs_from_entries_to_frozen_results(story):
    awards, eid, jurors = story.awards, story.id, story.jurors

    # -- the jury and its conflicts ---------------------------------------------------------
    found = {(story.juror_key(c["juror"]), c["entry"], c["kind"])
             for c in awards.conflicts(eid)}
    assert found == CONFLICTS
    eva_lyon = [c for c in awards.conflicts(eid) if c["entry"] == "E07"]
    assert {c["note"] for c in eva_lyon} == {
        "juror and practice are both from FR",
        "juror works for Ville de Lyon, the practice's lead entity"}
    with pytest.raises(ConflictOfInterest,
                       match="Darío López cannot score E02: conflict of interest, same_country"):
        awards.assign(eid, jurors["dario"], ["E02"])
    with pytest.raises(ConflictOfInterest, match=r"declared \(advised Rosario's care network"):
        awards.assign(eid, jurors["ana"], ["E11"])

    story.assign_panels()
    loads = {story.juror_key(j["id"]): j["assigned"] for j in awards.jurors(eid)}
    assert loads == {"ana": 7, "ben": 7, "chloe": 7, "dario": 7, "eva": 8}
    awards.start_scoring(eid)

    # -- the blind round: Ana reads her seven entries in Spanish, without names ------------
    ana = awards.juror_entries(eid, jurors["ana"])
    assert [e["label"] for e in ana["entries"]] == [
        label for label, panel in PANELS.items() if "ana" in panel]
    assert ana["rubric"]["title"].startswith("Premio de Buenas Prácticas Regionales")
    assert [c["label"] for c in ana["rubric"]["criteria"]][:2] == [
        "Impacto y resultados", "Innovación"]
    for entry in ana["entries"]:
        record = story.registry.practices.get(story.practices[entry["label"]])
        shown = json.dumps(entry, ensure_ascii=False).casefold()
        hidden = (record["jurisdiction"]["name"], record["lead_entity"]["name"],
                  story.practices[entry["label"]])
        assert not [name for name in hidden if name.casefold() in shown], entry["label"]
        assert entry["practice"]["title"] == record["title"]
    medellin = awards.juror_entry(eid, jurors["ana"], "E05")["entry"]["practice"]
    assert "[oculto]" in medellin["description"]["es"]  # "Medellín" was in the text
    with pytest.raises(NotAssigned, match="Ana Ruiz is not assigned to E06"):
        awards.juror_entry(eid, jurors["ana"], "E06")

    # -- scoring: a draft first, then the rest with submit ----------------------------------
    # Ben's first impression of E03's impact is 7; he brings it down to 5 before submitting.
    awards.save_scores(eid, jurors["ben"], "E03", {"impact": 7},
                       comments={"impact": "Strong figures on early childhood."})
    for label, panel in PANELS.items():
        for juror in panel:
            points = marks(juror, label)
            draft = awards.save_scores(eid, jurors[juror], label,
                                       {c: points[c] for c in CRITERIA[:2]})
            assert draft["entry"]["status"] == "draft"
            done = awards.save_scores(eid, jurors[juror], label,
                                      {c: points[c] for c in CRITERIA[2:]}, submit=True)
            assert done["entry"]["status"] == "submitted"
    ben_e03 = awards.juror_entry(eid, jurors["ben"], "E03")
    assert ben_e03["scores"]["impact"] == {"value": 5, "na": False, "status": "submitted",
                                           "comment": "Strong figures on early childhood."}
    # other jurors' scores stay hidden while scoring is open...
    assert (ben_e03["panel_visible"], ben_e03["panel"]) == (False, [])

    # -- the audit trail --------------------------------------------------------------------
    changes = awards.score_changes(eid)
    assert len(changes) == 36 * 5 + 1
    ben_impact = [(c["old"], c["new"], c["changed_by"], c["via"]) for c in changes
                  if (c["entry"], c["criterion"]) == ("E03", "impact")
                  and c["juror"] == JURORS["ben"]["email"]]
    assert ben_impact == [(None, "7", JURORS["ben"]["email"], "juror"),
                          ("7", "5", JURORS["ben"]["email"], "juror")]

    awards.close_scoring(eid)
    # ...and are shown once the chair closes it
    panel = awards.juror_entry(eid, jurors["ben"], "E03")["panel"]
    assert [(p["juror"], p["scores"]["impact"]["value"]) for p in panel] == [
        ("Ana Ruiz", marks("ana", "E03")["impact"]), ("Eva Lefèvre", marks("eva", "E03")["impact"])]
    with pytest.raises(PhaseError, match="scoring of edition .* is closed"):
        awards.save_scores(eid, jurors["ben"], "E03", {"impact": 6})

    # -- results: the hand computation of test_scoring --------------------------------------
    results = awards.results(eid)
    assert (results["aggregate"], results["frozen"]) == ("sum_of_jurors", False)
    by_entry = {e["entry"]: e for e in results["entries"]}
    assert {label: e["raw_aggregate"] for label, e in by_entry.items()} == RAW_SUM
    assert {label: e["normalised_aggregate"] for label, e in by_entry.items()} == (
        pytest.approx(NORMALISED_SUM))
    assert sorted(by_entry, key=lambda label: by_entry[label]["raw_rank"]) == RAW_ORDER
    assert [e["entry"] for e in results["entries"]] == NORMALISED_ORDER
    # Dakar (E09) is the jurors' shared favourite: Chloé's 12 is 1.5 of her sd (2) above her
    # mean (9), the same as Darío's and Eva's 18 above theirs (15): 18 + 18 + 18 = 54, first.
    # Raw, her harshness leaves it at 12 + 18 + 18 = 48, fifth, behind Windhoek (E03), whose
    # 59 owes 6 to Ben's leniency.
    dakar = by_entry["E09"]
    assert (dakar["raw_rank"], dakar["normalised_rank"]) == (5, 1)
    assert dakar["title"] == "Maisons de quartier pour l'insertion des jeunes mères"
    assert dakar["place"] == "Dakar, SN"
    assert [(t["name"], t["raw"], t["z"], t["normalised"]) for t in dakar["totals"]] == [
        ("Chloé Martin", 12, 1.5, 18), ("Darío López", 18, 1.5, 18), ("Eva Lefèvre", 18, 1.5, 18)]
    windhoek = by_entry["E03"]
    assert (windhoek["raw_aggregate"], windhoek["normalised_aggregate"]) == (59, 53)
    assert windhoek["raw_sd"] == pytest.approx((258 / 27) ** 0.5)
    assert windhoek["normalised_sd"] == pytest.approx(2**0.5 / 3)
    assert (windhoek["raw_range"], windhoek["normalised_range"]) == (7, 1)
    leniency = {story.juror_key(jurors[k]): j["leniency"]
                for k in JURORS for j in results["jurors"] if j["name"] == JURORS[k]["name"]}
    assert leniency == {"ana": 0, "ben": 6, "chloe": -6, "dario": 0, "eva": 0}
    assert (results["panel_mean"], results["panel_sd"]) == (15, pytest.approx(2))

    # agreement: the krippendorff package on the same totals, raw and normalised
    def alpha(values: dict[str, dict[str, float]]) -> float:
        matrix = np.array([[values[j].get(label, np.nan) for label in ENTRIES] for j in JURORS])
        return krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")

    normalised = {j: {label: t - JUROR_MEAN[j] + 15 for label, t in row.items()}
                  for j, row in TOTALS.items()}
    agreement = results["agreement"]
    assert agreement["total"] == pytest.approx(alpha(TOTALS))
    assert agreement["total_normalised"] == pytest.approx(alpha(normalised))
    for criterion in CRITERIA:
        points = {j: {label: marks(j, label)[criterion] for label in row}
                  for j, row in TOTALS.items()}
        assert agreement["criteria"][criterion] == pytest.approx(alpha(points))
    # lenient and harsh jurors make the raw scores disagree; normalised, they agree
    assert agreement["total"] < AGREEMENT_THRESHOLD < agreement["total_normalised"]
    assert results["low_agreement"] == [*CRITERIA, "total"]
    assert any("0.131 is below 0.667 (0.777 after per-juror normalisation)" in n["message"]
               for n in results["notices"])

    # -- CSV export, then publication freezes everything ------------------------------------
    rows = list(csv.DictReader(io.StringIO(awards.results_csv(eid))))
    assert [r["entry"] for r in rows] == NORMALISED_ORDER
    assert (rows[0]["raw_aggregate"], rows[0]["normalised_aggregate"], rows[0]["raw_rank"],
            rows[0]["normalised_rank"]) == ("48", "54", "5", "1")

    published = awards.publish(eid)
    assert published["frozen"] and published["edition"]["phase"] == "published"
    assert published["entries"] == results["entries"]
    assert published["frozen_rubric"]["id"] == RUBRIC
    assert awards.results(eid) == published
    frozen_csv = awards.results_csv(eid)
    for attempt in (
        lambda: awards.save_scores(eid, jurors["ben"], "E03", {"impact": 0}),
        lambda: awards.import_scores(eid, "entry,juror," + ",".join(CRITERIA) + "\n"),
        lambda: awards.assign(eid, jurors["ana"], ["E06"]),
    ):
        with pytest.raises(PhaseError, match="was published on .*; its results are frozen and "
                                             "its scores can no longer change"):
            attempt()
    assert awards.results(eid) == published and awards.results_csv(eid) == frozen_csv
    assert len(awards.score_changes(eid)) == len(changes)


def test_historic_oru_results_come_from_the_practices_records(story):
    awards = story.awards
    first = awards.create_edition(story.award_id, "I", RUBRIC, year=2016)
    imported = awards.import_historic(first["id"])
    found = {e["place"]: (e["historic_total"], e["registration_no"]) for e in imported}
    assert found == HISTORIC_I  # Québec's result is of edition II: not this one
    jalisco = next(e for e in imported if e["place"] == "Jalisco, MX")
    assert jalisco["practice_id"] == story.practices["E02"]
    assert jalisco["historic"] and jalisco["label"].startswith("H")
    assert jalisco["submitted_by"] == f"imported from the record's awards ({AWARD})"
    assert {e["status"] for e in imported} == {"imported"}
    # importing again adds nothing
    again = awards.import_historic(first["id"])
    assert {e["status"] for e in again} == {"already entered"}
    assert len(awards.entries(first["id"])) == 3

    # historic entries are shown apart from the scored ones, never scored
    results = awards.results(first["id"])
    assert results["entries"] == []
    assert {h["place"]: (h["historic_total"], h["registration_no"]) for h in
            results["historic"]} == HISTORIC_I
    assert all("not scored in the registry" in h["note"] for h in results["historic"])
    juror = awards.invite_juror(first["id"], "Ana Ruiz", "ana@example.org")
    with pytest.raises(RecordInvalid, match="historic result imported from the award's "
                                            "documents"):
        awards.assign(first["id"], juror["id"], [jalisco["label"]])
    assert awards.conflicts(first["id"]) == []

    # naming a practice without a result of this edition says what it has instead
    second = awards.create_edition(story.award_id, "II", RUBRIC, year=2017)
    with pytest.raises(RecordInvalid, match=f"practice {story.practices['E02']} records no "
                                            "result of "
                                        f"{AWARD} II \\(2017\\); its awards: {AWARD} I \\(2016\\)"):
        awards.import_historic(second["id"], [story.practices["E02"]])
    quebec = awards.import_historic(second["id"], [story.practices["E12"]])
    assert [(q["historic_total"], q["registration_no"], q["historic_outcome"])
            for q in quebec] == [(1032.5, "104", "winner")]


def test_entries_are_submitted_once_from_existing_practices_while_the_edition_is_open(story):
    awards = story.awards
    entries = awards.entries(story.id)
    assert [(e["label"], e["place"], e["submitted_by"]) for e in entries] == [
        (label, place, NETWORK) for label, (_, place) in ENTRIES.items()]
    with pytest.raises(AlreadyExists, match=f"practice {story.practices['E05']} is already "
                                            "entry "
                                        "E05 of this edition"):
        awards.submit_entry(story.id, story.practices["E05"])
    with pytest.raises(NotFound, match="no practice gp-000000000000"):
        awards.submit_entry(story.id, "gp-000000000000")
    story.assign_panels()
    awards.start_scoring(story.id)
    relaf = next(r["id"] for r in story.registry.practices.iter_all()
                 if r["provenance"]["format"] == "relaf_newsletter")
    with pytest.raises(PhaseError, match="entries are submitted only in phase 'open'"):
        awards.submit_entry(story.id, relaf)


def test_entries_may_sit_in_categories_of_their_edition(story):
    awards = story.awards
    edition = awards.create_edition(story.award_id, "IV", RUBRIC, year=2019,
                                    categories=["Early childhood", "Older people"])
    assert edition["categories"] == ["Early childhood", "Older people"]
    entry = awards.submit_entry(edition["id"], story.practices["E03"], category="early CHILDHOOD")
    assert entry["category"] == "Early childhood"
    with pytest.raises(RecordInvalid, match="has no category 'Housing' .its categories: Early "
                                            "childhood, Older people."):
        awards.submit_entry(edition["id"], story.practices["E07"], category="Housing")
    with pytest.raises(AlreadyExists, match=f"{AWARD} already has an edition 'iv'"):
        awards.create_edition(story.award_id, "iv", RUBRIC)
    with pytest.raises(RecordInvalid, match="no rubric 'oru'; the rubric plugins provide: "
                                            "guangzhou-urban-innovation, "
                                            "oru-regional-good-practices"):
        awards.create_edition(story.award_id, "V", "oru")


def test_a_practice_entered_in_an_award_cannot_be_deleted(registry, seed_paths):
    from registry.errors import InUse

    practice_id = registry.imports.import_document(seed_paths["oru_fogar"]).practice_ids[0]
    award = registry.awards.create_award("Regional Good Practices Award")
    edition = registry.awards.create_edition(award["id"], "I", "oru-regional-good-practices",
                                             year=2016)
    registry.awards.submit_entry(edition["id"], practice_id)
    with pytest.raises(InUse, match="withdraw those entries"):
        registry.practices.delete(practice_id)
    assert registry.practices.get(practice_id)["id"] == practice_id
