"""content hashes over orjson's canonical form

The content hash of a revision (what tells an unchanged re-import from a new revision) is now
computed over orjson's sorted-key serialisation instead of ``json.dumps``'s: every stored
hash is recomputed from its record, so that re-importing an unchanged document still writes
nothing. Both hash functions are frozen here, as they were at this revision.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import hashlib
import json
from collections.abc import Callable

import orjson
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

#: Revisions rehashed per query.
PAGE = 1_000

_REVISIONS = sa.table("revisions", sa.column("id", sa.Integer), sa.column("record", sa.JSON),
                      sa.column("content_hash", sa.String))


def _canonical(record: dict) -> dict:
    provenance = {k: v for k, v in record["provenance"].items() if k != "imported_at"}
    body = {k: v for k, v in record.items() if k not in ("id", "revision", "provenance")}
    return {**body, "provenance": provenance}


def _orjson_hash(record: dict) -> str:
    return hashlib.sha256(orjson.dumps(
        _canonical(record), default=str,
        option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)).hexdigest()


def _json_hash(record: dict) -> str:
    return hashlib.sha256(json.dumps(_canonical(record), sort_keys=True,
                                     default=str).encode()).hexdigest()


def _rehash(content_hash: Callable[[dict], str]) -> None:
    bind = op.get_bind()
    after = 0
    while True:
        rows = bind.execute(sa.select(_REVISIONS.c.id, _REVISIONS.c.record)
                            .where(_REVISIONS.c.id > after)
                            .order_by(_REVISIONS.c.id).limit(PAGE)).all()
        if not rows:
            return
        bind.execute(_REVISIONS.update().where(_REVISIONS.c.id == sa.bindparam("revision_id"))
                     .values(content_hash=sa.bindparam("new_hash")),
                     [{"revision_id": row.id, "new_hash": content_hash(row.record)}
                      for row in rows])
        after = rows[-1].id


def upgrade() -> None:
    _rehash(_orjson_hash)


def downgrade() -> None:
    _rehash(_json_hash)
