"""The whole registry as a data package: records (JSON Lines or CSV), JSON Schema, metrics.

Only what anonymous readers may see is exported: private contacts are left out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from registry import __version__
from registry.schema import SCHEMA_ID, json_schema
from registry.services.comparisons import ComparisonService, rows_to_csv
from registry.services.practices import PracticeService, public_view

RECORD_COLUMNS = ("id", "revision", "language", "title", "practice_type", "status", "start_date",
                  "end_date", "country", "subdivision", "jurisdiction", "lead_entity", "format",
                  "source_id", "tags")


def _flat(record: dict) -> dict:
    jurisdiction = record.get("jurisdiction") or {}
    return {
        "id": record["id"], "revision": record["revision"], "language": record["language"],
        "title": next(iter(record["title"].values()), ""),
        "practice_type": record["practice_type"], "status": record["status"],
        "start_date": record["start_date"], "end_date": record["end_date"],
        "country": jurisdiction.get("country"), "subdivision": jurisdiction.get("subdivision"),
        "jurisdiction": jurisdiction.get("name"),
        "lead_entity": (record.get("lead_entity") or {}).get("name"),
        "format": record["provenance"]["format"], "source_id": record["provenance"]["source_id"],
        "tags": " ".join(f"{t['scheme']}:{t['code']}" for t in record["tags"]),
    }


def export_package(practices: PracticeService, comparisons: ComparisonService, out: Path,
                   fmt: str = "jsonl", progress: Callable[[int], None] | None = None) -> dict:
    """Write ``records.jsonl`` (or ``records.csv``), the JSON Schema, ``metrics.csv`` and a
    ``datapackage.json`` describing them into ``out``; returns the descriptor."""
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"export format must be jsonl or csv, not {fmt!r}")
    out.mkdir(parents=True, exist_ok=True)
    records_name = f"records.{fmt}"
    metric_rows, flat_rows, count = [], [], 0
    with (out / records_name).open("w", encoding="utf-8") as records_file:
        for record in practices.iter_all():
            record = public_view(record)
            if fmt == "jsonl":
                records_file.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                flat_rows.append(_flat(record))
            metric_rows.extend(comparisons.metric_rows(record))
            count += 1
            if progress:
                progress(1)
        if fmt == "csv":
            records_file.write(rows_to_csv(flat_rows))
    (out / "good-practice-1.json").write_text(json.dumps(json_schema(), indent=2,
                                                          ensure_ascii=False))
    (out / "metrics.csv").write_text(rows_to_csv(metric_rows))
    descriptor = {
        "profile": "data-package",
        "name": "good-practice-registry",
        "created_by": f"good-practice-registry {__version__}",
        "resources": [
            {"name": "records", "path": records_name, "count": count,
             "format": fmt, "schema_ref": "good-practice-1.json", "record_schema": SCHEMA_ID},
            {"name": "record-schema", "path": "good-practice-1.json", "format": "json"},
            {"name": "metrics", "path": "metrics.csv", "format": "csv",
             "description": "one row per practice and metric, as reported (no conversion)"},
        ],
    }
    (out / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    return descriptor
