"""Award pages: the juror's scoring form and the chair's assignment, progress and results.

Plain forms that work without JavaScript, each with its CSRF token. The juror's pages speak
the juror's language (en/es/fr), rubric labels included.

Who sees what: a juror's pages (``/editions/<e>/jurors/<j>/...``) are for the account with
that juror's email and role ``juror`` only; ``/awards/mine`` lists a signed-in juror's seats.
The edition page, assignment, phases, and the results and CSV before publication are the
chair's; published results are public. Anonymous readers are sent to sign in, other accounts
get 403.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, gettext, ngettext
from werkzeug.datastructures import MultiDict

from registry.app import get_registry
from registry.errors import NotFound, RegistryError
from registry.permissions import LoginRequired, PermissionDenied
from registry.services.awards import AwardService, NotAssigned
from registry.web.auth import allowed, current_identity, denied

awards_web = Blueprint("awards_web", __name__, url_prefix="/awards",
                       template_folder="templates")


def _service() -> AwardService:
    return get_registry().awards


@awards_web.get("/")
def index():
    return render_template("awards/index.html", awards=_service().awards())


# -- the juror ------------------------------------------------------------------------------


@awards_web.get("/mine")
@allowed("score")
def mine():
    """The signed-in juror's seats on juries (by the account's email): no ids to know."""
    return render_template("awards/mine.html",
                           seats=_service().juror_seats(current_identity().email or ""))


def _check_juror(edition_id: int, juror_id: int):
    """None when the signed-in account is this juror's, else the response: sign in, 403 or
    404."""
    try:
        _service().check_juror(current_identity(), edition_id, juror_id)
    except NotFound:
        abort(404)
    except (LoginRequired, PermissionDenied) as exc:
        return denied(exc)
    return None


@awards_web.get("/editions/<int:edition_id>/jurors/<int:juror_id>")
def juror_home(edition_id: int, juror_id: int):
    refused = _check_juror(edition_id, juror_id)
    if refused is not None:
        return refused
    try:
        view = _service().juror_entries(edition_id, juror_id)
    except NotFound:
        abort(404)
    return _juror_page("awards/juror.html", view=view)


@awards_web.route("/editions/<int:edition_id>/jurors/<int:juror_id>/entries/<label>",
                  methods=["GET", "POST"])
def score_form(edition_id: int, juror_id: int, label: str):
    identity = current_identity()
    refused = _check_juror(edition_id, juror_id)
    if refused is not None:
        return refused
    service = _service()
    try:
        view = service.juror_entry(edition_id, juror_id, label)
    except NotFound:
        abort(404)
    except NotAssigned:  # a juror sees only the entries assigned to them
        abort(403)
    if request.method == "GET":
        return _juror_page("awards/score_form.html", view=view, form=None, error=None)
    values, comments = _read_form(request.form, view["rubric"]["criteria"])
    submit = request.form.get("action") == "submit"
    try:
        service.save_scores(edition_id, juror_id, label, values, comments=comments,
                            submit=submit, actor=identity.email)
    except RegistryError as exc:
        return _juror_page("awards/score_form.html", view=view, form=request.form,
                           error=exc), 422
    with force_locale(view["juror"]["language"]):
        flash(gettext("Scores submitted.") if submit else gettext("Draft saved."))
    return redirect(url_for(".score_form", edition_id=edition_id, juror_id=juror_id,
                            label=label))


def _juror_page(template: str, **context) -> str:
    """A juror's page, all of it in the juror's language (the site's header and footer too)."""
    with force_locale(context["view"]["juror"]["language"]):
        return render_template(template, **context)


def _read_form(form: MultiDict, criteria: list[dict]) -> tuple[dict, dict]:
    """Scores and comments as the form sends them: an empty score box is "not scored yet",
    the N/A box wins over a number."""
    values: dict[str, str | None] = {}
    comments: dict[str, str] = {}
    for criterion in criteria:
        cid = criterion["id"]
        if criterion["allow_na"] and form.get(f"na-{cid}"):
            values[cid] = None
        elif form.get(f"score-{cid}", "").strip():
            values[cid] = form[f"score-{cid}"]
        comments[cid] = form.get(f"comment-{cid}", "")
    return values, comments


# -- the chair ------------------------------------------------------------------------------


@awards_web.get("/editions/<int:edition_id>")
@allowed("chair")
def edition_page(edition_id: int):
    service = _service()
    try:
        edition = service.edition(edition_id)
    except NotFound:
        abort(404)
    entries = service.entries(edition_id)
    jurors = service.jurors(edition_id)
    assignments = {(a["juror"], a["entry"]): a for a in service.assignments(edition_id)}
    conflicts: dict[tuple[int, str], list[str]] = {}
    for conflict in service.conflicts(edition_id):
        conflicts.setdefault((conflict["juror"], conflict["entry"]), []).append(
            conflict["kind"])
    return render_template("awards/edition.html", edition=edition, entries=entries,
                           jurors=jurors, assignments=assignments, conflicts=conflicts)


@awards_web.post("/editions/<int:edition_id>/assign")
@allowed("chair")
def assign(edition_id: int):
    service = _service()
    try:
        if request.form.get("auto"):
            made = service.auto_assign(edition_id, request.form.get("per_entry", 0, type=int))
            flash(ngettext("%(num)d assignment made automatically.",
                           "%(num)d assignments made automatically.", len(made)))
        else:
            made = service.assign(edition_id, request.form.get("juror_id", 0, type=int),
                                  request.form.getlist("entry"))
            flash(", ".join(gettext("%(juror)s assigned to %(entry)s", juror=a["juror_name"],
                                    entry=a["entry"]) for a in made) + ".")
    except RegistryError as exc:
        flash(exc.message, "error")
    return redirect(url_for(".edition_page", edition_id=edition_id))


@awards_web.post("/editions/<int:edition_id>/phase")
@allowed("chair")
def phase(edition_id: int):
    service = _service()
    steps = {"start": service.start_scoring, "close": service.close_scoring,
             "publish": service.publish}
    step = steps.get(request.form.get("action", ""))
    if step is None:
        abort(400)
    try:
        step(edition_id)
    except RegistryError as exc:
        flash(exc.message, "error")
    return redirect(url_for(".edition_page", edition_id=edition_id))


@awards_web.get("/editions/<int:edition_id>/results")
def results_page(edition_id: int):
    """Public once published; before then the chair's (provisional results)."""
    try:
        results = _service().results_for(current_identity(), edition_id)
    except NotFound:
        abort(404)
    except (LoginRequired, PermissionDenied) as exc:
        return denied(exc)
    return render_template("awards/results.html", results=results)


@awards_web.get("/editions/<int:edition_id>/results.csv")
def results_csv(edition_id: int):
    """The results table as CSV, with the same rule as the results page."""
    try:
        table = _service().results_csv_for(current_identity(), edition_id)
    except NotFound:
        abort(404)
    except (LoginRequired, PermissionDenied) as exc:
        return denied(exc)
    return Response(table, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="edition-{edition_id}-results.csv"'})
