"""Award pages: the juror's scoring form and the chair's assignment, progress and results.

Plain forms that work without JavaScript. The juror's pages speak the juror's language
(en/es/fr), rubric labels included. The acting juror is the ``juror_id`` in the URL until
accounts arrive; an authentication layer will check it is the person logged in.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, gettext, ngettext
from werkzeug.datastructures import MultiDict

from registry.app import get_registry
from registry.errors import NotFound, RegistryError
from registry.services.awards import AwardService, NotAssigned

awards_web = Blueprint("awards_web", __name__, url_prefix="/awards",
                       template_folder="templates")

#: The words of the juror's pages; rubric texts come from the rubric itself.
UI = {
    "en": {
        "your_entries": "Your entries", "entry": "Entry", "status": "Status",
        "not_started": "not started", "draft": "draft", "submitted": "submitted",
        "score": "Score", "not_applicable": "Not applicable", "comment": "Comment",
        "save_draft": "Save draft", "submit": "Submit scores",
        "update_submitted": "Update submitted scores",
        "blind": "Blind round: the city, the jurisdiction and the lead entity are hidden.",
        "scale": "from {min} to {max}, in steps of {step}", "panel": "The other jurors' scores",
        "panel_hidden": "The other jurors' scores are shown once the chair closes scoring.",
        "closed": "Scoring is not open: the scores can no longer be changed.",
        "saved_draft": "Draft saved.", "saved_submitted": "Scores submitted.",
        "place": "Where", "lead": "Lead entity", "back": "Back to your entries",
        "description": "Description", "aims": "Aims", "target": "Target groups",
        "kpis": "Indicators", "future": "Future goals", "rubric": "Rubric",
    },
    "es": {
        "your_entries": "Sus candidaturas", "entry": "Candidatura", "status": "Estado",
        "not_started": "sin empezar", "draft": "borrador", "submitted": "enviada",
        "score": "Puntuación", "not_applicable": "No aplica", "comment": "Comentario",
        "save_draft": "Guardar borrador", "submit": "Enviar puntuaciones",
        "update_submitted": "Actualizar las puntuaciones enviadas",
        "blind": "Ronda ciega: se ocultan la ciudad, la jurisdicción y la entidad responsable.",
        "scale": "de {min} a {max}, en pasos de {step}",
        "panel": "Puntuaciones de los demás jurados",
        "panel_hidden": "Las puntuaciones de los demás jurados se muestran cuando la "
                        "presidencia cierra la evaluación.",
        "closed": "La evaluación no está abierta: las puntuaciones ya no pueden cambiar.",
        "saved_draft": "Borrador guardado.", "saved_submitted": "Puntuaciones enviadas.",
        "place": "Lugar", "lead": "Entidad responsable", "back": "Volver a sus candidaturas",
        "description": "Descripción", "aims": "Objetivos", "target": "Grupos destinatarios",
        "kpis": "Indicadores", "future": "Metas futuras", "rubric": "Rúbrica",
    },
    "fr": {
        "your_entries": "Vos candidatures", "entry": "Candidature", "status": "État",
        "not_started": "non commencée", "draft": "brouillon", "submitted": "envoyée",
        "score": "Note", "not_applicable": "Sans objet", "comment": "Commentaire",
        "save_draft": "Enregistrer le brouillon", "submit": "Envoyer les notes",
        "update_submitted": "Mettre à jour les notes envoyées",
        "blind": "Tour anonyme : la ville, la collectivité et l’entité responsable sont "
                 "masquées.",
        "scale": "de {min} à {max}, par pas de {step}", "panel": "Les notes des autres jurés",
        "panel_hidden": "Les notes des autres jurés s’affichent quand la présidence clôt "
                        "l’évaluation.",
        "closed": "L'évaluation n'est pas ouverte : les notes ne peuvent plus changer.",
        "saved_draft": "Brouillon enregistré.", "saved_submitted": "Notes envoyées.",
        "place": "Lieu", "lead": "Entité responsable", "back": "Retour à vos candidatures",
        "description": "Description", "aims": "Objectifs", "target": "Publics visés",
        "kpis": "Indicateurs", "future": "Objectifs futurs", "rubric": "Grille",
    },
}


def _service() -> AwardService:
    return get_registry().awards


@awards_web.get("/")
def index():
    return render_template("awards/index.html", awards=_service().awards())


# -- the juror ------------------------------------------------------------------------------


@awards_web.get("/editions/<int:edition_id>/jurors/<int:juror_id>")
def juror_home(edition_id: int, juror_id: int):
    try:
        view = _service().juror_entries(edition_id, juror_id)
    except NotFound:
        abort(404)
    return _juror_page("awards/juror.html", view=view, ui=UI[view["juror"]["language"]])


@awards_web.route("/editions/<int:edition_id>/jurors/<int:juror_id>/entries/<label>",
                  methods=["GET", "POST"])
def score_form(edition_id: int, juror_id: int, label: str):
    service = _service()
    try:
        view = service.juror_entry(edition_id, juror_id, label)
    except NotFound:
        abort(404)
    except NotAssigned:  # a juror sees only the entries assigned to them
        abort(403)
    ui = UI[view["juror"]["language"]]
    if request.method == "GET":
        return _juror_page("awards/score_form.html", view=view, ui=ui, form=None, error=None)
    values, comments = _read_form(request.form, view["rubric"]["criteria"])
    submit = request.form.get("action") == "submit"
    try:
        service.save_scores(edition_id, juror_id, label, values, comments=comments,
                            submit=submit)
    except RegistryError as exc:
        return _juror_page("awards/score_form.html", view=view, ui=ui, form=request.form,
                           error=exc), 422
    flash(ui["saved_submitted" if submit else "saved_draft"])
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
    try:
        results = _service().results(edition_id)
    except NotFound:
        abort(404)
    return render_template("awards/results.html", results=results)
