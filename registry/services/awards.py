"""The award service: the only code that writes awards, editions, entries, jurors and scores.

An edition moves through four phases, and each action checks it:

``open``       entries are submitted, jurors invited, conflicts found or declared, jurors assigned
``scoring``    jurors score their assigned entries (draft, then submit); the chair may still
               invite and assign, and import score sheets
``closed``     jurors can no longer score; they may read each other's scores; the chair reviews
               the results and may import corrected score sheets
``published``  the results are computed one last time and stored; nothing changes any more

The acting juror is passed in explicitly (``juror_id``) and the command line calls these
methods as the system. The pages and the API first ask who may: ``check_juror`` (a juror acts
through the account with the juror's email and role ``juror``, and only that account),
``results_for`` and ``results_csv_for`` (published results are public, jurors named but not
their emails; the results before then are the chair's), and ``require(identity, "chair")``
for everything else. Every write is one transaction; structural writes lock the edition row,
score writes share-lock it, so publishing waits for scores being saved. All figures come from
:mod:`registry.scoring`.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.assignment import AssignmentImpossible, plan_assignment
from registry.db import Database
from registry.errors import NotFound, RecordInvalid, RegistryError
from registry.models import (
    Assignment,
    Award,
    Category,
    Conflict,
    Edition,
    Entry,
    Juror,
    Practice,
    Revision,
    Score,
    ScoreChange,
    utcnow,
)
from registry.permissions import Identity, LoginRequired, PermissionDenied, require
from registry.rubrics import Rubric, localized, score_problem
from registry.scoring import (
    NA_TOKENS,
    Results,
    ScoresInvalid,
    build_table,
    compute_results,
    results_to_csv,
    scores_from_csv,
)
from registry.scoring import Score as ScoreRow

LANGUAGES = ("en", "es", "fr")
#: What a blind juror reads where the record names its city or lead entity.
HIDDEN = {"en": "[hidden]", "es": "[oculto]", "fr": "[masqué]"}
#: Record fields a juror reads in every round; text in them is redacted in blind rounds.
SHOWN_FIELDS = ("language", "title", "summary", "description", "aims", "practice_type",
                "status", "start_date", "end_date", "period_text", "target_groups",
                "target_groups_text", "beneficiaries", "kpis", "resources", "evaluations",
                "future_goals", "tags")
#: Record fields that say who runs the practice and where; left out in blind rounds.
IDENTIFYING_FIELDS = ("jurisdiction", "lead_entity", "implementing_unit", "stakeholders",
                      "events", "links")
_ADDRESS_KEYS = frozenset({"url", "website"})
HISTORIC_NOTE = ("historic result as published by the award (total and registration number); "
                 "not scored in the registry")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LABEL = re.compile(r"^[EH]\d{2,}$")
#: Ids are 32-bit integers in the database; a larger number names nothing (and PostgreSQL
#: would refuse to compare it).
_MAX_ID = 2**31 - 1


class PhaseError(RegistryError):
    """The action does not fit the edition's phase (e.g. scoring after publication)."""

    code = "wrong_phase"


class ConflictOfInterest(RegistryError):
    """A juror may not score an entry they have a conflict of interest with."""

    code = "conflict_of_interest"


class NotAssigned(RegistryError):
    """A juror asked for an entry they are not assigned to."""

    code = "not_assigned"


class AlreadyExists(RegistryError):
    """The award, edition, entry, juror, conflict or assignment is already there."""

    code = "already_exists"


class AlreadyScored(RegistryError):
    """An assignment with scores cannot be undone: the scores and their audit stay."""

    code = "already_scored"


def _fold(text: str) -> str:
    """Text compared as people mean it: no accents, case or spacing differences."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def _written(value: float | None) -> str:
    """A score as the audit trail and the CSV write it: ``7``, ``7.5`` or ``NA``."""
    if value is None:
        return "NA"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _check_text(**given: tuple[object, int | None]) -> None:
    """Text as every database stores it: no NUL character (PostgreSQL refuses it) and no
    longer than its column (PostgreSQL enforces lengths, SQLite does not). ``given`` maps a
    field to its value (a string, or strings in lists and mappings) and its length limit."""
    problems: dict[str, list[str]] = {}
    for name, (value, limit) in given.items():
        strings = list(_strings(value))
        if any("\x00" in text for text in strings):
            problems[name] = ["contains a NUL character (\\x00), which no text may hold."]
        elif limit is not None and any(len(text) > limit for text in strings):
            problems[name] = [f"longer than {limit} characters."]
    if problems:
        raise RecordInvalid(_summary(problems), fields=problems)


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _read_value(raw: float | str | None) -> tuple[float | None, str | None]:
    """A score given as a number, a string (decimal comma allowed) or N/A; or why not."""
    if raw is None:
        return None, None
    if isinstance(raw, bool):
        return None, f"{raw!r} is not a number."
    if isinstance(raw, int | float):
        try:
            return float(raw), None
        except OverflowError:
            return None, f"{raw} is not a score on any scale."
    text = raw.strip()
    if text.lower() in NA_TOKENS:
        return None, None
    try:
        return float(text.replace(",", ".")), None
    except ValueError:
        return None, f"{text!r} is not a number (write NA where the criterion does not apply)."


class AwardService:
    def __init__(self, db: Database, rubrics: Mapping[str, Rubric]) -> None:
        self.db = db
        self.rubrics = dict(rubrics)

    # -- rubrics --------------------------------------------------------------------------

    def rubric(self, rubric_id: str) -> Rubric:
        """A rubric some plugin provides; the error lists the ones available."""
        try:
            return self.rubrics[rubric_id]
        except KeyError:
            known = ", ".join(sorted(self.rubrics)) or "none"
            raise RecordInvalid(
                f"no rubric {rubric_id!r}; the rubric plugins provide: {known}",
                fields={"rubric": [f"unknown rubric {rubric_id!r}"]},
            ) from None

    def describe_rubrics(self, language: str = "en") -> list[dict]:
        """Every available rubric with its labels in ``language``."""
        return [rubric_view(r, language) for _, r in sorted(self.rubrics.items())]

    # -- awards and editions --------------------------------------------------------------

    def create_award(self, name: str) -> dict:
        """A new award; names are unique whatever their case or accents."""
        _check_text(name=(name, 300))
        name = " ".join(name.split())
        if not name:
            raise RecordInvalid("an award needs a name", fields={"name": ["empty"]})
        with self.db.session() as session, session.begin():
            existing = session.scalars(select(Award)).all()
            same = next((a for a in existing if _fold(a.name) == _fold(name)), None)
            if same is not None:
                raise AlreadyExists(f"award {same.name!r} already exists (id {same.id})",
                                    fields={"name": ["already exists"]})
            award = Award(name=name)
            session.add(award)
            session.flush()
            return {"id": award.id, "name": award.name, "editions": []}

    def awards(self) -> list[dict]:
        """Every award with its editions, oldest first."""
        with self.db.session() as session:
            awards = session.scalars(select(Award).order_by(Award.id)).all()
            editions = session.scalars(select(Edition).order_by(Edition.id)).all()
            return [{"id": a.id, "name": a.name,
                     "editions": [_edition_view(e) for e in editions if e.award_id == a.id]}
                    for a in awards]

    def create_edition(self, award_id: int, number: str, rubric_id: str, *,
                       year: int | None = None, blind: bool = False,
                       categories: Sequence[str] = ()) -> dict:
        """A new edition, scored with a rubric that a plugin provides, in phase ``open``."""
        self.rubric(rubric_id)
        _check_text(number=(number, 40), categories=(categories, 200))
        number = number.strip()
        if not number:
            raise RecordInvalid("an edition needs a number or name, e.g. 'I' or '2016'",
                                fields={"number": ["empty"]})
        if year is not None and not 1900 <= year <= 2100:
            raise RecordInvalid(f"{year} is not a plausible year for an edition",
                                fields={"year": ["between 1900 and 2100"]})
        names = [" ".join(c.split()) for c in categories if c.strip()]
        with self.db.session() as session, session.begin():
            award = session.get(Award, award_id) if 0 < award_id <= _MAX_ID else None
            if award is None:
                raise NotFound(f"no award {award_id}")
            taken = session.scalar(select(Edition.id).where(
                Edition.award_id == award_id, func.lower(Edition.number) == number.lower()))
            if taken is not None:
                raise AlreadyExists(f"{award.name} already has an edition {number!r} "
                                    f"(id {taken})", fields={"number": ["already exists"]})
            edition = Edition(award=award, number=number, year=year, rubric_id=rubric_id,
                              blind=blind, phase="open")
            session.add(edition)
            session.flush()
            session.add_all(Category(edition_id=edition.id, name=n) for n in dict.fromkeys(names))
            session.flush()
            return self._edition_summary(session, edition)

    def edition(self, edition_id: int) -> dict:
        """An edition with its categories, counts and scoring progress (the chair's view)."""
        with self.db.session() as session:
            return self._edition_summary(session, self._edition(session, edition_id))

    # -- entries ----------------------------------------------------------------------------

    def submit_entry(self, edition_id: int, practice_id: str, *, submitted_by: str | None = None,
                     category: str | None = None) -> dict:
        """Enter a registry practice, at its current revision; conflicts with the jurors
        already invited are found at once."""
        _check_text(practice_id=(practice_id, None), submitted_by=(submitted_by, 300),
                    category=(category, None))
        with self.db.session() as session, session.begin():
            edition = self._edition(session, edition_id, lock="update")
            _require_phase(edition, "open", "entries are submitted")
            practice = session.get(Practice, practice_id)
            if practice is None:
                raise NotFound(f"no practice {practice_id}",
                               fields={"practice_id": [f"no practice {practice_id}"]})
            self._refuse_duplicate(session, edition, practice_id)
            entry = Entry(edition_id=edition.id, practice_id=practice_id,
                          practice_revision=practice.version, submitted_by=submitted_by,
                          category=self._category(session, edition, category),
                          label=self._next_label(session, edition, "E"))
            session.add(entry)
            session.flush()
            record = _record(session, entry)
            for juror in session.scalars(select(Juror).where(Juror.edition_id == edition.id)):
                session.add_all(_found_conflicts(juror, entry, record))
            session.flush()
            return self._entry_views(session, edition, [entry])[0]

    def import_historic(self, edition_id: int, practice_ids: Sequence[str] = ()) -> list[dict]:
        """Turn the award results recorded on practices (their ``awards`` list) into historic
        entries of this edition: the published total and registration number, not scored here.

        Without ids, every practice whose record names this award and edition is taken.
        Importing twice adds nothing.
        """
        _check_text(practice_ids=(practice_ids, None))
        with self.db.session() as session, session.begin():
            edition = self._edition(session, edition_id, lock="update")
            if edition.phase == "published":
                raise PhaseError(_frozen(edition))
            current = (select(Revision.practice_id, Revision.number, Revision.record)
                       .join(Practice, (Practice.id == Revision.practice_id)
                             & (Practice.version == Revision.number)))
            if practice_ids:
                current = current.where(Revision.practice_id.in_(practice_ids))
            rows = {r.practice_id: r for r in session.execute(current.order_by(Practice.id))}
            missing = [p for p in practice_ids if p not in rows]
            if missing:
                raise NotFound(f"no practice {', '.join(missing)}",
                               fields={"practice_ids": [f"no practice {p}" for p in missing]})
            found = {pid: _matching_award(edition, row.record) for pid, row in rows.items()}
            unmatched = [pid for pid in practice_ids if found[pid] is None]
            if unmatched:
                raise RecordInvalid(
                    "; ".join(_no_award_reason(edition, pid, rows[pid].record)
                              for pid in unmatched),
                    fields={pid: [_no_award_reason(edition, pid, rows[pid].record)]
                            for pid in unmatched})
            _check_text(**{f"{pid}.awards.{key}": (item.get(key), 64) for pid, item in found.items()
                           if item for key in ("registration_no", "outcome")})
            entered = {e.practice_id: e for e in session.scalars(
                select(Entry).where(Entry.edition_id == edition.id))}
            out: list[dict] = []
            for pid, item in found.items():
                if item is None:
                    continue
                if pid in entered:
                    out.append({**self._entry_views(session, edition, [entered[pid]])[0],
                                "status": "already entered"})
                    continue
                entry = Entry(
                    edition_id=edition.id, practice_id=pid, practice_revision=rows[pid].number,
                    label=self._next_label(session, edition, "H"), historic=True,
                    historic_total=_number_or_none(item.get("total_score")),
                    registration_no=item.get("registration_no"),
                    historic_outcome=item.get("outcome"),
                    submitted_by=f"imported from the record's awards ({item.get('award')})")
                session.add(entry)
                session.flush()
                out.append({**self._entry_views(session, edition, [entry])[0],
                            "status": "imported"})
            return out

    def entries(self, edition_id: int) -> list[dict]:
        """Every entry with its practice, category and historic result (the chair's view)."""
        with self.db.session() as session:
            edition = self._edition(session, edition_id)
            entries = session.scalars(select(Entry).where(Entry.edition_id == edition.id)
                                      .order_by(Entry.historic, Entry.id)).all()
            return self._entry_views(session, edition, entries)

    # -- jurors and conflicts -----------------------------------------------------------------

    def invite_juror(self, edition_id: int, name: str, email: str, *,
                     country: str | None = None, organisation: str | None = None,
                     language: str = "en") -> dict:
        """Add a juror; conflicts with the entries already submitted are found at once."""
        _check_text(name=(name, 200), email=(email, 320), country=(country, None),
                    organisation=(organisation, 300))
        problems: dict[str, list[str]] = {}
        name = " ".join(name.split())
        email = email.strip().lower()
        country = (country or "").strip().upper() or None
        organisation = " ".join((organisation or "").split()) or None
        if not name:
            problems["name"] = ["a juror needs a name."]
        if "@" not in email.strip("@"):
            problems["email"] = [f"{email!r} is not an email address."]
        if country and not _COUNTRY.match(country):
            problems["country"] = [f"{country!r} is not an ISO 3166-1 alpha-2 code (e.g. MX)."]
        if language not in LANGUAGES:
            problems["language"] = [f"{language!r}: forms come in {', '.join(LANGUAGES)}."]
        if problems:
            raise RecordInvalid(_summary(problems), fields=problems)
        with self.db.session() as session, session.begin():
            edition = self._edition(session, edition_id, lock="update")
            _require_phase(edition, ("open", "scoring"), "jurors are invited")
            taken = session.scalar(select(Juror.id).where(Juror.edition_id == edition.id,
                                                          Juror.email == email))
            if taken is not None:
                raise AlreadyExists(f"{email} is already juror {taken} of this edition",
                                    fields={"email": ["already invited"]})
            juror = Juror(edition_id=edition.id, name=name, email=email, country=country,
                          organisation=organisation, language=language)
            session.add(juror)
            session.flush()
            entries = session.scalars(select(Entry).where(Entry.edition_id == edition.id,
                                                          Entry.historic.is_(False))).all()
            for entry in entries:
                session.add_all(_found_conflicts(juror, entry, _record(session, entry)))
            session.flush()
            return self._juror_views(session, edition, [juror])[0]

    def jurors(self, edition_id: int) -> list[dict]:
        """The jury, with each juror's load and how many entries they have submitted."""
        with self.db.session() as session:
            edition = self._edition(session, edition_id)
            jurors = session.scalars(select(Juror).where(Juror.edition_id == edition.id)
                                     .order_by(Juror.id)).all()
            return self._juror_views(session, edition, jurors)

    def declare_conflict(self, edition_id: int, juror_id: int, label: str,
                         note: str | None = None) -> dict:
        """A conflict of interest declared by hand (by the juror, an entrant or the chair)."""
        _check_text(note=(note, None))
        with self.db.session() as session, session.begin():
            edition = self._edition(session, edition_id, lock="update")
            _require_phase(edition, ("open", "scoring"), "conflicts are declared")
            juror = self._juror(session, edition, juror_id)
            entry = self._entry(session, edition, label)
            assigned = session.scalar(select(Assignment.id).where(
                Assignment.juror_id == juror.id, Assignment.entry_id == entry.id))
            if assigned is not None:
                raise ConflictOfInterest(
                    f"{juror.name} is assigned to {entry.label}; remove that assignment "
                    "before declaring the conflict, so that no scores are lost unnoticed",
                    fields={"entry": ["assigned"]})
            exists = session.scalar(select(Conflict).where(
                Conflict.juror_id == juror.id, Conflict.entry_id == entry.id,
                Conflict.kind == "declared"))
            if exists is not None:
                raise AlreadyExists(f"{juror.name} has already declared a conflict with "
                                    f"{entry.label}")
            conflict = Conflict(juror_id=juror.id, entry_id=entry.id, kind="declared",
                                note=(note or "").strip() or None)
            session.add(conflict)
            session.flush()
            return _conflict_view(conflict, juror, entry)

    def conflicts(self, edition_id: int) -> list[dict]:
        """Every conflict of interest, found from the records or declared."""
        with self.db.session() as session:
            edition = self._edition(session, edition_id)
            rows = session.execute(
                select(Conflict, Juror, Entry)
                .join(Juror, Juror.id == Conflict.juror_id)
                .join(Entry, Entry.id == Conflict.entry_id)
                .where(Entry.edition_id == edition.id)
                .order_by(Juror.id, Entry.id, Conflict.kind)).all()
            return [_conflict_view(c, j, e) for c, j, e in rows]

    # -- assignment -----------------------------------------------------------------------

    def assign(self, edition_id: int, juror_id: int, labels: Sequence[str]) -> list[dict]:
        """Assign a juror to entries by hand, all or none; refused where they have a
        conflict of interest."""
        with self.db.session() as session, session.begin():
            edition = self._edition(session, edition_id, lock="update")
            _require_phase(edition, ("open", "scoring"), "jurors are assigned")
            juror = self._juror(session, edition, juror_id)
            made = []
            for label in labels:
                entry = self._entry(session, edition, label, scored=True)
                conflicts = session.scalars(select(Conflict).where(
                    Conflict.juror_id == juror.id, Conflict.entry_id == entry.id)).all()
                if conflicts:
                    reasons = [c.kind + (f" ({c.note})" if c.note else "") for c in conflicts]
                    raise ConflictOfInterest(
                        f"{juror.name} cannot score {entry.label}: conflict of interest, "
                        f"{'; '.join(reasons)}", fields={entry.label: reasons})
                taken = session.scalar(select(Assignment.id).where(
                    Assignment.juror_id == juror.id, Assignment.entry_id == entry.id))
                if taken is not None:
                    raise AlreadyExists(f"{juror.name} is already assigned to {entry.label}")
                assignment = Assignment(juror_id=juror.id, entry_id=entry.id, method="hand")
                session.add(assignment)
                session.flush()
                made.append(_assignment_view(assignment, juror, entry, "not_started"))
            return made

    def unassign(self, edition_id: int, juror_id: int, label: str) -> None:
        """Take a juror off an entry, as long as they have not scored it."""
        with self.db.session() as session, session.begin():
            edition = self._edition(session, edition_id, lock="update")
            _require_phase(edition, ("open", "scoring"), "assignments change")
            juror = self._juror(session, edition, juror_id)
            entry = self._entry(session, edition, label)
            assignment = session.scalar(select(Assignment).where(
                Assignment.juror_id == juror.id, Assignment.entry_id == entry.id))
            if assignment is None:
                raise NotFound(f"{juror.name} is not assigned to {entry.label}")
            scored = session.scalar(select(func.count()).select_from(Score)
                                    .where(Score.assignment_id == assignment.id))
            if scored:
                raise AlreadyScored(f"{juror.name} has already scored {entry.label} "
                                 f"({scored} score(s)); a scored assignment stays")
            session.delete(assignment)

    def auto_assign(self, edition_id: int, per_entry: int) -> list[dict]:
        """Give every entry ``per_entry`` jurors, loads even to within one, no conflicts
        (see :mod:`registry.assignment`). Assignments already made are kept and counted.
        Ties are broken in a random order seeded by the edition id, so that jurors do not
        always meet the same colleagues and a re-run gives the same assignment.
        """
        with self.db.session() as session, session.begin():
            edition = self._edition(session, edition_id, lock="update")
            _require_phase(edition, ("open", "scoring"), "jurors are assigned")
            jurors = session.scalars(select(Juror).where(Juror.edition_id == edition.id)
                                     .order_by(Juror.id)).all()
            entries = session.scalars(select(Entry).where(
                Entry.edition_id == edition.id, Entry.historic.is_(False))
                .order_by(Entry.id)).all()
            if per_entry < 1:
                raise RecordInvalid("jurors per entry must be at least 1",
                                    fields={"per_entry": ["must be at least 1"]})
            if not entries:
                raise AssignmentImpossible("the edition has no entries to assign")
            if per_entry > len(jurors):
                raise AssignmentImpossible(
                    f"{per_entry} jurors per entry asked, but the edition has "
                    f"{len(jurors)} juror(s); invite more jurors or ask for fewer per entry",
                    fields={"per_entry": [f"at most {len(jurors)}"]})
            entry_ids = [e.id for e in entries]
            existing = session.execute(select(Assignment.entry_id, Assignment.juror_id)
                                       .where(Assignment.entry_id.in_(entry_ids))).all()
            blocked = session.execute(select(Conflict.entry_id, Conflict.juror_id)
                                      .where(Conflict.entry_id.in_(entry_ids))).all()
            by_entry = {e.id: e for e in entries}
            by_juror = {j.id: j for j in jurors}
            plan = plan_assignment({e.id: e.label for e in entries},
                                   {j.id: j.name for j in jurors}, per_entry,
                                   set(map(tuple, existing)), set(map(tuple, blocked)),
                                   random.Random(edition.id))
            made = [Assignment(entry_id=e, juror_id=j, method="auto") for e, j in plan]
            session.add_all(made)
            session.flush()
            return [_assignment_view(a, by_juror[a.juror_id], by_entry[a.entry_id],
                                     "not_started") for a in made]

    def assignments(self, edition_id: int) -> list[dict]:
        """Every assignment with its scoring status (not_started, draft, submitted)."""
        with self.db.session() as session:
            edition = self._edition(session, edition_id)
            return [_assignment_view(a, j, e, status)
                    for a, j, e, status in self._assignment_rows(session, edition)]

    # -- phases ---------------------------------------------------------------------------

    def start_scoring(self, edition_id: int) -> dict:
        """Open scoring to the jurors (``open`` -> ``scoring``)."""
        with self.db.session() as session, session.begin():
            edition = self._edition(session, edition_id, lock="update")
            _require_phase(edition, "open", "scoring starts")
            if not self._assignment_rows(session, edition):
                raise PhaseError("no juror is assigned to any entry yet; assign jurors before "
                                 "scoring starts")
            edition.phase = "scoring"
            return self._edition_summary(session, edition)

    def close_scoring(self, edition_id: int) -> dict:
        """End scoring (``scoring`` -> ``closed``): jurors may now read each other's scores."""
        with self.db.session() as session, session.begin():
            edition = self._edition(session, edition_id, lock="update")
            _require_phase(edition, "scoring", "scoring is closed")
            edition.phase = "closed"
            edition.closed_at = utcnow()
            return self._edition_summary(session, edition)

    def publish(self, edition_id: int) -> dict:
        """Compute the results one last time and freeze them (``closed`` -> ``published``)."""
        with self.db.session() as session, session.begin():
            edition = self._edition(session, edition_id, lock="update")
            _require_phase(edition, "closed", "results are published")
            edition.published_at = utcnow()
            edition.phase = "published"
            results, data = self._results(session, edition)
            edition.results = data
            edition.results_csv = results_to_csv(results)
            return data

    # -- the juror's side -----------------------------------------------------------------

    def juror_entries(self, edition_id: int, juror_id: int) -> dict:
        """What the acting juror sees: only their assigned entries (anonymised in a blind
        round), the rubric in their language and where they are with each entry."""
        with self.db.session() as session:
            edition = self._edition(session, edition_id)
            juror = self._juror(session, edition, juror_id)
            rows = [r for r in self._assignment_rows(session, edition) if r[1].id == juror.id]
            return {
                "edition": self._edition_summary(session, edition, progress=False),
                "juror": _juror_public(juror),
                "rubric": rubric_view(self.rubric(edition.rubric_id), juror.language),
                "entries": [{"label": e.label, "status": status,
                             "practice": _juror_practice(edition, juror, _record(session, e))}
                            for _, _, e, status in rows],
            }

    def juror_entry(self, edition_id: int, juror_id: int, label: str) -> dict:
        """One assigned entry with the juror's own scores; the other jurors' scores only
        once scoring is closed."""
        with self.db.session() as session:
            edition = self._edition(session, edition_id)
            juror = self._juror(session, edition, juror_id)
            entry = self._entry(session, edition, label)
            assignment = self._assignment_of(session, juror, entry)
            rubric = self.rubric(edition.rubric_id)
            scores = _scores_by_assignment(session, [assignment.id]).get(assignment.id, {})
            panel_visible = edition.phase in ("closed", "published")
            panel: list[dict] = []
            if panel_visible:
                others = session.execute(
                    select(Assignment, Juror).join(Juror, Juror.id == Assignment.juror_id)
                    .where(Assignment.entry_id == entry.id, Assignment.juror_id != juror.id)
                    .order_by(Juror.id)).all()
                their = _scores_by_assignment(session, [a.id for a, _ in others])
                panel = [{"juror": j.name, "status": _status(their.get(a.id, {})),
                          "scores": {c: _score_view(s) for c, s in their.get(a.id, {}).items()}}
                         for a, j in others]
            return {
                "edition": self._edition_summary(session, edition, progress=False),
                "juror": _juror_public(juror),
                "rubric": rubric_view(rubric, juror.language),
                "entry": {"label": entry.label, "status": _status(scores),
                          "practice": _juror_practice(edition, juror, _record(session, entry))},
                "scores": {c: _score_view(s) for c, s in scores.items()},
                "panel_visible": panel_visible,
                "panel": panel,
            }

    def save_scores(self, edition_id: int, juror_id: int, label: str,
                    values: Mapping[str, float | str | None], *,
                    comments: Mapping[str, str] | None = None, submit: bool = False,
                    actor: str | None = None) -> dict:
        """Save the acting juror's scores for one entry, as a draft or submitted.

        ``values`` maps criterion ids to points, or to ``None``/``"NA"`` where the rubric
        allows N/A; criteria left out keep what they had. Submitting needs every criterion;
        once submitted, later saves keep the entry submitted. Every change is audited, as
        done by ``actor`` (the signed-in account's email), else by the juror's email.
        """
        _check_text(scores=(values, None), comments=(comments, None), actor=(actor, 320))
        with self.db.session() as session, session.begin():
            edition = self._edition(session, edition_id, lock="share")
            if edition.phase != "scoring":
                raise PhaseError(_not_scoring(edition))
            juror = self._juror(session, edition, juror_id)
            entry = self._entry(session, edition, label)
            assignment = self._assignment_of(session, juror, entry, lock=True)
            rubric = self.rubric(edition.rubric_id)
            parsed, problems = _check_values(rubric, values, comments or {})
            current = _scores_by_assignment(session, [assignment.id]).get(assignment.id, {})
            notes: dict[str, str | None] = {}
            for criterion_id, text in (comments or {}).items():
                if criterion_id in parsed or criterion_id in current:
                    notes[criterion_id] = text.strip() or None
                elif text.strip():
                    problems.setdefault(criterion_id, []).append(
                        "a comment goes with a score; give the score (or NA) too.")
            submitted = submit or _status(current) == "submitted"
            if submitted:
                given = {**{c: s.value for c, s in current.items()}, **parsed}
                for criterion in rubric.criteria:
                    if criterion.id not in given:
                        problems.setdefault(criterion.id, []).append(
                            "no score yet; every criterion is scored before submitting"
                            + (" (NA where it does not apply)." if criterion.allow_na else "."))
                if len(given) == len(rubric.criteria) and all(
                        v is None for v in given.values()):
                    problems.setdefault("_scores", []).append(
                        "every criterion is N/A; at least one must be scored.")
            if problems:
                raise ScoresInvalid.from_problems(problems)
            status = "submitted" if submitted else "draft"
            changed = self._write_scores(session, assignment, current, parsed, notes, status,
                                         changed_by=actor or juror.email, via="juror")
        return {**self.juror_entry(edition_id, juror_id, label), "changed": changed}

    # -- who may read and act -------------------------------------------------------------

    def check_juror(self, identity: Identity, edition_id: int, juror_id: int) -> None:
        """Raise unless ``identity`` is this juror: a juror reads and scores through the
        account with the juror's email and role ``juror``, and nobody else does (not even a
        chair: the chair follows progress and results on the edition's own pages).
        ``LoginRequired`` for nobody, ``PermissionDenied`` for anyone else."""
        if identity.is_anonymous:
            raise LoginRequired("sign in (or send an API token) as the juror to score")
        with self.db.session() as session:
            juror = self._juror(session, self._edition(session, edition_id), juror_id)
            email = juror.email
        if identity.can("score") and (identity.email or "").lower() == email.lower():
            return
        raise PermissionDenied(f"only juror {juror_id}'s own account may read and score "
                               "as this juror")

    def juror_seats(self, email: str) -> list[dict]:
        """The editions where ``email`` sits on the jury, newest first, each with the juror id
        and how far the juror is (what a signed-in juror lists as their award entries)."""
        with self.db.session() as session:
            jurors = session.scalars(select(Juror).where(Juror.email == email.strip().lower())
                                     .order_by(Juror.edition_id.desc())).all()
            seats = []
            for juror in jurors:
                edition = self._edition(session, juror.edition_id)
                statuses = [status for _, j, _, status in self._assignment_rows(session, edition)
                            if j.id == juror.id]
                seats.append({"edition": _edition_view(edition), "juror": _juror_public(juror),
                              "assigned": len(statuses),
                              "submitted": statuses.count("submitted")})
            return seats

    def results_for(self, identity: Identity, edition_id: int) -> dict:
        """The results as ``identity`` may read them: the chair's at any time; everyone's once
        published, the jurors named but their emails left out."""
        if identity.can("chair"):
            return self.results(edition_id)
        with self.db.session() as session:
            edition = self._edition(session, edition_id)
            if edition.phase != "published":
                require(identity, "chair")
            return _without_emails(edition.results)

    def results_csv_for(self, identity: Identity, edition_id: int) -> str:
        """The results CSV (no juror in it): the chair's at any time, everyone's once
        published."""
        if not identity.can("chair"):
            with self.db.session() as session:
                if self._edition(session, edition_id).phase != "published":
                    require(identity, "chair")
        return self.results_csv(edition_id)

    # -- the chair's side -----------------------------------------------------------------

    def import_scores(self, edition_id: int, text: str, *, actor: str = "chair") -> dict:
        """A score sheet (see :func:`registry.scoring.scores_from_csv`) entered as submitted
        scores: rows name the entry label and the juror's email. All or nothing."""
        _check_text(actor=(actor, 320))
        with self.db.session() as session, session.begin():
            edition = self._edition(session, edition_id, lock="share")
            if edition.phase not in ("scoring", "closed"):
                raise PhaseError(_frozen(edition) if edition.phase == "published"
                                 else _not_scoring(edition))
            rubric = self.rubric(edition.rubric_id)
            rows = scores_from_csv(text, rubric)
            build_table(rubric, rows)
            entries = {e.label: e for e in session.scalars(
                select(Entry).where(Entry.edition_id == edition.id))}
            jurors = {j.email: j for j in session.scalars(
                select(Juror).where(Juror.edition_id == edition.id))}
            assigned = {(a.entry_id, a.juror_id): a for a in session.scalars(
                select(Assignment).where(Assignment.entry_id.in_(
                    [e.id for e in entries.values()])))}
            sheets: dict[tuple[str, str], dict[str, float | None]] = defaultdict(dict)
            for row in rows:
                sheets[(row.entry, row.juror)][row.criterion] = row.value
            problems: dict[str, list[str]] = {}
            targets: list[tuple[Assignment, dict[str, float | None]]] = []
            for (label, email), values in sheets.items():
                where = f"entry {label!r}, juror {email!r}"
                entry, juror = entries.get(label.upper()), jurors.get(email.lower())
                if entry is None:
                    problems.setdefault(where, []).append(f"no entry {label!r} in this edition.")
                elif entry.historic:
                    problems.setdefault(where, []).append(
                        f"{label} is a historic result; it is not scored in the registry.")
                if juror is None:
                    problems.setdefault(where, []).append(
                        f"no juror with email {email!r} in this edition.")
                if entry is None or juror is None or entry.historic:
                    continue
                assignment = assigned.get((entry.id, juror.id))
                if assignment is None:
                    problems.setdefault(where, []).append(
                        f"{juror.name} is not assigned to {label}.")
                    continue
                targets.append((assignment, values))
            if problems:
                raise ScoresInvalid.from_problems(problems)
            current = _scores_by_assignment(session, [a.id for a, _ in targets])
            changed = sum(
                self._write_scores(session, assignment, current.get(assignment.id, {}), values,
                                   {}, "submitted", changed_by=actor, via="import")
                for assignment, values in targets)
            return {"sheets": len(targets), "scores": len(rows), "changed": changed}

    def results(self, edition_id: int) -> dict:
        """The results: stored ones once published, otherwise computed from the submitted
        scores so far (the chair watches them form)."""
        with self.db.session() as session:
            edition = self._edition(session, edition_id)
            if edition.phase == "published":
                return edition.results
            return self._results(session, edition)[1]

    def results_csv(self, edition_id: int) -> str:
        """The results table as CSV, raw and normalised columns side by side."""
        with self.db.session() as session:
            edition = self._edition(session, edition_id)
            if edition.phase == "published":
                return edition.results_csv
            return results_to_csv(self._results(session, edition)[0])

    def score_changes(self, edition_id: int) -> list[dict]:
        """The audit trail of an edition's scores, oldest first."""
        with self.db.session() as session:
            edition = self._edition(session, edition_id)
            rows = session.execute(
                select(ScoreChange, Score.criterion, Entry.label, Juror.email)
                .join(Score, Score.id == ScoreChange.score_id)
                .join(Assignment, Assignment.id == Score.assignment_id)
                .join(Entry, Entry.id == Assignment.entry_id)
                .join(Juror, Juror.id == Assignment.juror_id)
                .where(Entry.edition_id == edition.id)
                .order_by(ScoreChange.id)).all()
            return [{"entry": label, "juror": email, "criterion": criterion,
                     "changed_by": c.changed_by, "via": c.via,
                     "changed_at": c.changed_at.isoformat(), "old": c.old_value,
                     "new": c.new_value, "old_comment": c.old_comment,
                     "new_comment": c.new_comment}
                    for c, criterion, label, email in rows]

    # -- internals ------------------------------------------------------------------------

    def _edition(self, session: Session, edition_id: int,
                 lock: Literal["update", "share"] | None = None) -> Edition:
        """The edition; ``update`` locks it for a structural write or a phase change,
        ``share`` for a score write (many at once, but not while it is being published)."""
        if not 0 < edition_id <= _MAX_ID:
            raise NotFound(f"no award edition {edition_id}")
        query = select(Edition).where(Edition.id == edition_id)
        if lock:
            query = query.with_for_update(read=lock == "share")
        edition = session.scalar(query)
        if edition is None:
            raise NotFound(f"no award edition {edition_id}")
        return edition

    def _juror(self, session: Session, edition: Edition, juror_id: int) -> Juror:
        juror = session.get(Juror, juror_id) if 0 < juror_id <= _MAX_ID else None
        if juror is None or juror.edition_id != edition.id:
            raise NotFound(f"edition {edition.id} has no juror {juror_id}")
        return juror

    def _entry(self, session: Session, edition: Edition, label: str,
               scored: bool = False) -> Entry:
        label = label.strip().upper()
        entry = session.scalar(select(Entry).where(
            Entry.edition_id == edition.id, Entry.label == label)) if _LABEL.match(label) else None
        if entry is None:
            raise NotFound(f"edition {edition.id} has no entry {label!r}")
        if scored and entry.historic:
            raise RecordInvalid(f"{entry.label} is a historic result imported from the award's "
                                "documents; it is not scored in the registry",
                                fields={"entry": ["historic"]})
        return entry

    def _assignment_of(self, session: Session, juror: Juror, entry: Entry,
                       lock: bool = False) -> Assignment:
        query = select(Assignment).where(Assignment.juror_id == juror.id,
                                         Assignment.entry_id == entry.id)
        assignment = session.scalar(query.with_for_update() if lock else query)
        if assignment is None:
            raise NotAssigned(f"{juror.name} is not assigned to {entry.label}; a juror sees "
                              "only the entries assigned to them")
        return assignment

    def _category(self, session: Session, edition: Edition,
                  name: str | None) -> Category | None:
        if not name:
            return None
        categories = session.scalars(select(Category).where(
            Category.edition_id == edition.id)).all()
        match = next((c for c in categories if _fold(c.name) == _fold(name)), None)
        if match is None:
            known = ", ".join(c.name for c in categories) or "none"
            raise RecordInvalid(f"edition {edition.id} has no category {name!r} (its "
                                f"categories: {known})", fields={"category": ["unknown"]})
        return match

    def _refuse_duplicate(self, session: Session, edition: Edition, practice_id: str) -> None:
        label = session.scalar(select(Entry.label).where(Entry.edition_id == edition.id,
                                                         Entry.practice_id == practice_id))
        if label is not None:
            raise AlreadyExists(f"practice {practice_id} is already entry {label} of this "
                                "edition", fields={"practice_id": ["already entered"]})

    def _next_label(self, session: Session, edition: Edition, prefix: str) -> str:
        labels = session.scalars(select(Entry.label).where(
            Entry.edition_id == edition.id, Entry.label.like(f"{prefix}%"))).all()
        return f"{prefix}{len(labels) + 1:02d}"

    def _assignment_rows(self, session: Session,
                         edition: Edition) -> list[tuple[Assignment, Juror, Entry, str]]:
        rows = session.execute(
            select(Assignment, Juror, Entry)
            .join(Juror, Juror.id == Assignment.juror_id)
            .join(Entry, Entry.id == Assignment.entry_id)
            .where(Entry.edition_id == edition.id)
            .order_by(Entry.id, Juror.id)).all()
        scores = _scores_by_assignment(session, [a.id for a, _, _ in rows])
        return [(a, j, e, _status(scores.get(a.id, {}))) for a, j, e in rows]

    def _write_scores(self, session: Session, assignment: Assignment,
                      current: dict[str, Score], values: Mapping[str, float | None],
                      comments: Mapping[str, str | None], status: str, *,
                      changed_by: str, via: str) -> int:
        """Upsert an assignment's scores, set their status and audit each change."""
        now = utcnow()
        changed = 0
        for criterion in dict.fromkeys([*values, *comments]):
            score = current.get(criterion)
            old_value = _written(score.value) if score is not None else None
            old_comment = score.comment if score is not None else None
            new_value = _written(values[criterion]) if criterion in values else old_value
            new_comment = comments.get(criterion, old_comment)
            if score is None:
                score = Score(assignment_id=assignment.id, criterion=criterion,
                              value=values[criterion], status=status)
                current[criterion] = score
                session.add(score)
            elif (old_value, old_comment) == (new_value, new_comment):
                continue
            elif criterion in values:
                score.value = values[criterion]
            score.comment = new_comment
            score.updated_at = now
            session.flush()
            session.add(ScoreChange(score_id=score.id, changed_by=changed_by, via=via,
                                    changed_at=now, old_value=old_value, new_value=new_value,
                                    old_comment=old_comment, new_comment=new_comment))
            changed += 1
        for score in current.values():
            score.status = status
        session.flush()
        return changed

    def _results(self, session: Session, edition: Edition) -> tuple[Results, dict]:
        """The figures (registry.scoring) and the same as JSON, with names and practices."""
        rubric = self.rubric(edition.rubric_id)
        rows = self._assignment_rows(session, edition)
        submitted = [(a, j, e) for a, j, e, status in rows if status == "submitted"]
        scores = _scores_by_assignment(session, [a.id for a, _, _ in submitted])
        table = build_table(rubric, [
            ScoreRow(e.label, j.email, criterion, s.value)
            for a, j, e in submitted for criterion, s in scores.get(a.id, {}).items()])
        results = compute_results(rubric, table)
        entries = session.scalars(select(Entry).where(Entry.edition_id == edition.id)
                                  .order_by(Entry.id)).all()
        views = {v["label"]: v for v in self._entry_views(session, edition, entries)}
        names = {j.email: j.name for _, j, _, _ in rows}
        data = results.as_dict()
        totals = defaultdict(list)
        for total in data.pop("totals"):
            totals[total["entry"]].append({**total, "name": names[total["juror"]]})
        data["entries"] = [
            {**entry, "practice_id": views[entry["entry"]]["practice_id"],
             "title": views[entry["entry"]]["title"], "place": views[entry["entry"]]["place"],
             "category": views[entry["entry"]]["category"], "totals": totals[entry["entry"]]}
            for entry in data["entries"]]
        data["jurors"] = [{**j, "name": names[j["juror"]]} for j in data["jurors"]]
        data["notices"] = list(data["notices"])
        unsubmitted = [f"{e.label}/{j.name}" for _, j, e, status in rows if status != "submitted"]
        if unsubmitted:
            data["notices"].append({
                "code": "unsubmitted",
                "message": f"{len(unsubmitted)} assignment(s) have no submitted scores and are "
                           f"not counted: {', '.join(unsubmitted)}.",
                "subject": None})
        threshold = results.agreement.threshold
        data.update({
            "edition": self._edition_summary(session, edition, progress=False),
            "rubric": rubric_view(rubric, "en"),
            "frozen_rubric": rubric.as_dict(),
            "computed_at": utcnow().isoformat(),
            "frozen": edition.phase == "published",
            "low_agreement": [name for name, alpha in [*results.agreement.criteria.items(),
                                                       ("total", results.agreement.total)]
                              if alpha is not None and alpha < threshold],
            "historic": [{key: views[e.label][key] for key in (
                "label", "practice_id", "title", "place", "historic_total", "registration_no",
                "historic_outcome")} | {"note": HISTORIC_NOTE}
                for e in entries if e.historic],
        })
        # plain JSON types, so computed results look exactly like the stored ones
        return results, json.loads(json.dumps(data))

    def _edition_summary(self, session: Session, edition: Edition,
                         progress: bool = True) -> dict:
        view = _edition_view(edition)
        view["categories"] = session.scalars(select(Category.name).where(
            Category.edition_id == edition.id).order_by(Category.id)).all()
        if not progress:
            return view
        counts = session.execute(
            select(Entry.historic, func.count()).where(Entry.edition_id == edition.id)
            .group_by(Entry.historic)).all()
        by_kind = {bool(historic): n for historic, n in counts}
        statuses = [status for *_, status in self._assignment_rows(session, edition)]
        view.update({
            "entries": by_kind.get(False, 0),
            "historic_entries": by_kind.get(True, 0),
            "jurors": session.scalar(select(func.count()).select_from(Juror)
                                     .where(Juror.edition_id == edition.id)),
            "progress": {"assignments": len(statuses),
                         **{s: statuses.count(s) for s in ("not_started", "draft",
                                                           "submitted")}},
        })
        return view

    def _entry_views(self, session: Session, edition: Edition,
                     entries: Sequence[Entry]) -> list[dict]:
        views = []
        for entry in entries:
            record = _record(session, entry)
            jurisdiction = record.get("jurisdiction") or {}
            views.append({
                "label": entry.label, "practice_id": entry.practice_id,
                "practice_revision": entry.practice_revision,
                "title": _first(record.get("title")),
                "place": ", ".join(p for p in (jurisdiction.get("name"),
                                               jurisdiction.get("country")) if p),
                "lead_entity": (record.get("lead_entity") or {}).get("name"),
                "category": entry.category.name if entry.category else None,
                "submitted_by": entry.submitted_by,
                "submitted_at": entry.submitted_at.isoformat(),
                "historic": entry.historic, "historic_total": entry.historic_total,
                "registration_no": entry.registration_no,
                "historic_outcome": entry.historic_outcome,
            })
        return views

    def _juror_views(self, session: Session, edition: Edition,
                     jurors: Sequence[Juror]) -> list[dict]:
        rows = self._assignment_rows(session, edition)
        return [{**_juror_public(j), "email": j.email, "country": j.country,
                 "organisation": j.organisation,
                 "assigned": sum(1 for _, aj, _, _ in rows if aj.id == j.id),
                 "submitted": sum(1 for _, aj, _, s in rows
                                  if aj.id == j.id and s == "submitted")}
                for j in jurors]


# -- records as jurors and chairs see them ---------------------------------------------------


def _record(session: Session, entry: Entry) -> dict:
    """The practice's record as it was when entered."""
    return session.scalar(select(Revision.record).where(
        Revision.practice_id == entry.practice_id, Revision.number == entry.practice_revision))


def _juror_practice(edition: Edition, juror: Juror, record: dict) -> dict:
    """The practice as a juror reads it. No contacts, no provenance, no past awards, no id;
    in a blind round no city, jurisdiction, lead entity, partners or addresses either, and
    those names are masked where the texts mention them."""
    view = {key: record.get(key) for key in SHOWN_FIELDS}
    if not edition.blind:
        return view | {key: record.get(key) for key in IDENTIFYING_FIELDS}
    jurisdiction = record.get("jurisdiction") or {}
    names = [jurisdiction.get("name"), (record.get("lead_entity") or {}).get("name"),
             record.get("implementing_unit")]
    return _redacted(view, [n for n in names if n], HIDDEN.get(juror.language, HIDDEN["en"]))


def _redacted(value: Any, names: list[str], mask: str) -> Any:
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(n.strip())}(?!\w)"
                                  for n in sorted(names, key=len, reverse=True)),
                         re.IGNORECASE) if names else None

    def walk(item: Any) -> Any:
        if isinstance(item, str):
            return pattern.sub(mask, item) if pattern else item
        if isinstance(item, list):
            return [walk(i) for i in item]
        if isinstance(item, dict):
            return {k: walk(v) for k, v in item.items() if k not in _ADDRESS_KEYS}
        return item

    return walk(value)


def _without_emails(results: dict) -> dict:
    """Results for the public: each juror by name, their email (the ``juror`` key of the
    jurors and totals, and where a notice quotes it) replaced by that name."""
    names = {j["juror"]: j["name"] for j in results.get("jurors", [])}
    for entry in results.get("entries", []):
        names.update((t["juror"], t["name"]) for t in entry.get("totals", []))

    def hide(text: Any) -> Any:
        if not isinstance(text, str):
            return text
        for email, name in names.items():
            text = text.replace(email, name)
        return text

    public = json.loads(json.dumps(results))
    for juror in public.get("jurors", []):
        juror.pop("juror", None)
    for entry in public.get("entries", []):
        for total in entry.get("totals", []):
            total.pop("juror", None)
    public["notices"] = [{key: hide(value) for key, value in notice.items()}
                         for notice in public.get("notices", [])]
    return public


def _found_conflicts(juror: Juror, entry: Entry, record: dict) -> list[Conflict]:
    """Conflicts a juror has with an entry by country or organisation, from the record."""
    found = []
    country = (record.get("jurisdiction") or {}).get("country")
    if juror.country and country and juror.country == country.upper():
        found.append(Conflict(juror_id=juror.id, entry_id=entry.id, kind="same_country",
                              note=f"juror and practice are both from {juror.country}"))
    lead = (record.get("lead_entity") or {}).get("name")
    if juror.organisation and lead and _fold(juror.organisation) == _fold(lead):
        found.append(Conflict(juror_id=juror.id, entry_id=entry.id, kind="same_organisation",
                              note=f"juror works for {lead}, the practice's lead entity"))
    return found


def _matching_award(edition: Edition, record: dict) -> dict | None:
    """The item of a record's ``awards`` list that is this award and edition, if any."""
    for item in record.get("awards") or []:
        if (_fold(str(item.get("award") or "")) == _fold(edition.award.name)
                and _fold(str(item.get("edition") or "")) == _fold(edition.number)
                and (edition.year is None or item.get("year") in (None, edition.year))):
            return item
    return None


def _no_award_reason(edition: Edition, practice_id: str, record: dict) -> str:
    listed = "; ".join(f"{a.get('award')} {a.get('edition')} ({a.get('year')})"
                       for a in record.get("awards") or []) or "none"
    return (f"practice {practice_id} records no result of {edition.award.name} "
            f"{edition.number}" + (f" ({edition.year})" if edition.year else "")
            + f"; its awards: {listed}")


def rubric_view(rubric: Rubric, language: str) -> dict:
    """A rubric with its texts in one language (English where a text is missing)."""
    return {
        "id": rubric.id, "title": localized(rubric.title, language),
        "description": localized(rubric.description, language),
        "note": localized(rubric.note, language), "stand_in": rubric.stand_in,
        "source": rubric.source.title if rubric.source else None,
        "source_url": rubric.source.url if rubric.source else None,
        "scale": {"min": rubric.scale.min, "max": rubric.scale.max, "step": rubric.scale.step},
        "aggregate": rubric.aggregate, "trim": rubric.trim, "max_total": rubric.max_total,
        "origin": rubric.origin,
        "criteria": [{"id": c.id, "label": localized(c.label, language),
                      "description": localized(c.description, language), "weight": c.weight,
                      "min": rubric.scale.min, "max": c.max_points, "step": rubric.scale.step,
                      "allow_na": c.allow_na}
                     for c in rubric.criteria],
    }


def _check_values(rubric: Rubric, values: Mapping[str, float | str | None],
                  comments: Mapping[str, str]) -> tuple[dict[str, float | None],
                                                        dict[str, list[str]]]:
    parsed: dict[str, float | None] = {}
    problems: dict[str, list[str]] = {}
    known = {c.id: c for c in rubric.criteria}
    for criterion_id in [*values, *comments]:
        if criterion_id not in known:
            problems.setdefault(criterion_id, [f"unknown criterion (rubric {rubric.id!r} has "
                                               f"{', '.join(known)})."])
    for criterion_id, raw in values.items():
        criterion = known.get(criterion_id)
        if criterion is None:
            continue
        value, reason = _read_value(raw)
        if reason is None and value is None and not criterion.allow_na:
            reason = "N/A is not allowed for this criterion."
        if reason is None and value is not None:
            reason = score_problem(value, rubric, criterion)
        if reason:
            problems.setdefault(criterion_id, []).append(reason)
        else:
            parsed[criterion_id] = value
    return parsed, problems


def _scores_by_assignment(session: Session,
                          assignment_ids: Iterable[int]) -> dict[int, dict[str, Score]]:
    ids = list(assignment_ids)
    out: dict[int, dict[str, Score]] = defaultdict(dict)
    if ids:
        for score in session.scalars(select(Score).where(Score.assignment_id.in_(ids))
                                     .order_by(Score.id)):
            out[score.assignment_id][score.criterion] = score
    return out


def _status(scores: Mapping[str, Score]) -> str:
    if not scores:
        return "not_started"
    return "submitted" if any(s.status == "submitted" for s in scores.values()) else "draft"


def _score_view(score: Score) -> dict:
    return {"value": score.value, "na": score.value is None, "comment": score.comment,
            "status": score.status}


def _edition_view(edition: Edition) -> dict:
    return {
        "id": edition.id, "award": {"id": edition.award.id, "name": edition.award.name},
        "number": edition.number, "year": edition.year,
        "name": f"{edition.award.name} {edition.number}"
                + (f" ({edition.year})" if edition.year else ""),
        "rubric": edition.rubric_id, "phase": edition.phase, "blind": edition.blind,
        "closed_at": edition.closed_at.isoformat() if edition.closed_at else None,
        "published_at": edition.published_at.isoformat() if edition.published_at else None,
    }


def _juror_public(juror: Juror) -> dict:
    return {"id": juror.id, "name": juror.name, "language": juror.language}


def _conflict_view(conflict: Conflict, juror: Juror, entry: Entry) -> dict:
    return {"juror": juror.id, "juror_name": juror.name, "entry": entry.label,
            "kind": conflict.kind, "note": conflict.note}


def _assignment_view(assignment: Assignment, juror: Juror, entry: Entry, status: str) -> dict:
    return {"juror": juror.id, "juror_name": juror.name, "entry": entry.label,
            "method": assignment.method, "status": status}


def _require_phase(edition: Edition, phases: str | tuple[str, ...], action: str) -> None:
    allowed = (phases,) if isinstance(phases, str) else phases
    if edition.phase in allowed:
        return
    if edition.phase == "published":
        raise PhaseError(_frozen(edition))
    raise PhaseError(f"edition {edition.id} is in phase {edition.phase!r}; {action} only in "
                     f"phase {' or '.join(repr(p) for p in allowed)}",
                     fields={"phase": [edition.phase]})


def _frozen(edition: Edition) -> str:
    return (f"edition {edition.id} was published on {edition.published_at:%Y-%m-%d %H:%M} UTC; "
            "its results are frozen and its scores can no longer change")


def _not_scoring(edition: Edition) -> str:
    if edition.phase == "published":
        return _frozen(edition)
    if edition.phase == "open":
        return (f"scoring of edition {edition.id} has not started yet; the chair starts it "
                "once the jurors are assigned")
    return f"scoring of edition {edition.id} is closed; jurors' scores can no longer change"


def _number_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def _first(text: Mapping[str, str] | None) -> str:
    return next((t for t in (text or {}).values() if t), "")


def _summary(problems: dict[str, list[str]]) -> str:
    return "; ".join(f"{k}: {' '.join(v)}" for k, v in problems.items())

