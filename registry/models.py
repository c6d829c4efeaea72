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
