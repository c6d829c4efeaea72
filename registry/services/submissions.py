"""Submissions: how a network's practice gets into the registry from the site or the API.

upload a document (or fill the form) → a private draft, previewed with what is missing →
fixed → submitted → a moderator of the network publishes it (a practice revision, stored
through the practice service like any import) or returns it with a note.

Drafts live in their own table, never in the practices, the search index or the exports, so
"drafts are private" holds by construction. Only the network's own people (and admins) see
a network's submissions; to anyone else they do not exist.
"""

from __future__ import annotations

import hashlib
import uuid

from sqlalchemy import select

from registry.db import Database
from registry.errors import DocumentRejected, NotFound, RecordInvalid, RegistryError
from registry.models import Account, Submission, utcnow
from registry.permissions import Identity, PermissionDenied, require
from registry.schema import missing_fields
from registry.services.imports import ImportService, decode_document
from registry.services.practices import IncomingDocument, PracticeService

STATES = ("draft", "submitted", "returned", "published")
#: The states in which the network may still change a submission.
EDITABLE = ("draft", "returned")
#: ``provenance.format`` of a record typed into the form rather than parsed from a document.
FORM_FORMAT = "form"


class WrongState(RegistryError):
    """The step does not apply to a submission in its current state."""

    code = "wrong_state"


class SubmissionService:
    def __init__(self, db: Database, practices: PracticeService, imports: ImportService) -> None:
        self.db = db
        self.practices = practices
        self.imports = imports

    # -- the network's side ---------------------------------------------------------------------

    def upload(self, identity: Identity, filename: str, content: bytes,
               format_name: str | None = None) -> list[dict]:
        """Parse a document into one draft per record it holds (a RELAF newsletter has several).

        A document that cannot be read, recognised or validated raises ``DocumentRejected``
        naming the problem, and nothing is stored.
        """
        require(identity, "submit")
        if len(content) > self.imports.max_bytes:
            raise DocumentRejected(
                f"{filename}: {len(content) / 1_048_576:.1f} MiB is larger than the "
                f"{self.imports.max_bytes / 1_048_576:.1f} MiB limit")
        text = decode_document(content, filename)
        sha256 = hashlib.sha256(content).hexdigest()
        importer, records = self.imports.parse(text, filename, sha256, format_name)
        with self.db.session() as session, session.begin():
            rows = [Submission(network=_network(identity), account_id=identity.id,
                               record=record, filename=filename, document_format=importer.name,
                               document_sha256=sha256, document=content)
                    for record in records]
            session.add_all(rows)
            session.flush()
            return [_view(row) for row in rows]

    def create(self, identity: Identity, record: dict) -> dict:
        """A draft typed into the form: it must meet the contract (a title and a language)."""
        require(identity, "submit")
        record = {**record, "provenance": {"format": FORM_FORMAT,
                                           "source_id": f"{_network(identity)}/{uuid.uuid4()}"}}
        prepared = self.practices.prepare(record)
        with self.db.session() as session, session.begin():
            row = Submission(network=_network(identity), account_id=identity.id,
                             record=prepared)
            session.add(row)
            session.flush()
            return _view(row)

    def edit(self, identity: Identity, submission_id: int, record: dict) -> dict:
        """Replace a draft's record with a fixed one; its provenance stays the source's."""
        with self.db.session() as session, session.begin():
            row = self._own(session, identity, submission_id)
            _expect(row, EDITABLE, "change")
            prepared = self.practices.prepare({**record, "provenance": row.record["provenance"]})
            row.record = prepared
            row.updated_at = utcnow()
            return _view(row)

    def submit(self, identity: Identity, submission_id: int) -> dict:
        with self.db.session() as session, session.begin():
            row = self._own(session, identity, submission_id)
            _expect(row, EDITABLE, "submit")
            row.state, row.submitted_at, row.updated_at = "submitted", utcnow(), utcnow()
            return _view(row)

    # -- the moderator's side -------------------------------------------------------------------

    def publish(self, identity: Identity, submission_id: int) -> dict:
        """Store the record as a practice (a new one, or the next revision of the same source)."""
        require(identity, "moderate")
        with self.db.session() as session:
            row = self._visible(session, identity, submission_id)
            self._moderated(identity, row)
            _expect(row, ("submitted",), "publish")
            document = IncomingDocument(row.filename, row.document_format, row.document_sha256,
                                        row.document) if row.document is not None else None
            record = row.record
        outcome, = self.practices.save_records([record], document=document, reason="publish")
        with self.db.session() as session, session.begin():
            row = session.get(Submission, submission_id)
            row.state, row.note = "published", None
            row.practice_id, row.practice_revision = outcome.practice_id, outcome.revision
            row.decided_at, row.decided_by, row.updated_at = utcnow(), identity.id, utcnow()
            return _view(row)

    def return_to_network(self, identity: Identity, submission_id: int, note: str) -> dict:
        """Send a submission back to its network with a note saying what to fix."""
        require(identity, "moderate")
        with self.db.session() as session, session.begin():
            row = self._visible(session, identity, submission_id)
            self._moderated(identity, row)
            _expect(row, ("submitted",), "return")
            if not note.strip():
                raise RecordInvalid("say what the network should fix",
                                    fields={"note": ["empty"]})
            row.state, row.note = "returned", note.strip()
            row.decided_at, row.decided_by, row.updated_at = utcnow(), identity.id, utcnow()
            return _view(row)

    # -- reading --------------------------------------------------------------------------------

    def get(self, identity: Identity, submission_id: int) -> dict:
        with self.db.session() as session:
            return _view(self._visible(session, identity, submission_id))

    def list(self, identity: Identity, state: str | None = None) -> list[dict]:
        """The caller's network's submissions, newest first (every network's for an admin)."""
        require(identity, "submit")
        query = select(Submission, Account.name).join(Account, Account.id == Submission.account_id)
        if identity.role != "admin":
            query = query.where(Submission.network == identity.network)
        if state:
            query = query.where(Submission.state == state)
        with self.db.session() as session:
            rows = session.execute(query.order_by(Submission.updated_at.desc(),
                                                  Submission.id.desc())).all()
            return [{**_view(row), "submitted_by": name} for row, name in rows]

    def _visible(self, session, identity: Identity, submission_id: int) -> Submission:
        """A submission the caller may see; anyone outside its network gets ``NotFound``."""
        require(identity, "submit")
        row = session.get(Submission, submission_id)
        if row is None or (identity.role != "admin" and row.network != identity.network):
            raise NotFound(f"no submission {submission_id}")
        return row

    def _own(self, session, identity: Identity, submission_id: int) -> Submission:
        """A submission the caller may change: their own, or any of the network's they moderate."""
        row = self._visible(session, identity, submission_id)
        if row.account_id != identity.id and not identity.moderates(row.network):
            raise PermissionDenied("only its author or a moderator of the network may change "
                                   f"submission {submission_id}")
        return row

    @staticmethod
    def _moderated(identity: Identity, row: Submission) -> None:
        if not identity.moderates(row.network):
            raise PermissionDenied(f"only a moderator of {row.network} may decide on it")


def _network(identity: Identity) -> str:
    return identity.network or "registry"


def _expect(row: Submission, states: tuple[str, ...], step: str) -> None:
    if row.state not in states:
        raise WrongState(f"submission {row.id} is {row.state}; only a "
                         f"{' or '.join(states)} submission can {step}",
                         fields={"state": [row.state]})


def _view(row: Submission) -> dict:
    return {"id": row.id, "network": row.network, "state": row.state, "record": row.record,
            "missing": missing_fields(row.record), "filename": row.filename,
            "format": row.document_format, "practice_id": row.practice_id,
            "practice_revision": row.practice_revision, "note": row.note,
            "author_id": row.account_id,
            "created_at": row.created_at.isoformat() if row.created_at else None,
            "updated_at": row.updated_at.isoformat() if row.updated_at else None}
