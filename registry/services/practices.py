"""The practice service: the only code that writes practices and their revisions.

Every save runs the same steps: validate against the contract → ``registry_validate_record``
→ ``registry_enrich_record`` → one transaction → index and ``registry_record_saved`` after
the commit. A failure before the commit writes nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

import jsonpatch
import jsonpointer
import orjson
import pluggy
from marshmallow import ValidationError
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.db import Database
from registry.errors import InUse, NotFound, RecordInvalid, StaleVersion
from registry.models import Entry, Practice, Revision, SourceDocument, utcnow
from registry.permissions import Identity
from registry.plugins import call_each, report_failure
from registry.schema import flatten_errors, load_record, load_tags
from registry.search import SearchIndex
from registry.services.stamp import ChangeStamp

SaveStatus = Literal["created", "revised", "unchanged"]

PRACTICES = Practice.__table__
REVISIONS = Revision.__table__
DOCUMENTS = SourceDocument.__table__
_DOCUMENT_IDS = (select(DOCUMENTS.c.sha256, DOCUMENTS.c.id)
                 .where(DOCUMENTS.c.sha256.in_(bindparam("hashes", expanding=True))))
_CURRENT_REVISIONS = (
    select(PRACTICES.c.id, PRACTICES.c.version, REVISIONS.c.content_hash, REVISIONS.c.record)
    .join(REVISIONS, (REVISIONS.c.practice_id == PRACTICES.c.id)
          & (REVISIONS.c.number == PRACTICES.c.version))
    .where(PRACTICES.c.id.in_(bindparam("ids", expanding=True)))
    .with_for_update(of=PRACTICES.c.version)
)
#: A practice moved to its next version, if it is still at the version the save read.
_MOVE = (update(PRACTICES)
         .where(PRACTICES.c.id == bindparam("moved_id"),
                PRACTICES.c.version == bindparam("from_version")))
#: ``get``'s statements, built once: it runs for every page and API read of a record.
_RECORD = (select(REVISIONS.c.record, REVISIONS.c.number)
           .join(PRACTICES, PRACTICES.c.id == REVISIONS.c.practice_id)
           .where(PRACTICES.c.id == bindparam("practice_id")))
_CURRENT_RECORD = _RECORD.where(REVISIONS.c.number == PRACTICES.c.version)
_RECORD_AT = _RECORD.where(REVISIONS.c.number == bindparam("number"))


@dataclass(frozen=True)
class IncomingDocument:
    """The source document a batch of records was parsed from, stored with them."""

    filename: str
    format: str
    sha256: str
    content: bytes


@dataclass(frozen=True)
class SaveOutcome:
    practice_id: str
    revision: int
    status: SaveStatus
    record: dict


def practice_id_for(format_name: str, source_id: str) -> str:
    """A stable id: the same source always maps to the same practice."""
    digest = hashlib.sha256(f"{format_name}\x1f{source_id}".encode()).hexdigest()
    return f"gp-{digest[:12]}"


def content_hash(record: dict) -> str:
    """Hash of what a record says, leaving out when and as what it was stored.

    The canonical form is orjson's with sorted keys (migration 0004 moved stored hashes to it).
    """
    provenance = {k: v for k, v in record["provenance"].items() if k != "imported_at"}
    body = {k: v for k, v in record.items() if k not in ("id", "revision", "provenance")}
    canonical = orjson.dumps({**body, "provenance": provenance}, default=str,
                             option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha256(canonical).hexdigest()


class PracticeService:
    def __init__(self, db: Database, pm: pluggy.PluginManager, search: SearchIndex,
                 stamp: ChangeStamp | None = None) -> None:
        self.db = db
        self.pm = pm
        self.search = search
        self.stamp = stamp or ChangeStamp(None)  # bumped after each commit (page caches)

    # -- writing -----------------------------------------------------------------------------

    def prepare(self, record: dict) -> dict:
        """Validate, run the validate and enrich hooks, and return the record as it would be stored.

        Raises ``RecordInvalid`` with field paths and reasons. Writes nothing (``--dry-run``).
        """
        prepared, = self.prepare_many([record])
        if isinstance(prepared, RecordInvalid):
            raise prepared
        return prepared

    def prepare_many(self, records: list[dict]) -> list[dict | RecordInvalid]:
        """``prepare`` each record: the record as it would be stored, or why it cannot be.

        Each step runs over every record before the next one starts, so that the contract's
        schemas, then each plugin's data, stay in the processor's caches: a bulk import
        prepares its documents 10–15% faster than one record at a time.
        """
        outcomes: list[dict | RecordInvalid] = []
        for record in records:
            record = {k: v for k, v in record.items() if k != "revision"}  # read-only, from get()
            try:
                outcomes.append(load_record(record))
            except ValidationError as exc:
                fields = flatten_errors(exc.messages)
                invalid = RecordInvalid(_summary(fields), fields=fields)
                invalid.__cause__ = exc  # as ``raise ... from exc`` would chain it
                outcomes.append(invalid)
        for i, data in enumerate(outcomes):
            if isinstance(data, RecordInvalid):
                continue
            problems = self._problems(data)
            if problems:
                outcomes[i] = RecordInvalid("; ".join(problems), fields={"_record": problems})
                continue
            data["tags"] = [tag for tag in data["tags"] if not tag.get("derived")] \
                + self.derive_tags(data)
        return outcomes

    def _problems(self, record: dict) -> list[str]:
        """What the validate plugins find wrong with a loaded record."""
        problems: list[str] = []
        for plugin, found in call_each(self.pm, "registry_validate_record", record=record):
            if isinstance(found, list) and all(isinstance(p, str) for p in found):
                problems.extend(found)
            else:
                report_failure(plugin, "registry_validate_record", f"returned {found!r:.80}")
        return problems

    def derive_tags(self, record: dict) -> list[dict]:
        """What the enrich plugins derive for a record (SDG targets, ...), each marked derived.

        A plugin that raises or returns invalid tags is reported by name and contributes
        nothing; the others still count.
        """
        derived: list[dict] = []
        for plugin, tags in call_each(self.pm, "registry_enrich_record", record=record):
            try:
                # load alone gives complete plain dicts for tags: no dump needed
                derived.extend(load_tags(
                    [{"method": plugin, **tag, "derived": True} for tag in tags]))
            except (ValidationError, TypeError, AttributeError) as exc:
                report_failure(plugin, "registry_enrich_record", f"returned invalid tags: {exc}")
        return derived

    def derive_tags_for_text(self, text: str, language: str | None = None) -> list[dict]:
        """Derived tags for a free text, as if it were the description of a practice."""
        if not text.strip():
            raise RecordInvalid("the text is empty", fields={"text": ["give a text to map"]})
        lang = language or "und"
        record = load_record({
            "language": lang, "title": {lang: text.strip().splitlines()[0][:200]},
            "description": {lang: text},
            "provenance": {"format": "text", "source_id": "text"}})
        return self.derive_tags(record)

    def remap(self, progress: Callable[[int], None] | None = None) -> Counter:
        """Derive every record's tags again (after a plugin changed); a changed result is a
        new revision with reason ``remap``, an unchanged one writes nothing."""
        counts: Counter = Counter()
        for record in self.iter_all():
            outcome, = self.store([self.prepare(record)], reason="remap")
            counts[outcome.status] += 1
            if progress:
                progress(1)
        return counts

    def save_records(
        self,
        records: Iterable[dict],
        *,
        document: IncomingDocument | None = None,
        reason: str = "import",
        index: bool = True,
    ) -> list[SaveOutcome]:
        """Store the records of one document in one transaction (all or nothing).

        A record whose source (format + source id) is known becomes a new revision of that
        practice when its content changed, and is left alone when it did not.
        """
        return self.store([self.prepare(record) for record in records],
                          document=document, reason=reason, index=index)

    def store(
        self,
        prepared: list[dict],
        *,
        document: IncomingDocument | None = None,
        reason: str = "import",
        index: bool = True,
    ) -> list[SaveOutcome]:
        """Store records that ``prepare`` already returned, in one transaction."""
        return self.store_batch([(prepared, document)], reason=reason, index=index)[0]

    def store_batch(
        self,
        batch: list[tuple[list[dict], IncomingDocument | None]],
        *,
        reason: str = "import",
        index: bool = True,
    ) -> list[list[SaveOutcome]]:
        """Store several documents' prepared records in one transaction, with one statement
        per kind of row for all of them: bulk imports, where the statements' overhead was
        most of a document's store time.

        The outcomes are those of one ``store`` per document in turn (a practice met twice
        is created, then revised). If the batch fails (a concurrent writer got there first),
        nothing of it is written and each document is stored in a transaction of its own.
        """
        try:
            with self.db.session() as session, session.begin():
                outcomes = _BatchWriter(session, batch, reason).write()
        except (IntegrityError, StaleVersion):
            if len(batch) == 1:
                raise
            return [self.store(records, document=document, reason=reason, index=index)
                    for records, document in batch]
        self._after_commit([o for found in outcomes for o in found], index=index)
        return outcomes

    def update(self, practice_id: str, record: dict, *, expected_version: int) -> SaveOutcome:
        """An edit: a new revision, accepted only if it was based on the current version.

        A stale edit raises ``StaleVersion`` carrying what changed since the version it read.
        """
        current = self.get(practice_id)
        prepared = self.prepare({**record, "provenance": current["provenance"]})
        try:
            with self.db.session() as session, session.begin():
                (outcome,), = _BatchWriter(session, [([prepared], None)], "edit",
                                           expected_version=expected_version).write()
        except StaleVersion as exc:
            if 1 <= expected_version < current["revision"]:
                exc.changes = self.changes(practice_id, expected_version, current["revision"])
            raise
        self._after_commit([outcome])
        return outcome

    def delete(self, practice_id: str) -> None:
        """Delete a practice and its revisions; refused while an award entry points to it."""
        with self.db.session() as session, session.begin():
            practice = session.get(Practice, practice_id)
            if practice is None:
                raise NotFound(f"no practice {practice_id}")
            entries = session.scalar(select(func.count()).select_from(Entry)
                                     .where(Entry.practice_id == practice_id))
            if entries:
                raise InUse(f"practice {practice_id} is entered in {entries} award "
                            "edition(s); withdraw those entries before deleting it")
            session.delete(practice)
        self.search.delete([practice_id])
        self.stamp.bump()

    def _after_commit(self, outcomes: list[SaveOutcome], *, index: bool = True) -> None:
        changed = [o for o in outcomes if o.status != "unchanged"]
        if index and changed:
            self.search.index([o.record for o in changed])
        if changed:
            self.stamp.bump()
        for outcome in changed:
            call_each(self.pm, "registry_record_saved", record=outcome.record,
                      revision=outcome.revision)

    # -- reading -----------------------------------------------------------------------------

    def get(self, practice_id: str, revision: int | None = None) -> dict:
        """The current record of a practice, or one of its earlier revisions."""
        statement, params = ((_RECORD_AT, {"practice_id": practice_id, "number": revision})
                             if revision else (_CURRENT_RECORD, {"practice_id": practice_id}))
        with self.db.engine.connect() as connection:  # one read: no ORM session needed
            row = connection.execute(statement, params).first()
        if row is None:
            if revision and self._revision_count(practice_id):
                raise NotFound(f"practice {practice_id} has no revision {revision}")
            raise NotFound(f"no practice {practice_id}")
        return _with_revision(row.record, row.number)

    def get_many(self, practice_ids: list[str]) -> dict[str, dict]:
        """The current records of these practices in one query, by id; unknown ids are left
        out (a search hit deleted since it was indexed)."""
        if not practice_ids:
            return {}
        with self.db.engine.connect() as connection:
            rows = connection.execute(
                select(REVISIONS.c.record, REVISIONS.c.number)
                .join(PRACTICES, (PRACTICES.c.id == REVISIONS.c.practice_id)
                      & (REVISIONS.c.number == PRACTICES.c.version))
                .where(PRACTICES.c.id.in_(practice_ids))).all()
        return {row.record["id"]: _with_revision(row.record, row.number) for row in rows}

    def _revision_count(self, practice_id: str) -> int:
        with self.db.session() as session:
            return session.scalar(select(func.count()).select_from(REVISIONS)
                                  .where(REVISIONS.c.practice_id == practice_id))

    def revisions(self, practice_id: str) -> list[dict]:
        with self.db.session() as session:
            rows = session.execute(
                select(Revision.number, Revision.reason, Revision.created_at,
                       Revision.content_hash)
                .where(Revision.practice_id == practice_id).order_by(Revision.number)
            ).all()
        if not rows:
            raise NotFound(f"no practice {practice_id}")
        return [{"number": r.number, "reason": r.reason, "created_at": r.created_at.isoformat(),
                 "content_hash": r.content_hash} for r in rows]

    def changes(self, practice_id: str, old: int, new: int) -> list[dict]:
        """What changed between two revisions, as JSON Patch operations with the old value.

        ``revision`` and the import time are left out: they differ in every revision.
        """
        before, after = (_comparable(self.get(practice_id, n)) for n in (old, new))
        changes = []
        for op in jsonpatch.make_patch(before, after):
            path = op["path"]
            change = {"op": op["op"], "path": path,
                      "old": jsonpointer.resolve_pointer(before, path, None)}
            if "value" in op:
                change["new"] = op["value"]
            if "from" in op:
                change["from"] = op["from"]
            changes.append(change)
        return changes

    def list(self, *, page: int = 1, per_page: int = 20,
             country: str | None = None) -> tuple[list[dict], int]:
        """Current records, newest first, one page at a time, with the total count."""
        with self.db.session() as session:
            where = [Practice.country == country] if country else []
            total = session.scalar(select(func.count()).select_from(Practice).where(*where))
            rows = session.execute(
                select(Revision.record, Practice.version)
                .join(Practice, (Practice.id == Revision.practice_id)
                      & (Practice.version == Revision.number))
                .where(*where)
                .order_by(Practice.updated_at.desc(), Practice.id)
                .offset((page - 1) * per_page).limit(per_page)
            ).all()
        return [_with_revision(r.record, r.version) for r in rows], total

    def iter_all(self, batch: int = 500) -> Iterable[dict]:
        """Every current record in id order, a batch per query (reindexing, exports, remap).

        Keyset paging: records saved while iterating do not shift the batches.
        """
        last = ""
        while True:
            with self.db.session() as session:
                rows = session.execute(
                    select(Revision.record, Practice.version)
                    .join(Practice, (Practice.id == Revision.practice_id)
                          & (Practice.version == Revision.number))
                    .where(Practice.id > last).order_by(Practice.id).limit(batch)
                ).all()
            yield from (_with_revision(r.record, r.version) for r in rows)
            if len(rows) < batch:
                return
            last = rows[-1].record["id"]

    def count(self) -> int:
        with self.db.session() as session:
            return session.scalar(select(func.count()).select_from(Practice))


class _BatchWriter:
    """The rows of a batch of saves, planned in memory and written with one statement per
    kind of row.

    Plain SQL rather than the ORM unit of work: this runs for every imported record. The
    version check in the UPDATE is the optimistic lock.
    """

    def __init__(self, session: Session, batch: list[tuple[list[dict], IncomingDocument | None]],
                 reason: str, *, expected_version: int | None = None) -> None:
        self.session = session
        self.batch = batch
        self.reason = reason
        self.expected_version = expected_version
        self.created: list[dict] = []
        self.moved: list[dict] = []
        self.revisions: list[dict] = []

    def write(self) -> list[list[SaveOutcome]]:
        for records, _document in self.batch:
            for record in records:
                provenance = record["provenance"]
                record["id"] = practice_id_for(provenance["format"], provenance["source_id"])
        ids = list({record["id"] for records, _ in self.batch for record in records})
        current = {row.id: (row.version, row.content_hash, row.record)
                   for row in self.session.execute(_CURRENT_REVISIONS, {"ids": ids})}
        documents = self._document_ids()
        outcomes = [[self._plan(record, current, documents.get(document.sha256)
                                if document else None)
                     for record in records]
                    for records, document in self.batch]
        if self.created:
            self.session.execute(insert(PRACTICES), self.created)
        if self.moved and self.session.execute(_MOVE, self.moved).rowcount != len(self.moved):
            raise _stale(self.moved[0]["moved_id"], None, self.moved[0]["from_version"])
        if self.revisions:
            self.session.execute(insert(REVISIONS), self.revisions)
        return outcomes

    def _plan(self, record: dict, current: dict[str, tuple[int, str, dict]],
              document_id: int | None) -> SaveOutcome:
        """The rows that store ``record`` as its practice's next revision, unless it says
        nothing new; ``current`` follows the batch's own writes."""
        practice_id = record["id"]
        digest = content_hash(record)
        version, current_hash, current_record = current.get(practice_id, (None, None, None))
        if self.expected_version is not None and version != self.expected_version:
            raise _stale(practice_id, version, self.expected_version)
        if current_hash == digest:
            return SaveOutcome(practice_id, version, "unchanged",
                               _with_revision(current_record, version))
        now = utcnow()
        provenance = record["provenance"]
        provenance["imported_at"] = now.isoformat()
        summary = {"title": _first_text(record["title"]), "language": record["language"],
                   "country": (record.get("jurisdiction") or {}).get("country"),
                   "updated_at": now}
        if version is None:
            self.created.append({
                "id": practice_id, "format": provenance["format"],
                "source_id": provenance["source_id"], "version": 1, "created_at": now,
                **summary})
            version = 1
        else:
            self.moved.append({"moved_id": practice_id, "from_version": version,
                               "version": version + 1, **summary})
            version += 1
        self.revisions.append({
            "practice_id": practice_id, "number": version, "record": record,
            "content_hash": digest, "reason": self.reason, "source_document_id": document_id,
            "created_at": now})
        current[practice_id] = (version, digest, record)
        return SaveOutcome(practice_id, version, "created" if version == 1 else "revised",
                           _with_revision(record, version))

    def _document_ids(self) -> dict[str, int]:
        """The stored documents' ids by content hash; each document is kept once."""
        incoming = {document.sha256: document for _, document in self.batch if document}
        if not incoming:
            return {}
        ids = dict(self.session.execute(_DOCUMENT_IDS, {"hashes": list(incoming)}).all())
        new = [document for sha256, document in incoming.items() if sha256 not in ids]
        if new:
            ids.update(self.session.execute(
                insert(DOCUMENTS).returning(DOCUMENTS.c.sha256, DOCUMENTS.c.id),
                [{"sha256": document.sha256, "filename": document.filename,
                  "format": document.format, "size": len(document.content),
                  "content": document.content, "received_at": utcnow()}
                 for document in new]).all())
        return ids


def _stale(practice_id: str, actual: int | None, expected: int) -> StaleVersion:
    at = f"is at version {actual}" if actual else "was changed meanwhile"
    return StaleVersion(f"practice {practice_id} {at}, the edit was based on version {expected}",
                        fields={"version": [str(actual)] if actual else []})


def _comparable(record: dict) -> dict:
    provenance = {k: v for k, v in record["provenance"].items() if k != "imported_at"}
    return {**{k: v for k, v in record.items() if k != "revision"}, "provenance": provenance}


def _with_revision(record: dict, number: int) -> dict:
    return {**record, "revision": number}


def _first_text(text: dict) -> str:
    return next((t for t in text.values() if t), "")


def _summary(fields: dict[str, list[str]]) -> str:
    return "; ".join(f"{path}: {' '.join(reasons)}" for path, reasons in fields.items())


def view_for(identity: Identity, record: dict) -> dict:
    """The record as this caller may see it: contacts only for those allowed personal data."""
    return record if identity.can("read_contacts") else public_view(record)


def public_view(record: dict) -> dict:
    """The record as anonymous readers see it: no contact that is not marked public.

    The raw source fields that carry a hidden contact's details are left out too.
    """
    hidden = [c for c in record.get("contacts") or [] if not c.get("public")]
    if not hidden:
        return record
    secrets = {str(v).strip().lower() for c in hidden
               for k, v in c.items() if k != "public" and v and str(v).strip()}
    provenance = record.get("provenance") or {}
    raw = {k: v for k, v in (provenance.get("raw") or {}).items()
           if not any(s in str(v).lower() for s in secrets)}
    return {**record,
            "contacts": [c for c in record.get("contacts") or [] if c.get("public")],
            "provenance": {**provenance, "raw": raw}}
