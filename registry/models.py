"""SQLAlchemy 2 typed models: a practice, its revisions and the documents they came from.

The current record of a practice is its latest revision; older revisions stay readable.
``Practice.version`` is the current revision number; the practice service only moves it
forward from the version it read (optimistic locking), so two concurrent edits of the same
version cannot both commit.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    pass


class SourceDocument(Base):
    """A document as it was received, kept once per content hash."""

    __tablename__ = "source_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Practice(Base):
    """A good practice, identified by where it came from (format + source id)."""

    __tablename__ = "practices"
    __table_args__ = (UniqueConstraint("format", "source_id", name="uq_practice_source"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    format: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[str] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(16))
    country: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    revisions: Mapped[list[Revision]] = relationship(
        back_populates="practice", order_by="Revision.number", cascade="all, delete-orphan"
    )


class Revision(Base):
    """One stored state of a practice's record; never changed once written."""

    __tablename__ = "revisions"
    __table_args__ = (
        UniqueConstraint("practice_id", "number", name="uq_revision_number"),
        Index("ix_revisions_content_hash", "practice_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[str] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"))
    number: Mapped[int]
    record: Mapped[dict] = mapped_column(JSONType)
    content_hash: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(32))
    source_document_id: Mapped[int | None] = mapped_column(ForeignKey("source_documents.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    practice: Mapped[Practice] = relationship(back_populates="revisions")


# -- awards --------------------------------------------------------------------------------
#
# An award runs editions; an edition is scored with one rubric (by id, from a rubric plugin)
# and moves through the phases open -> scoring -> closed -> published. Entries link registry
# practices to an edition, at the revision that was submitted. Scores are kept per
# (assignment, criterion); every change to one is written to award_score_changes.


class Award(Base):
    """An award that runs editions, e.g. ORU Fogar's Regional Good Practices Award."""

    __tablename__ = "awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Edition(Base):
    """One round of an award. ``results`` and ``results_csv`` are stored when it is published,
    so published figures never change with later code, rubric or score changes."""

    __tablename__ = "award_editions"
    __table_args__ = (UniqueConstraint("award_id", "number", name="uq_edition_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(ForeignKey("awards.id"))
    number: Mapped[str] = mapped_column(String(40))
    year: Mapped[int | None]
    rubric_id: Mapped[str] = mapped_column(String(100))
    phase: Mapped[str] = mapped_column(String(16), default="open")
    blind: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    results: Mapped[dict | None] = mapped_column(JSONType)
    results_csv: Mapped[str | None] = mapped_column(Text)

    award: Mapped[Award] = relationship()


class Category(Base):
    """An optional category of an edition (e.g. "Social inclusion")."""

    __tablename__ = "award_categories"
    __table_args__ = (UniqueConstraint("edition_id", "name", name="uq_category_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("award_editions.id"))
    name: Mapped[str] = mapped_column(String(200))


class Entry(Base):
    """A practice entered in an edition; ``label`` (E01, E02, ...) is all a blind juror sees.

    A ``historic`` entry is a result imported from the award's own documents (a total and a
    registration number), not scored in the registry.
    """

    __tablename__ = "award_entries"
    __table_args__ = (
        UniqueConstraint("edition_id", "practice_id", name="uq_entry_practice"),
        UniqueConstraint("edition_id", "label", name="uq_entry_label"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("award_editions.id"))
    label: Mapped[str] = mapped_column(String(16))
    practice_id: Mapped[str] = mapped_column(ForeignKey("practices.id"))
    practice_revision: Mapped[int]
    category_id: Mapped[int | None] = mapped_column(ForeignKey("award_categories.id"))
    submitted_by: Mapped[str | None] = mapped_column(String(300))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    historic: Mapped[bool] = mapped_column(default=False)
    historic_total: Mapped[float | None]
    registration_no: Mapped[str | None] = mapped_column(String(64))
    historic_outcome: Mapped[str | None] = mapped_column(String(64))

    category: Mapped[Category | None] = relationship()


class Juror(Base):
    """A juror invited to an edition; ``language`` (en/es/fr) is the language of their forms."""

    __tablename__ = "award_jurors"
    __table_args__ = (UniqueConstraint("edition_id", "email", name="uq_juror_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("award_editions.id"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    country: Mapped[str | None] = mapped_column(String(2))
    organisation: Mapped[str | None] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(8), default="en")
    invited_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Conflict(Base):
    """A conflict of interest that keeps a juror off an entry: same_country,
    same_organisation (both found automatically) or declared by hand."""

    __tablename__ = "award_conflicts"
    __table_args__ = (
        UniqueConstraint("juror_id", "entry_id", "kind", name="uq_conflict_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("award_jurors.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("award_entries.id"))
    kind: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Assignment(Base):
    """A juror asked to score an entry; ``method`` says whether by hand or automatically."""

    __tablename__ = "award_assignments"
    __table_args__ = (UniqueConstraint("juror_id", "entry_id", name="uq_assignment"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("award_jurors.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("award_entries.id"), index=True)
    method: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Score(Base):
    """A juror's points for one criterion of an assigned entry; ``value`` None means N/A.

    ``status`` is draft until the juror submits the entry's scores; only submitted scores
    count in the results.
    """

    __tablename__ = "award_scores"
    __table_args__ = (UniqueConstraint("assignment_id", "criterion", name="uq_score_criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("award_assignments.id"))
    criterion: Mapped[str] = mapped_column(String(64))
    value: Mapped[float | None]
    comment: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ScoreChange(Base):
    """The audit trail: who changed a score, when, from what to what. Values are written as
    people read them ("7", "NA"); ``old_value`` is null for a first score."""

    __tablename__ = "award_score_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("award_scores.id"), index=True)
    changed_by: Mapped[str] = mapped_column(String(320))
    via: Mapped[str] = mapped_column(String(16))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    old_value: Mapped[str | None] = mapped_column(String(32))
    new_value: Mapped[str | None] = mapped_column(String(32))
    old_comment: Mapped[str | None] = mapped_column(Text)
    new_comment: Mapped[str | None] = mapped_column(Text)


# -- accounts and submissions ----------------------------------------------------------------
#
# People sign in with an account whose role says what they may do (registry/permissions.py);
# submitters and moderators belong to a network. API tokens are stored as SHA-256 digests
# only: the token itself is shown once, when it is made. A submission is a network's working
# copy of a record, private until a moderator publishes it as a practice revision.


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    network: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(8), default="en")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Submission(Base):
    """A record on its way in: draft → submitted → published, or returned to be fixed.

    ``record`` is the working copy (it may still break the contract while a draft);
    ``document`` the uploaded source, stored with the practice when it is published.
    """

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[str] = mapped_column(String(100), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    state: Mapped[str] = mapped_column(String(16), default="draft")
    record: Mapped[dict] = mapped_column(JSONType)
    filename: Mapped[str | None] = mapped_column(String(500))
    document_format: Mapped[str | None] = mapped_column(String(64))
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    document: Mapped[bytes | None] = mapped_column(LargeBinary)
    practice_id: Mapped[str | None] = mapped_column(
        ForeignKey("practices.id", ondelete="SET NULL"))
    practice_revision: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
