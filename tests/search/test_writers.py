"""One writer at a time across processes: a second process waits, and nothing is lost."""

from __future__ import annotations

import copy
import multiprocessing

from registry.config import Config
from registry.services import Registry

WRITES_PER_PROCESS = 25
_SPAWN = multiprocessing.get_context("spawn")


def _records(template: dict, prefix: str, count: int) -> list[dict]:
    records = []
    for i in range(count):
        record = copy.deepcopy(template)
        record["id"] = f"gp-{prefix}{i:04d}"
        record["title"] = {"en": f"Writer {prefix} practice number{i}"}
        records.append(record)
    return records


def _write_one_by_one(config: Config, template: dict, prefix: str, start) -> None:
    registry = Registry.from_config(config)
    start.wait(60)
    for record in _records(template, prefix, WRITES_PER_PROCESS):
        registry.search.index([record])
    registry.search.close()


def _hold_the_turn(config: Config, holding, release) -> None:
    registry = Registry.from_config(config)
    with registry.search.writer_turn():
        holding.set()
        release.wait(60)
    registry.search.close()


def _write_after_the_turn(config: Config, template: dict, started, done) -> None:
    started.set()
    registry = Registry.from_config(config)
    registry.search.index(_records(template, "late", 1))
    done.set()
    registry.search.close()


def _config(registry) -> Config:
    config = registry.config
    return Config(instance_dir=config.instance_dir, database_url=config.db_url,
                  search_backend=config.search_backend)


def _template(registry, seed_paths) -> dict:
    return registry.imports.import_document(seed_paths["sdg_action"]).records[0]


def test_two_processes_writing_at_once_lose_nothing(empty_registry, seed_paths):
    template = _template(empty_registry, seed_paths)
    config = _config(empty_registry)
    start = _SPAWN.Event()
    writers = [_SPAWN.Process(target=_write_one_by_one, args=(config, template, p, start))
               for p in ("a", "b")]
    for writer in writers:
        writer.start()
    start.set()
    for writer in writers:
        writer.join(120)
    assert [w.exitcode for w in writers] == [0, 0]
    index = empty_registry.search
    assert index.query("").total == 1 + 2 * WRITES_PER_PROCESS
    for prefix in ("a", "b"):
        found = index.query(f"writer {prefix} practice", per_page=100)
        assert found.total >= WRITES_PER_PROCESS
        assert index.query(f"number{WRITES_PER_PROCESS - 1}").total == 2


def test_a_second_writer_waits_for_the_first(empty_registry, seed_paths):
    template = _template(empty_registry, seed_paths)
    config = _config(empty_registry)
    holding, release, started, done = (_SPAWN.Event() for _ in range(4))
    first = _SPAWN.Process(target=_hold_the_turn, args=(config, holding, release))
    first.start()
    assert holding.wait(60)
    second = _SPAWN.Process(target=_write_after_the_turn, args=(config, template, started, done))
    second.start()
    assert started.wait(60)
    assert not done.wait(1.0), "the second writer wrote while the first held the turn"
    release.set()
    assert done.wait(60)
    first.join(60)
    second.join(60)
    assert (first.exitcode, second.exitcode) == (0, 0)
    assert empty_registry.search.query("number0").hits[0].id == "gp-late0000"


def test_a_practice_indexed_twice_in_one_writer_is_found_once(empty_registry, seed_paths):
    """A practice revised twice in one import reaches the index twice: the last one counts."""
    template = _template(empty_registry, seed_paths)
    first, second = (_records(template, "twice", 1)[0] for _ in range(2))
    second["title"] = {"en": "Writer twice practice, second version"}
    index = empty_registry.search
    index.index([first, second])
    found = index.query("writer twice practice")
    assert (found.total, found.hits[0].title) == (1, "Writer twice practice, second version")
    with index.bulk() as add:
        add([first])
        add([second])
    found = index.query("writer twice practice")
    assert (found.total, found.hits[0].title) == (1, "Writer twice practice, second version")
