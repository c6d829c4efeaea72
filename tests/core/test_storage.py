"""Storage and the practice service, on SQLite and on PostgreSQL (every test runs on both)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError

from registry.errors import NotFound, RecordInvalid, StaleVersion
from registry.hookspecs import hookimpl
from registry.models import Practice, Revision, SourceDocument
from registry.services import Registry


def _counts(registry: Registry) -> tuple[int, int, int]:
    with registry.db.session() as s:
        return tuple(s.scalar(select(func.count()).select_from(model))
                     for model in (Practice, Revision, SourceDocument))


def test_init_creates_the_schema_and_is_repeatable(registry):
    assert registry.db.is_initialised()
    registry.init()  # a second upgrade is a no-op
    assert _counts(registry) == (0, 0, 0)


def test_seeds_import_as_five_practices(registry, seed_paths):
    results = registry.imports.import_paths(seed_paths.values())
    assert [r.status for r in results] == ["imported"] * 5, [r.reason for r in results]
    assert {r.format for r in results} == {
        "venice_form", "sdg_action", "relaf_newsletter", "oru_fogar"}
    practices, revisions, documents = _counts(registry)
    assert documents == 5
    assert practices == revisions == sum(len(r.practice_ids) for r in results)
    records, total = registry.practices.list(per_page=50)
    assert total == practices
    assert all(r["schema"] == "good-practice/1" and r["revision"] == 1 for r in records)
    for record in records:
        provenance = record["provenance"]
        assert len(provenance["sha256"]) == 64 and provenance["imported_at"]
        assert provenance["parser_version"] and provenance["source_id"]


def test_the_same_document_twice_is_one_record(registry, seed_paths, tmp_path):
    first = registry.imports.import_document(seed_paths["sdg_action"])
    copy_path = tmp_path / "renamed-copy.txt"
    copy_path.write_bytes(seed_paths["sdg_action"].read_bytes())
    again = registry.imports.import_document(seed_paths["sdg_action"])
    renamed = registry.imports.import_document(copy_path)
    assert first.status == "imported"
    assert again.status == renamed.status == "unchanged"
    assert again.practice_ids == first.practice_ids == renamed.practice_ids
    assert _counts(registry) == (1, 1, 1)


def test_a_changed_source_is_a_new_revision_and_the_old_one_stays(registry, seed_paths,
                                                                   tmp_path):
    original = seed_paths["oru_fogar"].read_text()
    first = registry.imports.import_document(seed_paths["oru_fogar"])
    changed = tmp_path / "jalisco-2.txt"
    changed.write_text(original.replace("7.844.830", "8.348.151"))
    second = registry.imports.import_document(changed)
    assert second.status == "new revision"
    assert second.practice_ids == first.practice_ids
    practice_id = first.practice_ids[0]
    current = registry.practices.get(practice_id)
    old = registry.practices.get(practice_id, revision=1)
    assert current["revision"] == 2 and old["revision"] == 1
    assert current["jurisdiction"]["population"]["value"] == 8348151
    assert old["jurisdiction"]["population"]["value"] == 7844830
    assert [r["number"] for r in registry.practices.revisions(practice_id)] == [1, 2]
    with pytest.raises(NotFound, match="has no revision 3"):
        registry.practices.get(practice_id, revision=3)
    assert _counts(registry) == (1, 2, 2)


def test_an_edit_needs_the_current_version(registry, seed_paths):
    result = registry.imports.import_document(seed_paths["sdg_action"])
    practice_id = result.practice_ids[0]
    record = registry.practices.get(practice_id)
    edited = copy.deepcopy(record)
    edited["status"] = "completed"
    outcome = registry.practices.update(practice_id, edited, expected_version=1)
    assert (outcome.status, outcome.revision) == ("revised", 2)
    stale = copy.deepcopy(record)
    stale["status"] = "planned"
    with pytest.raises(StaleVersion, match="version 2"):
        registry.practices.update(practice_id, stale, expected_version=1)
    assert registry.practices.get(practice_id)["status"] == "completed"
    assert registry.practices.get(practice_id, revision=1)["status"] == "ongoing"


def test_many_current_records_in_one_read(registry, seed_paths):
    ids = [i for r in registry.imports.import_paths(seed_paths.values()) for i in r.practice_ids]
    edited = registry.practices.get(ids[0])
    registry.practices.update(ids[0], {**edited, "status": "completed"}, expected_version=1)
    found = registry.practices.get_many([*ids, "gp-deleted"])
    assert set(found) == set(ids)  # an unknown id is left out
    assert found == {i: registry.practices.get(i) for i in ids}
    assert (found[ids[0]]["revision"], found[ids[0]]["status"]) == (2, "completed")
    assert registry.practices.get_many([]) == {}


def test_an_invalid_edit_writes_nothing(registry, seed_paths):
    practice_id = registry.imports.import_document(seed_paths["sdg_action"]).practice_ids[0]
    record = registry.practices.get(practice_id)
    record["resources"][0]["currency"] = "PESOS"
    with pytest.raises(RecordInvalid) as caught:
        registry.practices.update(practice_id, record, expected_version=1)
    assert "resources.0.currency" in caught.value.fields
    assert registry.practices.get(practice_id)["revision"] == 1
    assert _counts(registry)[1] == 1


def test_delete_removes_the_practice_and_its_revisions(registry, seed_paths):
    practice_id = registry.imports.import_document(seed_paths["oru_fogar"]).practice_ids[0]
    registry.practices.delete(practice_id)
    with pytest.raises(NotFound):
        registry.practices.get(practice_id)
    assert _counts(registry)[:2] == (0, 0)
    assert registry.search.query("Jalisco").total == 0


class Recorder:
    """A plugin that validates, enriches and records saves, to check the order of steps."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.saved: list[tuple[str, int, int]] = []

    @hookimpl
    def registry_validate_record(self, record):
        return ["title mentions a forbidden word"] if "FORBIDDEN" in str(record["title"]) else []

    @hookimpl
    def registry_enrich_record(self, record):
        return [{"scheme": "keyword", "code": "seen-by-recorder", "method": "recorder/1"}]

    @hookimpl
    def registry_record_saved(self, record, revision):
        # Runs after the commit: the revision is already visible to a new session.
        self.saved.append((record["id"], revision, _counts(self.registry)[1]))


def test_hooks_run_in_order_and_record_saved_comes_after_commit(registry, seed_paths):
    recorder = Recorder(registry)
    registry.pm.register(recorder)
    result = registry.imports.import_document(seed_paths["oru_fogar"])
    record = registry.practices.get(result.practice_ids[0])
    derived = [t for t in record["tags"] if t["code"] == "seen-by-recorder"]
    assert derived == [{"scheme": "keyword", "code": "seen-by-recorder", "label": None,
                        "derived": True, "method": "recorder/1", "confidence": None,
                        "evidence": []}]
    assert recorder.saved == [(record["id"], 1, 1)]
    registry.imports.import_document(seed_paths["oru_fogar"])  # unchanged: no new event
    assert len(recorder.saved) == 1


def test_a_validation_hook_problem_rejects_and_stores_nothing(registry, seed_paths, tmp_path):
    registry.pm.register(Recorder(registry))
    bad = tmp_path / "forbidden.txt"
    bad.write_text("FORBIDDEN " + seed_paths["oru_fogar"].read_text())
    result = registry.imports.import_document(bad)
    assert result.status == "rejected"
    assert "forbidden word" in result.reason and "forbidden.txt" in result.reason
    assert _counts(registry) == (0, 0, 0)


class Raising:
    @hookimpl
    def registry_enrich_record(self, record):
        raise RuntimeError("enrichment service down")

    @hookimpl
    def registry_record_saved(self, record, revision):
        raise RuntimeError("notification queue down")


class Garbage:
    @hookimpl
    def registry_validate_record(self, record):
        return "not a list of problems"

    @hookimpl
    def registry_enrich_record(self, record):
        return [{"scheme": "no-such-scheme", "code": 7}]


def test_broken_plugins_are_reported_by_name_and_do_not_break_imports(registry, seed_paths,
                                                                      caplog):
    registry.pm.register(Raising(), name="raising_plugin")
    registry.pm.register(Garbage(), name="garbage_plugin")
    registry.pm.register(Recorder(registry), name="recorder")
    result = registry.imports.import_document(seed_paths["sdg_action"])
    assert result.status == "imported"
    tags = registry.practices.get(result.practice_ids[0])["tags"]
    plugin_tags = [t["code"] for t in tags if t["method"] in ("recorder/1", "garbage_plugin")]
    assert plugin_tags == ["seen-by-recorder"]
    messages = [r.getMessage() for r in caplog.records]
    for expected in ("plugin raising_plugin: registry_enrich_record() raised "
                     "RuntimeError: enrichment service down",
                     "plugin raising_plugin: registry_record_saved() raised",
                     "plugin garbage_plugin: registry_validate_record() returned",
                     "plugin garbage_plugin: registry_enrich_record() returned invalid"):
        assert any(m.startswith(expected) for m in messages), (expected, messages)


def test_a_failure_inside_the_transaction_rolls_back_every_record(registry, seed_paths):
    two_sections = seed_paths["relaf_2016"].read_text() + "\n\n" + \
        seed_paths["relaf_2017"].read_text()
    records = registry.imports.parse(two_sections, "two.txt", "0" * 64)[1]
    assert len(records) == 2
    # the practices are inserted, then the revisions' JSON cannot be written
    records[1]["provenance"]["raw"]["unwritable"] = object()
    with pytest.raises((StatementError, TypeError), match="not JSON serializable"):
        registry.practices.store(records)
    assert _counts(registry) == (0, 0, 0)


def test_bulk_import_in_worker_processes_matches_one_process(config, seed_paths, tmp_path):
    import dataclasses
    import gc

    from registry.services.imports import PARALLEL_FROM

    folder = tmp_path / "bulk"
    folder.mkdir()
    template = seed_paths["sdg_action"].read_text()
    for i in range(PARALLEL_FROM):
        (folder / f"action-{i:03d}.txt").write_text(
            template.replace("#SDGAction33691", f"#SDGAction{50000 + i}"))
    (folder / "empty.txt").write_text("")
    outcomes = {}
    for workers in (1, 2):
        settings = dataclasses.replace(
            config, import_workers=workers, instance_dir=tmp_path / f"w{workers}",
            database_url=config.database_url if workers == 2 else None)
        reg = Registry.from_config(settings)
        reg.init()
        results = reg.imports.import_paths([folder])
        assert gc.get_freeze_count() == 0  # the workers' heap was frozen while they ran only
        outcomes[workers] = [(Path(r.path).name, r.status, r.practice_ids, r.reason)
                             for r in results]
        assert reg.practices.count() == PARALLEL_FROM
        assert reg.search.query("", per_page=1).total == PARALLEL_FROM
        assert reg.imports.stage_times["parse"] > 0
        reg.close()
    assert outcomes[1] == outcomes[2]
    assert outcomes[2][0] == ("action-000.txt", "imported", outcomes[1][0][2], None)
    assert outcomes[2][-1][:2] == ("empty.txt", "rejected")
    assert "empty.txt: the file is empty" in outcomes[2][-1][3]


def _failing_indexer(config, batches, outcome) -> None:
    outcome.put(("failed", "RuntimeError: disk full"))


def test_bulk_import_indexes_itself_when_the_background_indexer_fails(
        config, seed_paths, tmp_path, monkeypatch, caplog):
    import dataclasses

    from registry.services import imports

    folder = tmp_path / "bulk"
    folder.mkdir()
    template = seed_paths["sdg_action"].read_text()
    for i in range(imports.PARALLEL_FROM):
        (folder / f"action-{i:03d}.txt").write_text(
            template.replace("#SDGAction33691", f"#SDGAction{60000 + i}"))
    monkeypatch.setattr(imports, "_index_in_background", _failing_indexer)
    reg = Registry.from_config(dataclasses.replace(
        config, import_workers=2, instance_dir=tmp_path / "instance", database_url=None))
    reg.init()
    results = reg.imports.import_paths([folder])
    assert {r.status for r in results} == {"imported"}
    assert reg.search.query("", per_page=1).total == imports.PARALLEL_FROM
    assert "background indexing failed (RuntimeError: disk full)" in caplog.text
    reg.close()


def test_content_hashes_move_with_the_migrations_and_reimports_stay_unchanged(registry,
                                                                              seed_paths):
    """Migration 0004 rehashes stored revisions over orjson's canonical form; going back to
    0003 restores ``json.dumps``'s. Either way an unchanged document writes nothing."""
    import hashlib
    import json

    from registry.services.practices import content_hash

    first = registry.imports.import_document(seed_paths["sdg_action"])
    practice_id = first.practice_ids[0]

    def stored_hash() -> str:
        with registry.db.session() as session:
            return session.scalar(select(Revision.content_hash)
                                  .where(Revision.practice_id == practice_id))

    record = registry.practices.get(practice_id)
    assert stored_hash() == content_hash(record)
    registry.db.downgrade("0003")
    body = {k: v for k, v in record.items() if k not in ("id", "revision", "provenance")}
    provenance = {k: v for k, v in record["provenance"].items() if k != "imported_at"}
    old_form = json.dumps({**body, "provenance": provenance}, sort_keys=True, default=str)
    assert stored_hash() == hashlib.sha256(old_form.encode()).hexdigest() != content_hash(record)
    registry.db.upgrade()
    assert stored_hash() == content_hash(record)
    assert registry.imports.import_document(seed_paths["sdg_action"]).status == "unchanged"
    assert _counts(registry) == (1, 1, 1)
