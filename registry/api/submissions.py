"""``/api/submissions``: a network's drafts, bulk upload with an API token, moderation.

Every endpoint needs a bearer token (made on the account page); what it may do follows the
token's account (registry/permissions.py). A script submitting a folder of documents posts
each to ``/api/submissions/documents`` with ``submit=true``; the network's moderator then
publishes or returns each one.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from registry.api.identity import BEARER, api_identity, requires
from registry.app import get_registry
from registry.schema import GoodPractice, Provenance
from registry.services.submissions import STATES

blp = Blueprint("submissions_api", __name__, url_prefix="/api/submissions",
                description="Drafts and submissions of a network, and their moderation")


class DraftRecord(GoodPractice):
    """A contract-v1 record typed by hand: the registry writes its provenance."""

    provenance = fields.Nested(Provenance, load_default=None, allow_none=True)


class SubmissionOut(Schema):
    id = fields.Integer()
    network = fields.String()
    state = fields.String(validate=validate.OneOf(STATES))
    record = fields.Nested(GoodPractice)
    missing = fields.List(fields.String(), metadata={
        "description": "expected fields the record leaves empty"})
    filename = fields.String(allow_none=True)
    format = fields.String(allow_none=True)
    practice_id = fields.String(allow_none=True)
    practice_revision = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True, metadata={"description": "the moderator's note"})
    author_id = fields.Integer()
    submitted_by = fields.String()
    created_at = fields.String()
    updated_at = fields.String()


class ListArgs(Schema):
    state = fields.String(validate=validate.OneOf(STATES))


class DocumentFile(Schema):
    document = Upload(required=True)


class DocumentOptions(Schema):
    format = fields.String(validate=validate.Length(max=64), metadata={
        "description": "the importer to use; recognised from the content when left out"})
    submit = fields.Boolean(load_default=False, metadata={
        "description": "submit the drafts for review at once"})


class ReturnArgs(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=5000))


@blp.route("")
class Submissions(MethodView):
    @requires("submit")
    @blp.doc(security=BEARER)
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, SubmissionOut(many=True))
    def get(self, args: dict) -> list[dict]:
        """The network's submissions, newest first (every network's for an admin)."""
        return get_registry().submissions.list(api_identity(), args.get("state"))

    @requires("submit")
    @blp.doc(security=BEARER)
    @blp.arguments(DraftRecord)
    @blp.response(201, SubmissionOut)
    def post(self, record: dict) -> dict:
        """A draft from a record typed by hand (a contract-v1 record without provenance)."""
        return get_registry().submissions.create(api_identity(), record)


@blp.route("/documents")
class SubmissionDocuments(MethodView):
    @requires("submit")
    @blp.doc(security=BEARER)
    @blp.arguments(DocumentFile, location="files")
    @blp.arguments(DocumentOptions, location="form")
    @blp.response(201, SubmissionOut(many=True))
    def post(self, files: dict, options: dict) -> list[dict]:
        """Upload a source document: one draft per record in it (submitted with submit=true)."""
        identity = api_identity()
        service = get_registry().submissions
        document = files["document"]
        made = service.upload(identity, document.filename or "document", document.read(),
                              options.get("format"))
        if options["submit"]:
            made = [service.submit(identity, item["id"]) for item in made]
        return made


@blp.route("/<int:submission_id>")
class SubmissionById(MethodView):
    @requires("submit")
    @blp.doc(security=BEARER)
    @blp.response(200, SubmissionOut)
    def get(self, submission_id: int) -> dict:
        return get_registry().submissions.get(api_identity(), submission_id)

    @requires("submit")
    @blp.doc(security=BEARER)
    @blp.arguments(DraftRecord)
    @blp.response(200, SubmissionOut)
    def put(self, record: dict, submission_id: int) -> dict:
        """Replace a draft's (or returned submission's) record with a fixed one."""
        return get_registry().submissions.edit(api_identity(), submission_id, record)


@blp.route("/<int:submission_id>/submit")
class SubmitSubmission(MethodView):
    @requires("submit")
    @blp.doc(security=BEARER)
    @blp.response(200, SubmissionOut)
    def post(self, submission_id: int) -> dict:
        """Send a draft to the network's moderators."""
        return get_registry().submissions.submit(api_identity(), submission_id)


@blp.route("/<int:submission_id>/publish")
class PublishSubmission(MethodView):
    @requires("moderate")
    @blp.doc(security=BEARER)
    @blp.response(200, SubmissionOut)
    def post(self, submission_id: int) -> dict:
        """Publish a submitted record as a practice revision (the network's moderators)."""
        return get_registry().submissions.publish(api_identity(), submission_id)


@blp.route("/<int:submission_id>/return")
class ReturnSubmission(MethodView):
    @requires("moderate")
    @blp.doc(security=BEARER)
    @blp.arguments(ReturnArgs)
    @blp.response(200, SubmissionOut)
    def post(self, args: dict, submission_id: int) -> dict:
        """Return a submitted record to its network with a note saying what to fix."""
        return get_registry().submissions.return_to_network(api_identity(), submission_id,
                                                            args["note"])
