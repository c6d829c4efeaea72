"""The submission pages: upload or fill in, preview with what is missing, fix, submit;
a moderator publishes or returns. The views only translate forms to service calls."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from registry.app import get_registry
from registry.errors import DocumentRejected, NotFound, RecordInvalid, RegistryError
from registry.permissions import LoginRequired, PermissionDenied
from registry.schema import JURISDICTION_LEVELS, PRACTICE_TYPES, STATUSES
from registry.services.submissions import EDITABLE
from registry.web import TERMS
from registry.web.auth import ActionForm, allowed, current_identity, denied

submissions = Blueprint("submissions", __name__, url_prefix="/submissions",
                        template_folder="templates")

RECORD_LANGUAGES = [SelectChoice(code, name) for code, name in (
    ("es", "Español"), ("en", "English"), ("fr", "Français"), ("pt", "Português"))]


def _choices(values: tuple[str, ...]) -> list[SelectChoice]:
    return [SelectChoice(v, TERMS.get(v, v.replace("_", " "))) for v in values]


class UploadForm(FlaskForm):
    document = FileField(lazy_gettext("Document (a text file in one of the known formats)"),
                         validators=[FileRequired()])


class RecordForm(FlaskForm):
    """The fields of a record a person fixes by hand; lists (KPIs, beneficiaries...) come
    from the document or the API."""

    language = SelectField(lazy_gettext("Language of the record"), choices=RECORD_LANGUAGES)
    title = StringField(lazy_gettext("Title"), validators=[DataRequired(), Length(max=500)])
    summary = TextAreaField(lazy_gettext("Summary"), validators=[Optional()])
    description = TextAreaField(lazy_gettext("Description"), validators=[Optional()])
    aims = TextAreaField(lazy_gettext("Aims, one per line"), validators=[Optional()])
    practice_type = SelectField(lazy_gettext("Practice type"), choices=_choices(PRACTICE_TYPES))
    status = SelectField(lazy_gettext("Status"), choices=_choices(STATUSES))
    start_date = StringField(lazy_gettext("Start date (YYYY, YYYY-MM or YYYY-MM-DD)"),
                             validators=[Optional()])
    end_date = StringField(lazy_gettext("End date (YYYY, YYYY-MM or YYYY-MM-DD)"),
                           validators=[Optional()])
    jurisdiction_name = StringField(lazy_gettext("City or region"), validators=[Optional()])
    country = StringField(lazy_gettext("Country (ISO code, e.g. CO)"),
                          validators=[Optional(), Length(min=2, max=2)])
    level = SelectField(lazy_gettext("Level"),
                        choices=[SelectChoice("", "—"), *_choices(JURISDICTION_LEVELS)])
    lead_entity_name = StringField(lazy_gettext("Lead entity"), validators=[Optional()])
    lead_entity_website = StringField(lazy_gettext("Lead entity's website"),
                                      validators=[Optional()])
    target_groups_text = TextAreaField(lazy_gettext("Target groups"), validators=[Optional()])


class ReturnForm(FlaskForm):
    note = TextAreaField(lazy_gettext("What the network should fix"),
                         validators=[DataRequired()])


#: Contract path → the form field that edits it (errors and "missing" marks land there).
FIELD_OF_PATH = {
    "language": "language", "title": "title", "summary": "summary",
    "description": "description", "aims": "aims", "practice_type": "practice_type",
    "status": "status", "start_date": "start_date", "end_date": "end_date",
    "jurisdiction.name": "jurisdiction_name", "jurisdiction.country": "country",
    "jurisdiction.level": "level", "lead_entity.name": "lead_entity_name",
    "lead_entity.website": "lead_entity_website", "target_groups_text": "target_groups_text",
}


def form_data(record: dict) -> dict:
    """What the form shows for a record: its texts in the record's own language."""
    lang = record.get("language", "es")

    def text(value: dict | None) -> str:
        return (value or {}).get(lang) or next(iter((value or {}).values()), "")

    jurisdiction = record.get("jurisdiction") or {}
    lead = record.get("lead_entity") or {}
    return {
        "language": lang, "title": text(record.get("title")),
        "summary": text(record.get("summary")), "description": text(record.get("description")),
        "aims": "\n".join(text(a) for a in record.get("aims") or []),
        "practice_type": record.get("practice_type"), "status": record.get("status"),
        "start_date": record.get("start_date") or "", "end_date": record.get("end_date") or "",
        "jurisdiction_name": jurisdiction.get("name") or "",
        "country": jurisdiction.get("country") or "", "level": jurisdiction.get("level") or "",
        "lead_entity_name": lead.get("name") or "",
        "lead_entity_website": lead.get("website") or "",
        "target_groups_text": record.get("target_groups_text") or "",
    }


def apply_form(record: dict, form: RecordForm) -> dict:
    """The record with the form's values written in (texts in the record's language)."""
    lang = form.language.data
    old_lang = record.get("language", lang)

    def text(value: str | None, old: dict | None) -> dict | None:
        kept = {k: v for k, v in (old or {}).items() if k not in (lang, old_lang)}
        return {**kept, lang: value.strip()} if value and value.strip() else (kept or None)

    def plain(field) -> str | None:
        return (field.data or "").strip() or None

    aims = [{lang: line.strip()} for line in (form.aims.data or "").splitlines() if line.strip()]
    return {
        **record,
        "language": lang,
        "title": text(form.title.data, record.get("title")),
        "summary": text(form.summary.data, record.get("summary")),
        "description": text(form.description.data, record.get("description")),
        "aims": aims,
        "practice_type": form.practice_type.data, "status": form.status.data,
        "start_date": plain(form.start_date), "end_date": plain(form.end_date),
        "jurisdiction": {**(record.get("jurisdiction") or {}),
                         "name": plain(form.jurisdiction_name),
                         "country": (plain(form.country) or "").upper() or None,
                         "level": plain(form.level)},
        "lead_entity": {**(record.get("lead_entity") or {}),
                        "name": plain(form.lead_entity_name),
                        "website": plain(form.lead_entity_website)},
        "target_groups_text": plain(form.target_groups_text),
    }


def _place_errors(form: RecordForm, error: RecordInvalid) -> list[str]:
    """Put the contract's field errors on the form fields; return those no field shows."""
    unplaced = []
    for path, reasons in error.fields.items():
        name = FIELD_OF_PATH.get(path) or FIELD_OF_PATH.get(path.split(".")[0])
        if name:
            form[name].errors = [*form[name].errors, *reasons]
        else:
            unplaced.extend(f"{path}: {reason}" for reason in reasons)
    return unplaced


@submissions.get("/")
@allowed("submit")
def index():
    identity = current_identity()
    items = get_registry().submissions.list(identity)
    return render_template("submissions/index.html", items=items, upload=UploadForm(),
                           to_review=[s for s in items if s["state"] == "submitted"
                                      and identity.moderates(s["network"])])


@submissions.post("/upload")
@allowed("submit")
def upload():
    form = UploadForm()
    error = None
    if form.validate_on_submit():
        document = form.document.data
        try:
            made = get_registry().submissions.upload(current_identity(), document.filename
                                                     or "document", document.read())
        except DocumentRejected as exc:
            error = exc.message
        else:
            if len(made) == 1:
                return redirect(url_for(".detail", submission_id=made[0]["id"]))
            flash(gettext("%(num)d drafts made from %(file)s.", num=len(made),
                          file=document.filename))
            return redirect(url_for(".index"))
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    identity = current_identity()
    return render_template("submissions/index.html", upload=form, upload_error=error,
                           items=get_registry().submissions.list(identity), to_review=[]), 422


@submissions.route("/new", methods=["GET", "POST"])
@allowed("submit")
def new():
    form = RecordForm(data={"language": current_identity().language})
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            made = get_registry().submissions.create(current_identity(), apply_form({}, form))
        except RecordInvalid as exc:
            problems = _place_errors(form, exc)
        else:
            flash(gettext("Draft saved. Nobody outside your network sees it until it is "
                          "published."))
            return redirect(url_for(".detail", submission_id=made["id"]))
    status = 422 if form.errors or problems else 200
    return render_template("submissions/new.html", form=form, problems=problems), status


@submissions.route("/<int:submission_id>", methods=["GET", "POST"])
def detail(submission_id: int):
    service = get_registry().submissions
    identity = current_identity()
    try:
        item = service.get(identity, submission_id)
    except NotFound:
        abort(404)
    except (LoginRequired, PermissionDenied) as exc:
        return denied(exc)
    form = RecordForm(data=form_data(item["record"]))
    problems: list[str] = []
    if request.method == "POST" and form.validate_on_submit():
        try:
            item = service.edit(identity, submission_id, apply_form(item["record"], form))
        except RecordInvalid as exc:
            problems = _place_errors(form, exc)
        except RegistryError as exc:
            problems = [exc.message]
        else:
            flash(gettext("Changes saved."))
            return redirect(url_for(".detail", submission_id=submission_id))
    status = 422 if form.errors or problems else 200
    return render_template(
        "submissions/detail.html", item=item, form=form, problems=problems,
        editable=item["state"] in EDITABLE,
        missing={FIELD_OF_PATH[p] for p in item["missing"] if p in FIELD_OF_PATH},
        action=ActionForm(), return_form=ReturnForm(),
        moderator=identity.moderates(item["network"])), status


def _step(submission_id: int, step, done: str):
    try:
        step()
    except NotFound:
        abort(404)
    except (LoginRequired, PermissionDenied) as exc:
        return denied(exc)
    except RegistryError as exc:
        flash(exc.message, "error")
    else:
        flash(done)
    return redirect(url_for(".detail", submission_id=submission_id))


@submissions.post("/<int:submission_id>/submit")
@allowed("submit")
def submit(submission_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    return _step(submission_id, lambda: get_registry().submissions.submit(
        current_identity(), submission_id), gettext("Submitted for review."))


@submissions.post("/<int:submission_id>/publish")
@allowed("moderate")
def publish(submission_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    return _step(submission_id, lambda: get_registry().submissions.publish(
        current_identity(), submission_id), gettext("Published."))


@submissions.post("/<int:submission_id>/return")
@allowed("moderate")
def return_to_network(submission_id: int):
    """The note is checked by the service, after it checked who is asking."""
    return _step(submission_id, lambda: get_registry().submissions.return_to_network(
        current_identity(), submission_id, request.form.get("note", "")),
        gettext("Returned to the network."))
