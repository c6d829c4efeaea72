"""Bad documents are rejected with exit code 2 and one line naming the file; nothing is stored."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from registry.cli import main
from registry.hookspecs import hookimpl
from registry.models import Practice, Revision, SourceDocument

RECIPE = """Tortilla de patatas

Ingredients: 4 potatoes, 6 eggs, 1 onion, olive oil, salt.
Peel and slice the potatoes. Fry them slowly in olive oil with the onion for 20 minutes.
Beat the eggs, mix in the potatoes, and cook on both sides until golden. Serves 4.
"""


def _stored(config) -> tuple[int, int, int]:
    from registry.db import Database

    db = Database(config.db_url)
    try:
        if not db.is_initialised():
            return (0, 0, 0)
        with db.session() as s:
            return tuple(s.scalar(select(func.count()).select_from(m))
                         for m in (Practice, Revision, SourceDocument))
    finally:
        db.dispose()


def _write(tmp_path, name: str, content: bytes):
    path = tmp_path / name
    path.write_bytes(content)
    return path


BAD_DOCUMENTS = {
    "empty.txt": (b"", "the file is empty"),
    "blank.txt": (b"  \n\n \t\n", "the file is empty"),
    "recipe.txt": (RECIPE.encode(), "not a document in any known format"),
    "binary.pdf": (b"%PDF-1.7\n\x00\x01\x02\xff" * 40, "binary content"),
    "latin1.txt": ("RÉGION: Jalisco, Mexique\nPOPULATION: 7.844.830\n".encode("latin-1"),
                   "not UTF-8 text"),
}


@pytest.mark.parametrize("name", sorted(BAD_DOCUMENTS))
def test_bad_document_is_rejected_with_exit_2_and_nothing_stored(name, tmp_path, runner,
                                                                  cli_env):
    content, reason = BAD_DOCUMENTS[name]
    path = _write(tmp_path, name, content)
    result = runner.invoke(main, ["import", str(path)])
    assert result.exit_code == 2, result.output
    rejected = [line for line in result.output.splitlines() if line.startswith("rejected:")]
    assert len(rejected) == 1
    assert name in rejected[0] and reason in rejected[0]
    assert _stored(cli_env) == (0, 0, 0)


def test_a_document_over_the_size_limit_is_rejected_before_reading(tmp_path, runner, cli_env,
                                                                     seed_paths):
    big = tmp_path / "huge.txt"
    with big.open("wb") as f:
        f.write(seed_paths["oru_fogar"].read_bytes())
        f.truncate(50 * 1024 * 1024)
    result = runner.invoke(main, ["import", str(big)])
    assert result.exit_code == 2
    assert "huge.txt" in result.output and "50.0 MiB is larger than the 5.0 MiB limit" \
        in result.output
    assert _stored(cli_env) == (0, 0, 0)


def test_missing_required_field_names_the_field(tmp_path, runner, cli_env, seed_paths):
    text = seed_paths["sdg_action"].read_text().splitlines()
    no_title = _write(tmp_path, "untitled.txt", "\n".join(["", *text[1:]]).encode())
    result = runner.invoke(main, ["import", str(no_title)])
    assert result.exit_code == 2
    assert "untitled.txt" in result.output and "title" in result.output
    assert _stored(cli_env) == (0, 0, 0)


def test_one_bad_document_does_not_stop_the_others(tmp_path, runner, cli_env, seed_paths):
    empty = _write(tmp_path, "empty.txt", b"")
    result = runner.invoke(main, ["import", str(seed_paths["oru_fogar"]), str(empty)])
    assert result.exit_code == 2
    assert "2 document(s): 1 imported, 1 rejected" in result.output
    assert _stored(cli_env)[0] == 1


def test_dry_run_json_prints_records_and_stores_nothing(runner, cli_env, seed_paths):
    result = runner.invoke(main, ["import", "--dry-run", "--json",
                                  str(seed_paths["sdg_action"])])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert len(records) == 1 and records[0]["schema"] == "good-practice/1"
    assert records[0]["provenance"]["format"] == "sdg_action"
    assert _stored(cli_env) == (0, 0, 0)


class _BrokenImporter:
    """An installed importer with a bug: it fails on whatever it is given."""

    name, version = "broken", "0"

    def sniff(self, text: str) -> float:
        return 1.0

    def parse(self, text: str, source) -> list[dict]:
        raise KeyError("pt")


class _BrokenImporterPlugin:
    from registry.hookspecs import hookimpl

    @hookimpl
    def registry_importers(self) -> list:
        return [_BrokenImporter()]


def test_an_importer_that_fails_rejects_the_document_not_the_import(config, seed_paths):
    from registry.services import Registry

    registry = Registry.from_config(config, extra_plugins=(_BrokenImporterPlugin(),))
    registry.init()
    try:
        result = registry.imports.import_paths([seed_paths["oru_fogar"]], format_name="broken")[0]
        assert result.status == "rejected"
        assert result.reason == (f"{seed_paths['oru_fogar'].name}: the broken importer could "
                                 "not read it (KeyError: 'pt')")
        assert registry.practices.count() == 0
    finally:
        registry.close()


class _ClosedToOruForms:
    """A validate plugin that turns every ORU Fogar record down."""

    @hookimpl
    def registry_validate_record(self, record: dict) -> list[str]:
        return ["ORU forms are closed"] if record["provenance"]["format"] == "oru_fogar" else []


def test_documents_prepared_together_keep_their_own_outcome(config, seed_paths, tmp_path):
    """A bulk import prepares documents a chunk at a time, step by step: a rejection at any
    step, and the records of the others, are what each document gives on its own."""
    from registry.services import Registry

    registry = Registry.from_config(config, extra_plugins=(_ClosedToOruForms(),))
    empty = _write(tmp_path, "empty.txt", b"")
    paths = [seed_paths["venice_form"], empty, seed_paths["oru_fogar"], seed_paths["sdg_action"]]
    together = registry.imports.prepare_documents(paths)
    alone = [registry.imports.prepare_documents([path])[0] for path in paths]
    assert [type(d).__name__ for d in together] == [
        "PreparedDocument", "DocumentRejected", "DocumentRejected", "PreparedDocument"]
    assert [d.path for d in together] == paths
    assert together[1].message == f"{empty}: the file is empty"
    assert together[2].message == f"{seed_paths['oru_fogar'].name}: ORU forms are closed"
    assert together[2].field == "_record"
    for chunked, single in zip(together, alone, strict=True):
        assert (chunked.records if hasattr(chunked, "records") else chunked.message) == (
            single.records if hasattr(single, "records") else single.message)
    registry.close()


def test_the_console_script_exits_with_the_commands_code(tmp_path, cli_env, seed_paths):
    """``registry`` (``registry.cli:run``) keeps ``main``'s exit codes and output."""
    import subprocess
    import sys

    empty = _write(tmp_path, "empty.txt", b"")
    script = "from registry.cli import run; run()"
    rejected = subprocess.run([sys.executable, "-c", script, "import", str(empty)],
                              capture_output=True, text=True, check=False)
    assert rejected.returncode == 2
    assert f"rejected: {empty}: the file is empty" in rejected.stderr
    imported = subprocess.run([sys.executable, "-c", script, "import",
                               str(seed_paths["oru_fogar"])],
                              capture_output=True, text=True, check=False)
    assert imported.returncode == 0
    assert "1 document(s): 1 imported" in imported.stdout
    assert _stored(cli_env)[0] == 1
