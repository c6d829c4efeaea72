"""Import throughput, end to end, with the time of each stage and a floor measured in the same run.

    python benchmarks/bench_import.py [--documents N]

Generates N documents of the four formats from the seeds (new ids, titles, places, numbers and
periods), imports them into a fresh SQLite registry through the import service (read → detect
→ parse → validate and hooks → store → index), then inserts the same records as plain JSON
rows with sqlite3 as the floor. Prints a table.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
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
            period = f"{rng.choice(PERIODS)} {1900 + i // 4}"  # a distinct period per document
            text = (relaf.replace("November - December 2016", period)
                    .replace("Mexico |", f"{COUNTRIES[(i // 4) % 4]} |"))
        else:
            text = (oru.replace("Femmes qui avancent vers le bien-être",
                                f"Femmes qui avancent vers le bien-être à {city} {i}")
                    .replace("n.35", f"n.{i}"))
        path = directory / f"doc-{i:06d}.txt"
        path.write_text(text)
        paths.append(path)
    return paths


def run(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "docs").mkdir()
        paths = generate(tmp_path / "docs", count)
        registry = Registry.from_config(Config(instance_dir=tmp_path / "instance"))
        registry.init()
        started = time.perf_counter()
        results = registry.imports.import_paths(paths)
        total = time.perf_counter() - started
        stages = dict(registry.imports.stage_times)
        records = [r for res in results for r in res.records]
        statuses = Counter(r.status for r in results)
        registry.close()

        floor_db = sqlite3.connect(tmp_path / "floor.db")
        floor_db.execute("CREATE TABLE records (id TEXT PRIMARY KEY, record TEXT)")
        rows = [(r["id"], json.dumps(r)) for r in records]
        t0 = time.perf_counter()
        with floor_db:
            floor_db.executemany("INSERT INTO records VALUES (?, ?)", rows)
        floor = time.perf_counter() - t0
        floor_db.close()

    print(f"\nImport benchmark: {count} generated documents (4 formats), {len(records)} records, "
          f"SQLite; {dict(statuses)}\n")
    print(f"| {'stage':<18} | {'seconds':>8} | {'share':>6} | {'per document':>12} |")
    print(f"|{'-' * 20}|{'-' * 10}|{'-' * 8}|{'-' * 14}|")
    for name, spent in [*stages.items(), ("end to end", total)]:
        print(f"| {name:<18} | {spent:8.3f} | {spent / total:6.1%} | "
              f"{spent / count * 1000:9.3f} ms |")
    print(f"\nend to end: {count / total:,.0f} documents/s ({len(records) / total:,.0f} "
          f"records/s); goal ≥ 500 documents/s")
    print(f"floor, the same records as plain JSON rows (sqlite3 executemany): "
          f"{len(rows) / floor:,.0f} records/s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Import throughput benchmark")
    parser.add_argument("--documents", type=int, default=2000)
    run(parser.parse_args().documents)
