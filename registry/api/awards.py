"""``/api/awards``: awards, editions, entries, jurors, conflicts, assignment, scores, results.

Who may call what (a bearer token's account, registry/permissions.py):

* anyone: the rubrics, the award list, and an edition's results and CSV once published
  (jurors by name, without their emails);
* the juror (the account with the juror's email and role ``juror``), and only they: their
  own entries and scores (``/editions/<id>/jurors/<juror_id>/...``);
* a chair (or admin): every other read (jurors, conflicts, assignments, the audit trail, the
  results before publication) and every other write.

No token where one is needed is 401; a token whose account may not is 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from registry.api.identity import BEARER, api_identity, requires
from registry.app import get_registry
from registry.services.awards import LANGUAGES, AwardService

blp = Blueprint("awards", __name__, url_prefix="/api/awards",
                description="Award editions: entries, jurors, blind scoring and results")


#: Results: public once published, a chair's token before then.
OPTIONAL_BEARER = [{}, *BEARER]


def _service() -> AwardService:
    return get_registry().awards


def _the_juror(view: Callable) -> Callable:
    """Only the juror of the path (``juror_id``) may call this, through their own account;
    checked before the arguments are read, like ``requires``."""

    @wraps(view)
    def guarded(*args, **kwargs):
        _service().check_juror(api_identity(), kwargs["edition_id"], kwargs["juror_id"])
        return view(*args, **kwargs)

    return guarded


class LanguageArgs(Schema):
    lang = fields.String(load_default="en", validate=validate.OneOf(LANGUAGES))


class AwardArgs(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))


class EditionArgs(Schema):
    number = fields.String(required=True, validate=validate.Length(min=1, max=40),
                           metadata={"description": "e.g. I, II, 2016"})
    rubric = fields.String(required=True, metadata={"description": "a rubric id"})
    year = fields.Integer(load_default=None, validate=validate.Range(min=1900, max=2100))
    blind = fields.Boolean(load_default=False)
    categories = fields.List(fields.String(validate=validate.Length(min=1, max=200)),
                             load_default=list)


class EntryArgs(Schema):
    practice_id = fields.String(required=True)
    submitted_by = fields.String(load_default=None)
    category = fields.String(load_default=None)


class HistoricArgs(Schema):
    practice_ids = fields.List(fields.String(), load_default=list,
                               metadata={"description": "none: every matching practice"})


class JurorArgs(Schema):
    name = fields.String(required=True)
    email = fields.String(required=True)
    country = fields.String(load_default=None)
    organisation = fields.String(load_default=None)
    language = fields.String(load_default="en", validate=validate.OneOf(LANGUAGES))


#: An id as the database stores it.
DATABASE_ID = validate.Range(min=1, max=2**63 - 1)


class ConflictArgs(Schema):
    juror_id = fields.Integer(required=True, validate=DATABASE_ID)
    entry = fields.String(required=True, metadata={"description": "entry label, e.g. E05"})
    note = fields.String(load_default=None)


class AssignArgs(Schema):
    """By hand (``juror_id`` and ``entries``) or automatically (``auto`` and ``per_entry``)."""

    juror_id = fields.Integer(validate=DATABASE_ID)
    entries = fields.List(fields.String(), validate=validate.Length(min=1),
                          metadata={"description": "entry labels, e.g. [\"E01\", \"E05\"]"})
    auto = fields.Boolean(load_default=False)
    per_entry = fields.Integer(validate=validate.Range(min=1, max=1000))

    @validates_schema
    def _one_way(self, data: dict, **_: object) -> None:
        if data["auto"]:
            if "per_entry" not in data:
                raise ValidationError("automatic assignment needs per_entry.", "per_entry")
        elif "juror_id" not in data or "entries" not in data:
            raise ValidationError("give juror_id and entries, or auto and per_entry.",
                                  "entries")


class ScoreValue(fields.Field):
    """Points as a number, or null / "NA" where the criterion allows N/A."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value is None or isinstance(value, str) or (
                isinstance(value, int | float) and not isinstance(value, bool)):
            return value
        raise ValidationError("a number, null or \"NA\".")


class ScoresArgs(Schema):
    scores = fields.Dict(keys=fields.String(), values=ScoreValue(allow_none=True),
                         load_default=dict)
    comments = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)
    submit = fields.Boolean(load_default=False)


@blp.route("/rubrics")
class Rubrics(MethodView):
    @blp.arguments(LanguageArgs, location="query")
    @blp.response(200)
    def get(self, args: dict) -> list[dict]:
        """The rubrics the plugins provide, with labels in ``lang``."""
        return _service().describe_rubrics(args["lang"])


@blp.route("")
class Awards(MethodView):
    @blp.response(200)
    def get(self) -> list[dict]:
        """Awards and their editions."""
        return _service().awards()

    @requires("chair")
    @blp.doc(security=BEARER)
    @blp.arguments(AwardArgs)
    @blp.response(201)
    def post(self, args: dict) -> dict:
        """Create an award (a chair)."""
        return _service().create_award(args["name"])


@blp.route("/<int:award_id>/editions")
class Editions(MethodView):
    @requires("chair")
    @blp.doc(security=BEARER)
    @blp.arguments(EditionArgs)
    @blp.response(201)
    def post(self, args: dict, award_id: int) -> dict:
        """Create an edition scored with one rubric (a chair)."""
        return _service().create_edition(award_id, args["number"], args["rubric"],
                                         year=args["year"], blind=args["blind"],
                                         categories=args["categories"])


@blp.route("/editions/<int:edition_id>")
class EditionView(MethodView):
    @requires("chair")
    @blp.doc(security=BEARER)
    @blp.response(200)
    def get(self, edition_id: int) -> dict:
        """An edition with its phase and scoring progress (a chair)."""
        return _service().edition(edition_id)


@blp.route("/editions/<int:edition_id>/entries")
class Entries(MethodView):
    @requires("chair")
    @blp.doc(security=BEARER)
    @blp.response(200)
    def get(self, edition_id: int) -> list[dict]:
        """Every entry, historic ones marked as such (a chair)."""
        return _service().entries(edition_id)

    @requires("chair")
    @blp.doc(security=BEARER)
    @blp.arguments(EntryArgs)
    @blp.response(201)
    def post(self, args: dict, edition_id: int) -> dict:
        """Enter a registry practice (a chair)."""
        return _service().submit_entry(edition_id, args["practice_id"],
                                       submitted_by=args["submitted_by"],
                                       category=args["category"])


@blp.route("/editions/<int:edition_id>/entries/historic")
class HistoricEntries(MethodView):
    @requires("chair")
    @blp.doc(security=BEARER)
    @blp.arguments(HistoricArgs)
    @blp.response(201)
    def post(self, args: dict, edition_id: int) -> list[dict]:
        """Import the historic results of this edition recorded on practices (a chair)."""
        return _service().import_historic(edition_id, args["practice_ids"])


@blp.route("/editions/<int:edition_id>/jurors")
class Jurors(MethodView):
    @requires("chair")
    @blp.doc(security=BEARER)
    @blp.response(200)
    def get(self, edition_id: int) -> list[dict]:
        """The jury with each juror's email, load and progress (a chair)."""
        return _service().jurors(edition_id)

    @requires("chair")
    @blp.doc(security=BEARER)
    @blp.arguments(JurorArgs)
    @blp.response(201)
    def post(self, args: dict, edition_id: int) -> dict:
        """Invite a juror; conflicts by country and organisation are found at once (a chair).
        The juror scores through the account with the same email and role ``juror``."""
        return _service().invite_juror(edition_id, args["name"], args["email"],
                                       country=args["country"],
                                       organisation=args["organisation"],
                                       language=args["language"])


@blp.route("/editions/<int:edition_id>/conflicts")
class Conflicts(MethodView):
    @requires("chair")
    @blp.doc(security=BEARER)
    @blp.response(200)
    def get(self, edition_id: int) -> list[dict]:
        """Every conflict of interest, found or declared (a chair)."""
        return _service().conflicts(edition_id)

    @requires("chair")
    @blp.doc(security=BEARER)
    @blp.arguments(ConflictArgs)
    @blp.response(201)
    def post(self, args: dict, edition_id: int) -> dict:
        """Declare a conflict of interest by hand (a chair)."""
        return _service().declare_conflict(edition_id, args["juror_id"], args["entry"],
                                           args["note"])


@blp.route("/editions/<int:edition_id>/assignments")
class Assignments(MethodView):
    @requires("chair")
    @blp.doc(security=BEARER)
    @blp.response(200)
    def get(self, edition_id: int) -> list[dict]:
        """Every assignment with its scoring status (a chair)."""
        return _service().assignments(edition_id)

    @requires("chair")
    @blp.doc(security=BEARER)
    @blp.arguments(AssignArgs)
    @blp.response(201)
    def post(self, args: dict, edition_id: int) -> list[dict]:
        """Assign by hand, or every entry automatically (balanced, no conflicts; a chair)."""
        if args["auto"]:
            return _service().auto_assign(edition_id, args["per_entry"])
        return _service().assign(edition_id, args["juror_id"], args["entries"])


@blp.route("/editions/<int:edition_id>/assignments/<int:juror_id>/<label>")
class AssignmentView(MethodView):
    @requires("chair")
    @blp.doc(security=BEARER)
    @blp.response(204)
    def delete(self, edition_id: int, juror_id: int, label: str) -> None:
        """Take a juror off an entry they have not scored (a chair)."""
        _service().unassign(edition_id, juror_id, label)


@blp.route("/editions/<int:edition_id>/<any(start,close,publish):action>")
class Phase(MethodView):
    @requires("chair")
    @blp.doc(security=BEARER)
    @blp.response(200)
    def post(self, edition_id: int, action: str) -> dict:
        """Move the edition on: start scoring, close scoring, publish (freezes results;
        a chair)."""
        service = _service()
        steps = {"start": service.start_scoring, "close": service.close_scoring,
                 "publish": service.publish}
        return steps[action](edition_id)


@blp.route("/editions/<int:edition_id>/jurors/<int:juror_id>/entries")
class JurorEntries(MethodView):
    @_the_juror
    @blp.doc(security=BEARER)
    @blp.response(200)
    def get(self, edition_id: int, juror_id: int) -> dict:
        """The juror's assigned entries (anonymised in a blind round) and the rubric in
        their language (the juror's own token)."""
        return _service().juror_entries(edition_id, juror_id)


@blp.route("/editions/<int:edition_id>/jurors/<int:juror_id>/entries/<label>")
class JurorEntry(MethodView):
    @_the_juror
    @blp.doc(security=BEARER)
    @blp.response(200)
    def get(self, edition_id: int, juror_id: int, label: str) -> dict:
        """One assigned entry with the juror's scores; the others' once scoring is closed
        (the juror's own token)."""
        return _service().juror_entry(edition_id, juror_id, label)


@blp.route("/editions/<int:edition_id>/jurors/<int:juror_id>/entries/<label>/scores")
class JurorScores(MethodView):
    @_the_juror
    @blp.doc(security=BEARER)
    @blp.arguments(ScoresArgs)
    @blp.response(200)
    def put(self, args: dict, edition_id: int, juror_id: int, label: str) -> dict:
        """Save scores as a draft, or submit them (``submit: true``); only the juror's own
        token (the audit records its account)."""
        return _service().save_scores(edition_id, juror_id, label, args["scores"],
                                      comments=args["comments"], submit=args["submit"],
                                      actor=api_identity().email)


@blp.route("/editions/<int:edition_id>/scores")
class ScoreSheet(MethodView):
    @requires("chair")
    @blp.doc(security=BEARER)
    @blp.response(200)
    @blp.doc(requestBody={"required": True, "content": {"text/csv": {"schema": {
        "type": "string", "example": "entry,juror,impact,innovation\nE01,ana@example.org,7,8\n"
    }}}})
    def post(self, edition_id: int) -> dict:
        """Import a score sheet (CSV body; jurors by email) as submitted scores (a chair;
        the audit records the chair's account)."""
        identity = api_identity()
        return _service().import_scores(edition_id, request.get_data(as_text=True),
                                        actor=identity.email or "chair")


@blp.route("/editions/<int:edition_id>/score-changes")
class ScoreChanges(MethodView):
    @requires("chair")
    @blp.doc(security=BEARER)
    @blp.response(200)
    def get(self, edition_id: int) -> list[dict]:
        """The audit trail: every score change, who, when, old and new (a chair)."""
        return _service().score_changes(edition_id)


@blp.route("/editions/<int:edition_id>/results")
class ResultsView(MethodView):
    @blp.doc(security=OPTIONAL_BEARER)
    @blp.response(200)
    def get(self, edition_id: int) -> dict:
        """Results: raw and normalised side by side, ranks, spread, agreement, notices.
        Public once published (jurors by name only); a chair's token before then."""
        return _service().results_for(api_identity(), edition_id)


@blp.route("/editions/<int:edition_id>/results.csv")
class ResultsCsv(MethodView):
    @blp.doc(security=OPTIONAL_BEARER)
    @blp.response(200, content_type="text/csv")
    def get(self, edition_id: int) -> Response:
        """The results table as CSV: public once published, a chair's token before then."""
        return Response(_service().results_csv_for(api_identity(), edition_id),
                        mimetype="text/csv",
                        headers={"Content-Disposition":
                                 f'attachment; filename="edition-{edition_id}-results.csv"'})
