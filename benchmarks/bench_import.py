"""Import throughput, end to end, with the time of each stage and a floor measured in the same run.

    python benchmarks/bench_import.py [--documents N] [--runs R]

Generates N documents of the four formats from the seeds (new ids, titles, places, numbers and
periods), imports them into a fresh SQLite registry through the import service (read → detect
→ parse → validate and hooks → store → index), then inserts the same records as plain JSON
rows with sqlite3 as the floor. Prints a table: the median of R runs of each configuration
(this machine's speed varies from run to run), their range, and the processor time spent per
document in all processes together. A last row times the ``registry import`` command as a user
runs it: a new process, whose start-up (imports, plugins, first use of their data) counts too.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from registry.config import Config
from registry.services import Registry

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
CITIES = ["Quito", "Rosario", "Curitiba", "Lyon", "Porto", "Puebla", "Cusco", "Bogotá",
          "Valparaíso", "Montevideo", "Toulouse", "Sevilla"]
PERIODS = ["November - December", "April - May - June", "January - February", "July - August"]
COUNTRIES = ["Mexico", "Guatemala", "Paraguay", "Colombia"]


def generate(directory: Path, count: int, seed: int = 7) -> list[Path]:
    """``count`` documents, a quarter of each format, varied so that none is a duplicate."""
    rng = random.Random(seed)
    venice, sdg, relaf, oru = (
        (SEEDS / name).read_text() for name in (
            "000_da2e544ee9705e55.txt", "001_3f301ab74576aebb.txt",
            "002_ae17b905110f0238.txt", "003_67b093e0aae3cc66.txt"))
    paths = []
    for i in range(count):
        city = rng.choice(CITIES)
        if i % 4 == 0:
            text = venice.replace("Conecta con tu familia", f"Conecta con tu familia {city} {i}")
        elif i % 4 == 1:
            text = (sdg.replace("#SDGAction33691", f"#SDGAction{40000 + i}")
                    .replace("21.366", f"{rng.randint(10, 99)}.{rng.randint(100, 999)}"))
        elif i % 4 == 2:
            # a distinct country and period per document, in years the importer reads
            # (1900-2999: distinct up to 70,000 documents)
            j = i // 4
            period = f"{PERIODS[j % 4]} {1900 + j // 16}"
            text = (relaf.replace("November - December 2016", period)
                    .replace("Mexico |", f"{COUNTRIES[(j // 4) % 4]} |"))
        else:
            text = (oru.replace("Femmes qui avancent vers le bien-être",
                                f"Femmes qui avancent vers le bien-être à {city} {i}")
                    .replace("n.35", f"n.{i}"))
        path = directory / f"doc-{i:06d}.txt"
        path.write_text(text)
        paths.append(path)
    return paths


CONFIGURATIONS = {
    "default (all plugins, whoosh)": {},
    "all plugins, tantivy index": {"search_backend": "tantivy"},
    "without SDG inference, whoosh": {"blocked_plugins": frozenset({"sdg"})},
    "default, one process": {"import_workers": 1},
}


def run(count: int, label: str, settings: dict) -> tuple[float, float]:
    """Import ``count`` generated documents into a fresh registry; print the stage table.

    Returns documents/s and the processor milliseconds per document of every process.
    """
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "docs").mkdir()
        paths = generate(tmp_path / "docs", count)
        config = dataclasses.replace(Config(instance_dir=tmp_path / "instance"), **settings)
        registry = Registry.from_config(config)
        registry.init()
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        results = registry.imports.import_paths(paths)
        total = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
        stages = dict(registry.imports.stage_times)
        records = [r for res in results for r in res.records]
        statuses = Counter(r.status for r in results)
        registry.close()

    print(f"\n{label}: {count} documents, {len(records)} records, "
          f"{config.import_workers} worker process(es); {dict(statuses)}")
    print(f"| {'stage (summed over processes)':<30} | {'seconds':>8} | {'per document':>12} |")
    print(f"|{'-' * 32}|{'-' * 10}|{'-' * 14}|")
    for name, spent in [*stages.items(), ("end to end (wall clock)", total),
                        ("processor time, all processes", cpu)]:
        print(f"| {name:<30} | {spent:8.3f} | {spent / count * 1000:9.3f} ms |")
    return count / total, cpu / count * 1000


def _cpu_seconds() -> float:
    """Processor time of this process and of its finished child processes (the import's
    workers and indexer are joined before ``import_paths`` returns)."""
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                          resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def command(count: int) -> tuple[float, float]:
    """Documents/s and processor ms per document of ``registry import`` in a new process."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "docs").mkdir()
        generate(tmp_path / "docs", count)
        env = {**os.environ, "REGISTRY_INSTANCE_DIR": str(tmp_path / "instance")}
        env.pop("REGISTRY_DATABASE_URL", None)
        script = "from registry.cli import run; run()"
        subprocess.run([sys.executable, "-c", script, "init"], env=env, check=True,
                       capture_output=True)
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", script, "import", str(tmp_path / "docs")],
                       env=env, check=True, capture_output=True)
        total = time.perf_counter() - started
        return count / total, (_cpu_seconds() - cpu_before) / count * 1000


def floor(count: int) -> float:
    """Records/s of the same kind of records inserted as plain JSON rows with sqlite3."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "docs").mkdir()
        registry = Registry.from_config(Config(instance_dir=tmp_path / "instance"))
        registry.init()
        results = registry.imports.import_paths(generate(tmp_path / "docs", min(count, 200)))
        registry.close()
        sample = [r for res in results for r in res.records]
        rows = [(f"{i}", json.dumps(sample[i % len(sample)])) for i in range(count)]
        db = sqlite3.connect(tmp_path / "floor.db")
        db.execute("CREATE TABLE records (id TEXT PRIMARY KEY, record TEXT)")
        started = time.perf_counter()
        with db:
            db.executemany("INSERT INTO records VALUES (?, ?)", rows)
        elapsed = time.perf_counter() - started
        db.close()
    return count / elapsed


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Import throughput benchmark")
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    measured = {label: [run(args.documents, label, settings) for _ in range(args.runs)]
                for label, settings in CONFIGURATIONS.items()}
    measured["`registry import`, new process"] = [command(args.documents)
                                                   for _ in range(args.runs)]
    print(f"\n| {'configuration':<32} | {'documents/s':>11} | {'range':>11} "
          f"| {'CPU ms/doc':>10} |")
    print(f"|{'-' * 34}|{'-' * 13}|{'-' * 13}|{'-' * 12}|")
    for label, runs in measured.items():
        rates = [rate for rate, _ in runs]
        cpu = statistics.median(ms for _, ms in runs)
        print(f"| {label:<32} | {statistics.median(rates):11,.0f} "
              f"| {min(rates):5,.0f}–{max(rates):<5,.0f} | {cpu:10.2f} |")
    print(f"| {'floor: plain JSON rows (sqlite3)':<32} | {floor(args.documents):11,.0f} "
          f"| {'':11} | {'':10} |")
    print(f"median of {args.runs} runs each; goal: ≥ 500 documents/s end to end")
