"""Importing source documents: read safely, pick the importer, parse, hand to the practice service.

Each document is all or nothing: a document that cannot be read, recognised, parsed or
validated is rejected with one line that names the file (and the field), and nothing of it
is stored. Re-importing the same document changes nothing.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import multiprocessing
import queue
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from itertools import repeat
from pathlib import Path
from typing import Literal

from registry.config import Config
from registry.errors import DocumentRejected, RecordInvalid
from registry.importers import Importer, Source
from registry.plugins import build_plugin_manager
from registry.search import collect_concepts, collect_search_fields, open_index
from registry.services.practices import IncomingDocument, PracticeService, SaveOutcome

log = logging.getLogger(__name__)

#: A best importer below this confidence means "not a format we know".
MIN_CONFIDENCE = 0.5

DocumentStatus = Literal["imported", "unchanged", "new revision", "rejected", "parsed"]


@dataclass
class DocumentResult:
    """What happened to one document, for the summary and ``--json``."""

    path: str
    status: DocumentStatus
    format: str | None = None
    practice_ids: list[str] = dataclass_field(default_factory=list)
    reason: str | None = None
    field: str | None = None
    records: list[dict] = dataclass_field(default_factory=list)

    def as_dict(self, *, with_records: bool = False) -> dict:
        data = {"path": self.path, "status": self.status, "format": self.format,
                "practice_ids": self.practice_ids, "reason": self.reason, "field": self.field}
        if with_records:
            data["records"] = self.records
        return data


class StageTimes(dict[str, float]):
    """Seconds spent per import stage, summed over the documents (``make bench-import``)."""

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self[stage] = self.get(stage, 0.0) + time.perf_counter() - started


@dataclass
class PreparedDocument:
    """A document read, parsed and validated, ready to be stored."""

    path: Path
    format: str
    sha256: str
    content: bytes
    records: list[dict]


class ImportService:
    def __init__(
        self, practices: PracticeService, importers: list[Importer], max_bytes: int,
        *, workers: int = 1, config: Config | None = None,
    ) -> None:
        self.practices = practices
        self.importers = {importer.name: importer for importer in importers}
        self.max_bytes = max_bytes
        self.workers = workers
        self.config = config
        self.stage_times = StageTimes()

    def read(self, path: Path) -> tuple[str, bytes]:
        """The document's text, refusing what is too large, empty, binary or not UTF-8."""
        if not path.is_file():
            raise DocumentRejected(f"{path}: not a file")
        size = path.stat().st_size
        if size > self.max_bytes:
            raise DocumentRejected(
                f"{path}: {size / 1_048_576:.1f} MiB is larger than the "
                f"{self.max_bytes / 1_048_576:.1f} MiB limit (REGISTRY_MAX_DOCUMENT_BYTES)"
            )
        content = path.read_bytes()
        return decode_document(content, str(path)), content

    def detect(self, text: str, name: str, format_name: str | None = None) -> Importer:
        """The importer for ``text``: the one asked for, or the most confident sniffer."""
        if format_name:
            if format_name not in self.importers:
                known = ", ".join(sorted(self.importers))
                raise DocumentRejected(f"{name}: unknown format {format_name!r} (known: {known})")
            return self.importers[format_name]
        scored = sorted(((imp.sniff(text), imp.name) for imp in self.importers.values()),
                        reverse=True)
        if not scored or scored[0][0] < MIN_CONFIDENCE:
            best = f" (closest: {scored[0][1]} at {scored[0][0]:.2f})" if scored else ""
            raise DocumentRejected(f"{name}: not a document in any known format{best}")
        return self.importers[scored[0][1]]

    def parse(self, text: str, name: str, sha256: str, format_name: str | None = None
              ) -> tuple[Importer, list[dict]]:
        """Parse and validate every record of a document, without storing anything."""
        with self.stage_times("detect"):
            importer = self.detect(text, name, format_name)
        records = self._records(importer, text, name, sha256)
        document, = self._validated([PreparedDocument(Path(name), importer.name, sha256, b"",
                                                      records)])
        if isinstance(document, DocumentRejected):
            raise document
        return importer, document.records

    def prepare_documents(self, paths: list[Path], format_name: str | None = None
                          ) -> list[PreparedDocument | DocumentRejected]:
        """Read, recognise, parse and validate documents: everything but storing them.

        Each document is prepared or rejected (``DocumentRejected``, with its path). Pure
        work on the documents, so bulk imports run it in worker processes; each step runs
        over all the documents given before the next one, and each importer parses its
        documents one after the other, which keeps each step's code and data in the
        processor's caches (``PracticeService.prepare_many``).
        """
        documents: list[PreparedDocument | DocumentRejected | None] = []
        recognised: list[tuple[Importer, int, str, bytes, str]] = []
        for at, path in enumerate(paths):
            try:
                with self.stage_times("read"):
                    text, content = self.read(path)
                    sha256 = hashlib.sha256(content).hexdigest()
                with self.stage_times("detect"):
                    importer = self.detect(text, path.name, format_name)
            except DocumentRejected as exc:
                exc.path = path
                documents.append(exc)
                continue
            recognised.append((importer, at, text, content, sha256))
            documents.append(None)
        for importer, at, text, content, sha256 in sorted(recognised,
                                                          key=lambda d: (d[0].name, d[1])):
            path = paths[at]
            try:
                records = self._records(importer, text, path.name, sha256)
            except DocumentRejected as exc:
                exc.path = path
                documents[at] = exc
                continue
            documents[at] = PreparedDocument(path, importer.name, sha256, content, records)
        return self._validated([d for d in documents if d is not None])

    def _records(self, importer: Importer, text: str, name: str, sha256: str) -> list[dict]:
        """The records ``importer`` reads in a document, with their provenance."""
        try:
            with self.stage_times("parse"):
                records = importer.parse(text, Source(name=name, sha256=sha256))
        except DocumentRejected as exc:
            where = f" (field {exc.field})" if exc.field else ""
            raise DocumentRejected(f"{name}{where}: {exc.message}", field=exc.field) from exc
        except Exception as exc:  # noqa: BLE001 - an importer's bug costs one document, not the import
            log.exception("the %s importer failed on %s", importer.name, name)
            raise DocumentRejected(f"{name}: the {importer.name} importer could not read it "
                                   f"({type(exc).__name__}: {exc})") from exc
        if not records:
            raise DocumentRejected(f"{name}: the {importer.name} importer found no practice in it")
        for record in records:
            record.setdefault("provenance", {}).update(
                sha256=sha256, parser_version=importer.version, format=importer.name)
        return records

    def _validated(self, documents: list[PreparedDocument | DocumentRejected]
                   ) -> list[PreparedDocument | DocumentRejected]:
        """The documents with their records validated and enriched; a document with an
        invalid record is rejected by the first one."""
        parsed = [d for d in documents if isinstance(d, PreparedDocument)]
        with self.stage_times("validate + hooks"):
            outcomes = iter(self.practices.prepare_many([r for d in parsed for r in d.records]))
        validated: list[PreparedDocument | DocumentRejected] = []
        for document in documents:
            if isinstance(document, PreparedDocument):
                records = [next(outcomes) for _ in document.records]
                invalid = next((r for r in records if isinstance(r, RecordInvalid)), None)
                if invalid:
                    rejected = DocumentRejected(f"{document.path.name}: {invalid.message}",
                                                field=next(iter(invalid.fields), None))
                    rejected.path = document.path
                    document = rejected
                else:
                    document.records = records
            validated.append(document)
        return validated

    def store_documents(self, batch: list[PreparedDocument | DocumentRejected], *,
                        dry_run: bool = False, index: bool = True) -> list[DocumentResult]:
        """Store prepared documents, all of them in one transaction, and report rejections."""
        ready = [p for p in batch if not isinstance(p, DocumentRejected)]
        stored: Iterator[list[SaveOutcome]] = iter(())
        if ready and not dry_run:
            with self.stage_times("store"):
                stored = iter(self.practices.store_batch([
                    (p.records, IncomingDocument(p.path.name, p.format, p.sha256, p.content))
                    for p in ready], index=index))
        stamp = dt.datetime.now(dt.UTC).isoformat()
        results = []
        for prepared in batch:
            if isinstance(prepared, DocumentRejected):
                results.append(DocumentResult(str(prepared.path), "rejected",
                                              reason=prepared.message, field=prepared.field))
            elif dry_run:
                for record in prepared.records:
                    record["provenance"]["imported_at"] = stamp
                results.append(DocumentResult(str(prepared.path), "parsed", prepared.format,
                                              records=prepared.records))
            else:
                results.append(_stored_result(prepared, next(stored)))
        return results

    def import_document(self, path: Path, *, format_name: str | None = None,
                        dry_run: bool = False, index: bool = True) -> DocumentResult:
        """Import one document; a rejection is a result, not an exception."""
        return self.store_documents(self.prepare_documents([path], format_name),
                                    dry_run=dry_run, index=index)[0]

    def import_paths(
        self, paths: Iterable[Path], *, format_name: str | None = None, dry_run: bool = False,
        on_result: Callable[[DocumentResult], None] | None = None,
    ) -> list[DocumentResult]:
        """Import documents and folders of documents; index the stored records once at the end.

        With ``workers`` > 1 and enough documents, documents are prepared in that many worker
        processes (each loads the installed plugins) while this process stores them in order,
        ``BATCH`` documents per transaction.
        """
        paths = list(expand_paths(paths))
        # the index is written meanwhile in a process of its own when the backend can do it
        indexer = (_BackgroundIndexer(self.config)
                   if not dry_run and self._parallel(paths)
                   and getattr(self.practices.search, "incremental_bulk", False) else None)
        results: list[DocumentResult] = []
        batch: list[PreparedDocument | DocumentRejected] = []

        def store_batch() -> None:
            stored = self.store_documents(batch, dry_run=dry_run, index=False)
            batch.clear()
            results.extend(stored)
            if indexer:
                indexer.add([r for res in stored if res.status in ("imported", "new revision")
                             for r in res.records])
            if on_result:
                for result in stored:
                    on_result(result)

        try:
            for prepared in self._prepared(paths, format_name):
                batch.append(prepared)
                if len(batch) >= BATCH:
                    store_batch()
            store_batch()
        except BaseException:
            if indexer:
                indexer.abandon()
            raise
        changed = [r for res in results if res.status in ("imported", "new revision")
                   for r in res.records]
        if indexer and indexer.finish(self.stage_times):
            changed = []
        if changed:
            with self.stage_times("index"):
                self.practices.search.index(changed)
        if changed or indexer and indexer.indexed:
            self.practices.stamp.bump()  # the search page changed only now
        return results

    def _parallel(self, paths: list[Path]) -> bool:
        """Whether these documents are prepared in worker processes."""
        return self.workers >= 2 and self.config is not None and len(paths) >= PARALLEL_FROM

    def _prepared(self, paths: list[Path], format_name: str | None
                  ) -> Iterator[PreparedDocument | DocumentRejected]:
        chunks = [paths[start:start + CHUNK] for start in range(0, len(paths), CHUNK)]
        if not self._parallel(paths):
            for chunk in chunks:
                yield from self.prepare_documents(chunk, format_name)
            return
        # The first document is prepared here: what plugins load on first use (lexicons,
        # locale data) is loaded once, and workers forked after it start with it loaded.
        yield from self.prepare_documents(paths[:1], format_name)
        chunks[0] = chunks[0][1:]
        with _frozen_heap(), ProcessPoolExecutor(self.workers, initializer=_start_worker,
                                                 initargs=(self.config,)) as pool:
            for prepared, times in pool.map(_prepare_in_worker, chunks, repeat(format_name)):
                for stage, seconds in times.items():
                    self.stage_times[stage] = self.stage_times.get(stage, 0.0) + seconds
                yield from prepared


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """Leave the objects alive now (the plugins' data, loaded by the first document) out of
    the garbage collector's scans until the block ends.

    Worker processes forked meanwhile then never scan them either, nor write to their pages,
    which fork shares until written (what the ``gc.freeze`` documentation advises). A heap
    someone else froze is left as it is.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


#: Documents are prepared this many at a time, one step over all of them, then the next
#: (processor time per document, one process: 16 at a time 1.45 ms, 32 1.38, 64 1.28, 128 1.27).
CHUNK = 64
#: Fewer documents than this are prepared in-process: starting workers would cost more.
PARALLEL_FROM = 64
#: A bulk import stores this many documents per transaction and hands their records to the
#: background indexer together.
BATCH = 64


class _BackgroundIndexer:
    """A process that indexes the records of a bulk import while the next ones are prepared
    and stored: the backend's ``bulk`` (one writer, one commit at the end), fed in batches.

    If it fails, ``finish`` says so and the import indexes the records itself, as it would
    without it.
    """

    def __init__(self, config: Config) -> None:
        context = multiprocessing.get_context()
        self.batches = context.Queue()
        self.outcome = context.Queue()
        self.indexed = False
        self.process = context.Process(target=_index_in_background,
                                       args=(config, self.batches, self.outcome), daemon=True)
        self.process.start()

    def add(self, records: list[dict]) -> None:
        if records:
            self.batches.put(records)

    def finish(self, stage_times: StageTimes) -> bool:
        """Wait for the commit; True when every record handed over is indexed."""
        self.batches.put(None)
        while True:
            try:
                status, detail = self.outcome.get(timeout=1)
                break
            except queue.Empty:
                if not self.process.is_alive():
                    status, detail = "failed", f"exit code {self.process.exitcode}"
                    break
        self.process.join()
        if status != "ok":
            log.warning("background indexing failed (%s); indexing in this process", detail)
            self.batches.cancel_join_thread()
            return False
        stage_times["index"] = stage_times.get("index", 0.0) + detail
        self.indexed = True
        return True

    def abandon(self) -> None:
        """Stop without committing anything (the import failed)."""
        self.batches.cancel_join_thread()
        self.process.kill()
        self.process.join()


def _index_in_background(config: Config, batches: multiprocessing.Queue,
                         outcome: multiprocessing.Queue) -> None:
    try:
        pm = build_plugin_manager(config.blocked_plugins)
        search = open_index(config, collect_search_fields(pm), concepts=collect_concepts(pm))
        gc.freeze()  # what lives as long as this process is not scanned for garbage
        spent = 0.0
        try:
            with search.bulk() as add:
                while (batch := batches.get()) is not None:
                    started = time.perf_counter()
                    add(batch)
                    spent += time.perf_counter() - started
                started = time.perf_counter()  # the commit, when the block ends
            spent += time.perf_counter() - started
        finally:
            search.close()
        outcome.put(("ok", spent))
    except BaseException as exc:  # reported to the importing process, which takes over
        outcome.put(("failed", f"{type(exc).__name__}: {exc}"))

_worker: ImportService | None = None


def _start_worker(config: Config) -> None:
    """Build, once per worker process, the import pipeline of the installed plugins."""
    global _worker
    pm = build_plugin_manager(config.blocked_plugins)
    importers = [imp for batch in pm.hook.registry_importers() for imp in batch]
    _worker = ImportService(PracticeService(None, pm, None), importers,
                            config.max_document_bytes)
    gc.freeze()  # what lives as long as this process is not scanned for garbage


def _prepare_in_worker(paths: list[Path], format_name: str | None
                       ) -> tuple[list[PreparedDocument | DocumentRejected], dict[str, float]]:
    _worker.stage_times.clear()
    prepared = _worker.prepare_documents(paths, format_name)
    return prepared, dict(_worker.stage_times)


def _stored_result(prepared: PreparedDocument, outcomes: list[SaveOutcome]) -> DocumentResult:
    statuses = {o.status for o in outcomes}
    status: DocumentStatus = ("imported" if "created" in statuses
                              else "new revision" if "revised" in statuses else "unchanged")
    return DocumentResult(str(prepared.path), status, prepared.format,
                          [o.practice_id for o in outcomes], records=[o.record for o in outcomes])


def decode_document(content: bytes, name: str) -> str:
    """UTF-8 text, normalised (NFC, ``\\n`` line ends, no BOM), or a rejection that says why."""
    if not content.strip():
        raise DocumentRejected(f"{name}: the file is empty")
    if b"\x00" in content[:8192]:
        raise DocumentRejected(f"{name}: binary content, expected a UTF-8 text document")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentRejected(
            f"{name}: not UTF-8 text (byte 0x{content[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8 and import again"
        ) from exc
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, and the visible files inside folders, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*")
                              if p.is_file() and not any(part.startswith(".")
                                                         for part in p.relative_to(path).parts))
        else:
            yield path
