"""The chair runs the story's edition with ``registry award ...``, on SQLite and PostgreSQL.

Ana scores her entries herself (``award score``); the other jurors' paper sheets are typed
into a CSV by the jury secretary (``award scores-import``). The results match the hand
computation of ``test_scoring``, in JSON and in the CSV file; publishing freezes them.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from registry.cli import main

from .edition_story import (
    AWARD,
    CONFLICTS,
    CRITERIA,
    DECLARED,
    ENTRIES,
    JURORS,
    NETWORK,
    RUBRIC,
    SEED_FILES,
    VARIANT_FOLDERS,
    entries_of,
    marks,
    score_sheet,
)
from .test_scoring import NORMALISED_ORDER, NORMALISED_SUM, RAW_ORDER, RAW_SUM


def test_the_chair_runs_an_edition_from_the_command_line(runner, cli_env, tmp_path):
    def invoke(*args: object, code: int = 0):
        result = runner.invoke(main, [str(a) for a in args])
        assert result.exit_code == code, result.output
        return result

    def run(*args: object, code: int = 0) -> str:
        return invoke(*args, code=code).output

    def data(*args: object):
        return json.loads(invoke(*args, "--json").stdout)

    # the practices: the seeds and their variants (two variants are rejected on purpose)
    imported = run("import", *SEED_FILES, *VARIANT_FOLDERS, code=2)
    ids = {Path(m[0]).resolve(): m[1] for m in
           re.findall(r"^imported: (\S+) \(\w+\) -> (gp-\w+)", imported, re.MULTILINE)}
    practices = {label: ids[path.resolve()] for label, (path, _) in ENTRIES.items()}

    listed = run("award", "rubrics", "--lang", "fr")
    assert "oru-regional-good-practices: Prix de Bonnes Pratiques Régionales" in listed
    assert "[stand-in rubric]" in listed and "- impact: Impact et résultats" in listed
    assert {r["id"] for r in data("award", "rubrics")} == {
        RUBRIC, "un-habitat-dubai-best-practices", "guangzhou-urban-innovation"}

    award = data("award", "create", AWARD)
    assert run("award", "create", AWARD.upper(), code=1) == (
        f"Error: award {AWARD!r} already exists (id {award['id']})\n")

    # edition I (2016): its results as published by ORU Fogar, from the practices' records
    first = data("award", "edition", award["id"], "I", "--rubric", RUBRIC, "--year", 2016)
    historic = run("award", "entry", "import-historic", first["id"])
    assert ("Femmes qui avancent vers le bien-être: historic total 489, registration n.35 "
            "(imported; not scored in the registry)") in historic
    assert historic.endswith("3 historic result(s) imported\n")
    assert "Femmes qui avancent vers le bien-être (Jalisco, MX)  historic total 489, n.35" in run(
        "award", "show", first["id"])

    # edition III (2018), blind
    assert "no rubric 'oru'; the rubric plugins provide: guangzhou-urban-innovation" in run(
        "award", "edition", award["id"], "III", "--rubric", "oru", code=1)
    edition = data("award", "edition", award["id"], "III", "--rubric", RUBRIC, "--year", 2018,
                   "--blind")
    eid = edition["id"]
    for label, practice_id in practices.items():
        assert data("award", "entry", "add", eid, practice_id, "--by", NETWORK)["label"] == label
    jurors: dict[str, int] = {}
    for key, invitation in JURORS.items():
        added = data("award", "juror", "add", eid, *[
            arg for field, value in invitation.items() for arg in (f"--{field}", value)])
        jurors[key] = added["id"]
        assert {(c["entry"], c["kind"]) for c in added["conflicts"]} == {
            (label, kind) for juror, label, kind in CONFLICTS
            if juror == key and kind != "declared"}
    juror, label, note = DECLARED
    run("award", "conflict", "add", eid, jurors[juror], label, "--note", note)
    key_of = {v: k for k, v in jurors.items()}
    assert {(key_of[c["juror"]], c["entry"], c["kind"])
            for c in data("award", "conflict", "list", eid)} == CONFLICTS

    # assignment by hand; a conflict refuses the whole batch
    refused = run("award", "assign", eid, jurors["dario"], "E05", "E02", code=1)
    assert refused == ("Error: Darío López cannot score E02: conflict of interest, same_country "
                       "(juror and practice are both from MX)\n")
    for key, juror_id in jurors.items():
        run("award", "assign", eid, juror_id, *entries_of(key))
    shown = data("award", "show", eid)
    assert shown["progress"] == {"assignments": 36, "not_started": 36, "draft": 0,
                                 "submitted": 0}
    assert f"juror {jurors['eva']}: Eva Lefèvre <eva.lefevre@jury.example.org> 0/8 submitted" in (
        run("award", "show", eid))
    listed = run("award", "list")
    assert f"edition {eid}: {AWARD} III (2018) [open] rubric {RUBRIC} blind" in listed
    assert run("award", "start", eid) == f"edition {eid}: scoring\n"

    # Ana scores her seven entries herself: a draft with a comment, then the rest, submitted
    for label in entries_of("ana"):
        points = marks("ana", label)
        draft = run("award", "score", eid, jurors["ana"], label,
                    *(f"{c}={points[c]}" for c in CRITERIA[:2]),
                    "--comment", "impact=Figures from the annual report.")
        assert draft.startswith(f"{label}: draft, 2 change(s): impact=")
        done = data("award", "score", eid, jurors["ana"], label,
                    *(f"{c}={points[c]}" for c in CRITERIA[2:]), "--submit")
        assert done["entry"]["status"] == "submitted"
        assert done["scores"]["impact"]["comment"] == "Figures from the annual report."
    assert "impact: N/A is not allowed for this criterion." in run(
        "award", "score", eid, jurors["ana"], "E01", "impact=NA", code=1)
    assert "'impact 5' is not CRITERION=VALUE" in run(
        "award", "score", eid, jurors["ana"], "E01", "impact 5", code=2)

    # the other jurors' sheets, typed in by the jury secretary
    sheet = tmp_path / "sheets.csv"
    sheet.write_text(score_sheet(["ben", "chloe", "dario", "eva"]), encoding="utf-8")
    assert run("award", "scores-import", eid, sheet, "--by", "jury secretary") == (
        "29 sheet row(s), 145 score(s), 145 change(s)\n")
    assert run("award", "close", eid) == f"edition {eid}: closed\n"

    # results, with the CSV file beside them
    table = tmp_path / "results.csv"
    results = data("award", "results", eid, "--csv", table)
    by_entry = {e["entry"]: e for e in results["entries"]}
    assert {label: e["raw_aggregate"] for label, e in by_entry.items()} == RAW_SUM
    assert {label: round(e["normalised_aggregate"], 9)
            for label, e in by_entry.items()} == NORMALISED_SUM
    assert sorted(by_entry, key=lambda label: by_entry[label]["raw_rank"]) == RAW_ORDER
    assert [e["entry"] for e in results["entries"]] == NORMALISED_ORDER
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert [(r["entry"], r["raw_aggregate"], r["normalised_aggregate"]) for r in rows] == [
        (label, str(RAW_SUM[label]), str(NORMALISED_SUM[label])) for label in NORMALISED_ORDER]
    text = run("award", "results", eid)
    assert re.search(r"^\s+1\s+5\s+E09\s+48\s+54\s+.*Maisons de quartier", text, re.MULTILINE)
    assert "totals 0.131 raw, 0.777 normalised" in text
    assert "historic" not in text  # edition I's historic results stay with edition I

    assert re.search(r"E01 ana.ruiz@jury.example.org impact: - -> 3  by "
                     r"ana.ruiz@jury.example.org \(juror\)", run("award", "audit", eid))
    audit = data("award", "audit", eid)
    assert len(audit) == 7 * 5 + 145
    assert {(a["changed_by"], a["via"]) for a in audit} == {
        (JURORS["ana"]["email"], "juror"), ("jury secretary", "import")}

    # publication freezes the results
    assert run("award", "publish", eid) == f"edition {eid}: published; results frozen\n"
    refused = run("award", "scores-import", eid, sheet, code=1)
    assert re.fullmatch(rf"Error: edition {eid} was published on [\d-]+ [\d:]+ UTC; its results "
                        r"are frozen and its scores can no longer change\n", refused)
    frozen = data("award", "results", eid)
    assert frozen["frozen"] and frozen["entries"] == results["entries"]
    assert "published, frozen" in run("award", "results", eid)
