"""``registry award ...``: run an award edition from the command line, over the award service.

Identity is explicit for now: the juror who scores is named by their id, the chair is whoever
runs the chair's commands (``--by`` names them in the audit trail of imported scores).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from registry.app import get_registry
from registry.cli_group import ServiceGroup
from registry.services.awards import LANGUAGES, AwardService


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _service() -> AwardService:
    return get_registry().awards


@click.group(cls=ServiceGroup)
def award() -> None:
    """Awards: rubrics, editions, entries, jurors, conflicts, assignment, scores, results."""
    get_registry().init()


json_option = click.option("--json", "as_json", is_flag=True, help="Print the data as JSON.")


@award.command()
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True)
@json_option
def rubrics(lang: str, as_json: bool) -> None:
    """List the rubrics the plugins provide, with their criteria."""
    described = _service().describe_rubrics(lang)
    if as_json:
        _echo_json(described)
        return
    for rubric in described:
        stand_in = "  [stand-in rubric]" if rubric["stand_in"] else ""
        click.echo(f"{rubric['id']}: {rubric['title']}{stand_in}")
        click.echo(f"  scale {rubric['scale']['min']:g}-{rubric['scale']['max']:g}, "
                   f"aggregate {rubric['aggregate']}, {rubric['origin']}")
        for criterion in rubric["criteria"]:
            click.echo(f"  - {criterion['id']}: {criterion['label']} "
                       f"(weight {criterion['weight']:g}, max {criterion['max']:g})")


@award.command()
@click.argument("name")
@json_option
def create(name: str, as_json: bool) -> None:
    """Create an award."""
    created = _service().create_award(name)
    if as_json:
        _echo_json(created)
    else:
        click.echo(f"award {created['id']}: {created['name']}")


@award.command("list")
@json_option
def list_awards(as_json: bool) -> None:
    """List awards and their editions."""
    awards = _service().awards()
    if as_json:
        _echo_json(awards)
        return
    for item in awards:
        click.echo(f"award {item['id']}: {item['name']}")
        for edition in item["editions"]:
            click.echo(f"  edition {edition['id']}: {edition['name']} [{edition['phase']}]"
                       f" rubric {edition['rubric']}{' blind' if edition['blind'] else ''}")


@award.command()
@click.argument("award_id", type=int)
@click.argument("number")
@click.option("--rubric", "rubric_id", required=True, help="Rubric id (see `award rubrics`).")
@click.option("--year", type=int)
@click.option("--blind", is_flag=True, help="Hide the city and lead entity from jurors.")
@click.option("--category", "categories", multiple=True, help="A category; repeatable.")
@json_option
def edition(award_id: int, number: str, rubric_id: str, year: int | None, blind: bool,
            categories: tuple[str, ...], as_json: bool) -> None:
    """Create edition NUMBER (e.g. I, 2016) of an award."""
    created = _service().create_edition(award_id, number, rubric_id, year=year, blind=blind,
                                        categories=categories)
    if as_json:
        _echo_json(created)
    else:
        click.echo(f"edition {created['id']}: {created['name']} [{created['phase']}]")


@award.command()
@click.argument("edition_id", type=int)
@json_option
def show(edition_id: int, as_json: bool) -> None:
    """Show an edition: phase, entries, jurors, conflicts and scoring progress."""
    service = _service()
    summary = service.edition(edition_id)
    entries, jurors = service.entries(edition_id), service.jurors(edition_id)
    conflicts, assignments = service.conflicts(edition_id), service.assignments(edition_id)
    if as_json:
        _echo_json({**summary, "entries": entries, "jurors": jurors, "conflicts": conflicts,
                    "assignments": assignments})
        return
    progress = summary["progress"]
    click.echo(f"edition {summary['id']}: {summary['name']} [{summary['phase']}] rubric "
               f"{summary['rubric']}{' (blind)' if summary['blind'] else ''}")
    click.echo(f"progress: {progress['submitted']} of {progress['assignments']} assignment(s) "
               f"submitted, {progress['draft']} draft, {progress['not_started']} not started")
    for entry in entries:
        historic = (f"  historic total {_n(entry['historic_total'])}, "
                    f"n.{entry['registration_no']}" if entry["historic"] else "")
        click.echo(f"  {entry['label']}  {entry['title']} ({entry['place']}){historic}")
    for juror in jurors:
        click.echo(f"  juror {juror['id']}: {juror['name']} <{juror['email']}> "
                   f"{juror['submitted']}/{juror['assigned']} submitted")
    for conflict in conflicts:
        click.echo(f"  conflict: {conflict['juror_name']} / {conflict['entry']}: "
                   f"{conflict['kind']} ({conflict['note'] or 'no note'})")


@award.group()
def entry() -> None:
    """Submit entries or import historic results."""


@entry.command("add")
@click.argument("edition_id", type=int)
@click.argument("practice_id")
@click.option("--by", "submitted_by", help="Who submits it (a network, a city...).")
@click.option("--category")
@json_option
def entry_add(edition_id: int, practice_id: str, submitted_by: str | None,
              category: str | None, as_json: bool) -> None:
    """Enter a registry practice in an edition."""
    created = _service().submit_entry(edition_id, practice_id, submitted_by=submitted_by,
                                      category=category)
    if as_json:
        _echo_json(created)
    else:
        click.echo(f"{created['label']}: {created['practice_id']} {created['title']}")


@entry.command("import-historic")
@click.argument("edition_id", type=int)
@click.argument("practice_ids", nargs=-1)
@json_option
def entry_import_historic(edition_id: int, practice_ids: tuple[str, ...], as_json: bool) -> None:
    """Historic results of this edition from the practices' records (all, or those named)."""
    imported = _service().import_historic(edition_id, practice_ids)
    if as_json:
        _echo_json(imported)
        return
    for item in imported:
        click.echo(f"{item['label']}: {item['title']}: historic total "
                   f"{_n(item['historic_total'])}, registration n.{item['registration_no']} "
                   f"({item['status']}; not scored in the registry)")
    click.echo(f"{sum(i['status'] == 'imported' for i in imported)} historic result(s) imported")


@award.group()
def juror() -> None:
    """Invite jurors."""


@juror.command("add")
@click.argument("edition_id", type=int)
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--country", help="ISO 3166-1 alpha-2, for same-country conflicts.")
@click.option("--organisation", help="For same-organisation conflicts.")
@click.option("--language", type=click.Choice(LANGUAGES), default="en", show_default=True)
@json_option
def juror_add(edition_id: int, name: str, email: str, country: str | None,
              organisation: str | None, language: str, as_json: bool) -> None:
    """Invite a juror; conflicts with the entries are found at once."""
    service = _service()
    created = service.invite_juror(edition_id, name, email, country=country,
                                   organisation=organisation, language=language)
    found = [c for c in service.conflicts(edition_id) if c["juror"] == created["id"]]
    if as_json:
        _echo_json({**created, "conflicts": found})
        return
    click.echo(f"juror {created['id']}: {created['name']}")
    for conflict in found:
        click.echo(f"  conflict with {conflict['entry']}: {conflict['kind']}")


@award.group()
def conflict() -> None:
    """Conflicts of interest."""


@conflict.command("add")
@click.argument("edition_id", type=int)
@click.argument("juror_id", type=int)
@click.argument("entry_label")
@click.option("--note", help="Why (kept with the conflict).")
@json_option
def conflict_add(edition_id: int, juror_id: int, entry_label: str, note: str | None,
                 as_json: bool) -> None:
    """Declare a conflict of interest by hand."""
    created = _service().declare_conflict(edition_id, juror_id, entry_label, note)
    if as_json:
        _echo_json(created)
    else:
        click.echo(f"conflict declared: {created['juror_name']} / {created['entry']}")


@conflict.command("list")
@click.argument("edition_id", type=int)
@json_option
def conflict_list(edition_id: int, as_json: bool) -> None:
    """Every conflict, found or declared."""
    conflicts = _service().conflicts(edition_id)
    if as_json:
        _echo_json(conflicts)
        return
    for item in conflicts:
        click.echo(f"{item['juror_name']} / {item['entry']}: {item['kind']} "
                   f"({item['note'] or 'no note'})")


@award.command()
@click.argument("edition_id", type=int)
@click.argument("juror_id", type=int, required=False)
@click.argument("entry_labels", nargs=-1)
@click.option("--auto", is_flag=True, help="Assign every entry automatically.")
@click.option("--per-entry", type=int, default=3, show_default=True,
              help="Jurors per entry with --auto.")
@json_option
def assign(edition_id: int, juror_id: int | None, entry_labels: tuple[str, ...], auto: bool,
           per_entry: int, as_json: bool) -> None:
    """Assign JUROR_ID to ENTRY_LABELS by hand (all or none), or every entry with --auto."""
    service = _service()
    if auto == (juror_id is not None):
        raise click.UsageError("give JUROR_ID and ENTRY_LABELS, or --auto (not both)")
    if auto:
        made = service.auto_assign(edition_id, per_entry)
    elif not entry_labels:
        raise click.UsageError("give the labels of the entries to assign (e.g. E01 E05)")
    else:
        made = service.assign(edition_id, juror_id, entry_labels)
    if as_json:
        _echo_json(made)
        return
    for item in made:
        click.echo(f"{item['juror_name']} -> {item['entry']} ({item['method']})")
    loads = {j["name"]: j["assigned"] for j in service.jurors(edition_id)}
    click.echo("loads: " + ", ".join(f"{name} {n}" for name, n in loads.items()))


@award.command()
@click.argument("edition_id", type=int)
@click.argument("juror_id", type=int)
@click.argument("entry_label")
def unassign(edition_id: int, juror_id: int, entry_label: str) -> None:
    """Take a juror off an entry they have not scored."""
    _service().unassign(edition_id, juror_id, entry_label)
    click.echo(f"juror {juror_id} unassigned from {entry_label}")


@award.command()
@click.argument("edition_id", type=int)
def start(edition_id: int) -> None:
    """Open scoring to the jurors."""
    click.echo(f"edition {edition_id}: {_service().start_scoring(edition_id)['phase']}")


@award.command()
@click.argument("edition_id", type=int)
@click.argument("juror_id", type=int)
@click.argument("entry_label")
@click.argument("marks", nargs=-1, required=True)
@click.option("--comment", "comments", multiple=True, help="CRITERION=TEXT; repeatable.")
@click.option("--submit", is_flag=True, help="Submit (every criterion scored).")
@json_option
def score(edition_id: int, juror_id: int, entry_label: str, marks: tuple[str, ...],
          comments: tuple[str, ...], submit: bool, as_json: bool) -> None:
    """Score as juror JUROR_ID: CRITERION=VALUE ... (VALUE may be NA where allowed)."""
    saved = _service().save_scores(edition_id, juror_id, entry_label, _pairs(marks, "MARKS"),
                                   comments=_pairs(comments, "--comment"), submit=submit)
    if as_json:
        _echo_json(saved)
        return
    scores = " ".join(f"{c}={'NA' if s['na'] else _n(s['value'])}"
                      for c, s in saved["scores"].items())
    click.echo(f"{saved['entry']['label']}: {saved['entry']['status']}, "
               f"{saved['changed']} change(s): {scores}")


def _pairs(items: tuple[str, ...], what: str) -> dict[str, str]:
    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not CRITERION=VALUE", param_hint=what)
        pairs[key.strip()] = value
    return pairs


@award.command()
@click.argument("edition_id", type=int)
def close(edition_id: int) -> None:
    """Close scoring: jurors stop scoring and may read each other's scores."""
    click.echo(f"edition {edition_id}: {_service().close_scoring(edition_id)['phase']}")


@award.command()
@click.argument("edition_id", type=int)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the results table to this CSV file.")
@json_option
def results(edition_id: int, csv_path: Path | None, as_json: bool) -> None:
    """Results: raw and normalised side by side, ranks, spread and agreement."""
    service = _service()
    data = service.results(edition_id)
    if csv_path:
        csv_path.write_text(service.results_csv(edition_id), encoding="utf-8")
        click.echo(f"results written: {csv_path}", err=True)
    if as_json:
        _echo_json(data)
        return
    _print_results(data)


def _print_results(data: dict) -> None:
    edition_data = data["edition"]
    state = "published, frozen" if data["frozen"] else f"{edition_data['phase']}, provisional"
    click.echo(f"{edition_data['name']} ({state}); aggregate {data['aggregate']}")
    click.echo(f"{'rank':>4} {'raw':>4}  {'entry':<5} {'raw total':>10} {'normalised':>10} "
               f"{'raw sd':>7} {'norm sd':>7}  practice")
    for row in data["entries"]:
        click.echo(f"{_n(row['normalised_rank']):>4} {_n(row['raw_rank']):>4}  "
                   f"{row['entry']:<5} {_n(row['raw_aggregate']):>10} "
                   f"{_n(row['normalised_aggregate']):>10} {_n(row['raw_sd']):>7} "
                   f"{_n(row['normalised_sd']):>7}  {row['title']} ({row['place']})")
    agreement = data["agreement"]
    click.echo("agreement (Krippendorff's alpha): " + ", ".join(
        f"{c} {_n(a)}" for c, a in agreement["criteria"].items())
        + f"; totals {_n(agreement['total'])} raw, {_n(agreement['total_normalised'])} "
          "normalised")
    for notice in data["notices"]:
        click.echo(f"notice: {notice['message']}")
    for item in data["historic"]:
        click.echo(f"historic: {item['label']} {item['title']}: total "
                   f"{_n(item['historic_total'])}, n.{item['registration_no']} ({item['note']})")


def _n(value: float | int | None) -> str:
    if value is None:
        return "-"
    return str(value) if isinstance(value, int) else f"{value:.3f}".rstrip("0").rstrip(".")


@award.command("scores-import")
@click.argument("edition_id", type=int)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "actor", default="chair", show_default=True,
              help="Who enters the sheet (kept in the audit trail).")
@json_option
def scores_import(edition_id: int, path: Path, actor: str, as_json: bool) -> None:
    """Import a score sheet (entry,juror,<criteria>; jurors by email) as submitted scores."""
    imported = _service().import_scores(edition_id, path.read_text(encoding="utf-8-sig"),
                                        actor=actor)
    if as_json:
        _echo_json(imported)
    else:
        click.echo(f"{imported['sheets']} sheet row(s), {imported['scores']} score(s), "
                   f"{imported['changed']} change(s)")


@award.command()
@click.argument("edition_id", type=int)
@json_option
def audit(edition_id: int, as_json: bool) -> None:
    """Every score change: who, when, old and new."""
    changes = _service().score_changes(edition_id)
    if as_json:
        _echo_json(changes)
        return
    for c in changes:
        click.echo(f"{c['changed_at']}  {c['entry']} {c['juror']} {c['criterion']}: "
                   f"{c['old'] or '-'} -> {c['new']}  by {c['changed_by']} ({c['via']})")


@award.command()
@click.argument("edition_id", type=int)
@json_option
def publish(edition_id: int, as_json: bool) -> None:
    """Publish the results and freeze them."""
    data = _service().publish(edition_id)
    if as_json:
        _echo_json(data)
    else:
        click.echo(f"edition {edition_id}: published; results frozen")
