"""The ``registry`` command: a thin click layer over the services (via Flask's app context)."""

from __future__ import annotations

import gc
import html
import json
import re
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import click
from flask import Flask
from flask.ctx import AppContext
from tqdm import tqdm

from registry import __version__
from registry.account_cli import account
from registry.app import create_app, get_registry
from registry.award_cli import award
from registry.config import Config
from registry.errors import RegistryError
from registry.plugins import describe_plugins
from registry.schema import missing_fields
from registry.search import SORTS, SearchArgumentError
from registry.services import Registry

#: Exit code of an import that rejected at least one document (nothing of it stored).
EXIT_REJECTED = 2
#: Practices per index commit in ``reindex``: fewer commits, fewer segment merges.
REINDEX_BATCH = 5_000


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group()
@click.version_option(__version__, prog_name="registry")
@click.pass_context
def main(ctx: click.Context) -> None:
    """The good-practice registry: import, show, search and serve practices.

    Configured by environment variables: REGISTRY_DATABASE_URL, REGISTRY_INSTANCE_DIR,
    REGISTRY_INDEX_DIR, REGISTRY_BLOCK_PLUGINS, REGISTRY_MAX_DOCUMENT_BYTES.
    """
    ctx.with_resource(_registry_context())


def _registry_context() -> AppContext:
    """An app context holding the registry alone, for ``get_registry``: a command runs no
    views, so it does not build the site and the API (``serve`` does)."""
    app = Flask("registry")
    app.extensions["registry"] = Registry.from_config(Config.from_env())
    return app.app_context()


main.add_command(award)
main.add_command(account)


@main.command()
def init() -> None:
    """Create the database and the search index (or upgrade them)."""
    registry = get_registry()
    registry.init()
    click.echo(f"database ready: {registry.db.engine.url.render_as_string(hide_password=True)}")
    click.echo(f"search index: {registry.config.search_dir}")


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "format_name", help="Skip detection and use this importer.")
@click.option("--dry-run", is_flag=True, help="Parse and validate, store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the records as contract-v1 JSON.")
def import_(paths: tuple[Path, ...], format_name: str | None, dry_run: bool,
            as_json: bool) -> None:
    """Import documents or folders of documents. Exit 2 if any document was rejected."""
    registry = get_registry()
    if not dry_run:
        registry.init()
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")
    with tqdm(desc="importing", unit="doc", file=sys.stderr, disable=None, leave=False) as bar:
        results = registry.imports.import_paths(
            paths, format_name=format_name, dry_run=dry_run, on_result=lambda _: bar.update())
    for result in results:
        if result.status == "rejected":
            click.echo(f"rejected: {result.reason}", err=True)
    counts = Counter(r.status for r in results)
    order = ("parsed", "imported", "unchanged", "new revision", "rejected")
    summary = ", ".join(f"{counts[s]} {s}" for s in order if counts[s])
    if as_json:
        _echo_json([record for r in results for record in r.records])
    else:
        for result in results:
            if result.status != "rejected":
                click.echo(f"{result.status}: {result.path} ({result.format}) -> "
                           f"{', '.join(result.practice_ids) or 'not stored'}")
    click.echo(f"{len(results)} document(s): {summary}", err=as_json)
    if counts["rejected"]:
        sys.exit(EXIT_REJECTED)


@main.command()
@click.argument("practice_id")
@click.option("--revision", type=int, help="Show an earlier revision.")
@click.option("--json", "as_json", is_flag=True, help="Print the contract-v1 JSON.")
def show(practice_id: str, revision: int | None, as_json: bool) -> None:
    """Show one practice and the fields its source left empty."""
    registry = get_registry()
    try:
        record = registry.practices.get(practice_id, revision)
    except RegistryError as exc:
        raise click.ClickException(exc.message) from exc
    if as_json:
        _echo_json(record)
        return
    title = next(iter(record["title"].values()))
    click.echo(f"{record['id']}  revision {record['revision']}  [{record['language']}]")
    click.echo(title)
    for key, value in record.items():
        if key in ("id", "revision", "title", "schema") or value in (None, [], {}, ""):
            continue
        click.echo(f"  {key}: {json.dumps(value, ensure_ascii=False, default=str)[:300]}")
    gaps = missing_fields(record)
    click.echo(f"missing: {', '.join(gaps) if gaps else 'nothing'}")


@main.command()
@click.argument("query", default="")
@click.option("--lang", help="Only practices whose source is in this language.")
@click.option("--country", multiple=True, help="ISO 3166-1 alpha-2 code; repeatable.")
@click.option("--tag", multiple=True, help="SCHEME:CODE, e.g. venice_declaration:V.D.03.")
@click.option("--filter", "facet_filters", multiple=True, metavar="FACET=VALUE",
              help="Any facet: vd_tag=V.D.10, sdg_goal=1, kpis=yes, a plugin's field; "
                   "repeatable (values of one facet: any; facets: all).")
@click.option("--year-from", type=int, help="Started in or after this year.")
@click.option("--year-to", type=int, help="Started in or before this year.")
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("--page", default=1, show_default=True)
@click.option("--per-page", default=20, show_default=True)
@click.option("--facets", "with_facets", is_flag=True, help="Count the hits per facet value.")
@click.option("--similar", "similar_to", metavar="ID",
              help="List the practices most like this one instead (QUERY is ignored).")
@click.option("--json", "as_json", is_flag=True, help="The API's JSON, facet counts included.")
def search(query: str, lang: str | None, country: tuple[str, ...], tag: tuple[str, ...],
           facet_filters: tuple[str, ...], year_from: int | None, year_to: int | None,
           sort: str, page: int, per_page: int, with_facets: bool, similar_to: str | None,
           as_json: bool) -> None:
    """Search practices in Spanish, English, French or Portuguese; finds all four."""
    index = get_registry().search
    if similar_to:
        hits = index.similar(similar_to, limit=per_page)
        if as_json:
            _echo_json({"id": similar_to, "hits": [asdict(h) for h in hits]})
            return
        for hit in hits:
            click.echo(f"{hit.id}  {hit.title}")
        return
    filters = {"country": list(country), "tag": list(tag), "language": [lang] if lang else []}
    for item in facet_filters:
        name, equals, value = item.partition("=")
        if not equals or not value:
            raise click.BadParameter(f"{item!r} is not FACET=VALUE", param_hint="--filter")
        filters.setdefault(name, []).append(value)
    try:
        results = index.query(query, filters=filters, page=page, per_page=per_page, sort=sort,
                              facets=index.facet_names if with_facets or as_json else (),
                              years=(year_from, year_to))
    except SearchArgumentError as exc:
        raise click.BadParameter(str(exc), param_hint=f"--{exc.argument}") from exc
    if as_json:
        _echo_json(results.to_json())
        return
    if results.suggestion:
        click.echo(f"did you mean: {results.suggestion}")
    some = " (matching some of the words)" if results.relaxed else ""
    click.echo(f"{results.total} practice(s){some}")
    for hit in results.hits:
        click.echo(f"{hit.id}  {hit.title}")
        if hit.snippet:
            marked = re.sub(r"<mark>(.*?)</mark>", lambda m: click.style(m[1], bold=True),
                            hit.snippet)
            click.echo(f"    {html.unescape(marked)}")
    for name, values in results.facets.items():
        counts = ", ".join(f"{v.value} {v.count}" for v in values[:10])
        click.echo(f"{name}: {counts or '-'}")


@main.command()
def reindex() -> None:
    """Rebuild the search index from the database."""
    registry = get_registry()
    registry.search.clear()
    batch: list[dict] = []
    with tqdm(total=registry.practices.count(), desc="reindexing", unit="practice",
              file=sys.stderr, disable=None) as bar:
        for record in registry.practices.iter_all():
            batch.append(record)
            if len(batch) == REINDEX_BATCH:
                registry.search.index(batch)
                bar.update(len(batch))
                batch = []
        registry.search.index(batch)
        bar.update(len(batch))
    registry.practices.stamp.bump()
    click.echo(f"indexed {registry.practices.count()} practice(s)")


def _metric_context(base_currency: str | None, base_year: int | None, basis: str):
    from registry.metrics import MetricContext

    try:
        return MetricContext(base_currency=base_currency.upper() if base_currency else None,
                             base_year=base_year, basis=basis)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@main.command()
@click.argument("practice_ids", nargs=-1, required=True)
@click.option("--base-currency", help="Convert money to this ISO 4217 currency.")
@click.option("--base-year", type=int, help="Prices of this year (needs --base-currency).")
@click.option("--basis", type=click.Choice(["market", "ppp"]), default="market",
              show_default=True, help="Market exchange rates or PPP conversion factors.")
@click.option("--peers", "with_peers", is_flag=True,
              help="Add each practice's peer group and percentiles.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the metric table as CSV.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--chart", type=click.Path(path_type=Path),
              help="Write a chart of the first metric with values (.png or .svg).")
def compare(practice_ids: tuple[str, ...], base_currency: str | None, base_year: int | None,
            basis: str, with_peers: bool, as_csv: bool, as_json: bool,
            chart: Path | None) -> None:
    """Compare practices side by side: fields, metrics with their derivation, caveats."""
    from registry.charts import comparison_bars
    from registry.services.comparisons import rows_to_csv

    context = _metric_context(base_currency, base_year, basis)
    service = get_registry().comparisons
    try:
        comparison = service.compare(list(practice_ids), context)
        peers = {pid: service.peers(pid, context=context) for pid in practice_ids} \
            if with_peers else {}
    except RegistryError as exc:
        raise click.ClickException(exc.message) from exc
    if chart:
        fmt = chart.suffix.lstrip(".").lower()
        if fmt not in ("png", "svg"):
            raise click.BadParameter("the file must end in .png or .svg", param_hint="--chart")
        metric = next((m for m in comparison.metrics
                       if any(comparison.values[r["id"]][m["id"]]["value"] is not None
                              for r in comparison.records)), comparison.metrics[0])
        values = [comparison.values[r["id"]][metric["id"]] for r in comparison.records]
        chart.write_bytes(comparison_bars(
            [next(iter(r["title"].values())) for r in comparison.records],
            [v["value"] for v in values], metric["label"],
            next((v["unit"] for v in values if v["unit"]), ""), fmt))
        click.echo(f"chart written: {chart}", err=True)
    if as_csv:
        click.echo(rows_to_csv(comparison.metric_table()), nl=False)
    elif as_json:
        _echo_json({**comparison.as_dict(), **({"peers": peers} if peers else {})})
    else:
        _print_comparison(comparison, peers)


def _print_comparison(comparison, peers: dict) -> None:
    for record in comparison.records:
        click.echo(f"{record['id']}  {next(iter(record['title'].values()))}")
    for metric in comparison.metrics:
        click.echo(f"\n{metric['label']} [{metric['id']}]")
        for record in comparison.records:
            value = comparison.values[record["id"]][metric["id"]]
            shown = (f"{value['value']:,.2f} {value['unit']}" if value["value"] is not None
                     else f"n/a: {value['reason']}")
            rank = (peers.get(record["id"], {}).get("ranks", {}).get(metric["id"]) or {})
            if rank.get("percentile") is not None:
                shown += f"  (percentile {rank['percentile']:.0f} of {rank['peers_used']} peers)"
            click.echo(f"  {record['id']}: {shown}")
    if comparison.caveats:
        click.echo("\ncaveats:")
        for caveat in comparison.caveats:
            click.echo(f"  - {caveat}")


@main.command()
@click.option("--out", type=click.Path(path_type=Path), default=Path("export"),
              show_default=True, help="Folder of the data package.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True, help="How the records are written.")
def export(out: Path, fmt: str) -> None:
    """Export the whole registry as a data package (records, JSON Schema, metric table)."""
    from registry.services.exports import export_package

    registry = get_registry()
    with tqdm(total=registry.practices.count(), desc="exporting", unit="practice",
              file=sys.stderr, disable=None) as bar:
        descriptor = export_package(registry.practices, registry.comparisons, out, fmt,
                                    progress=bar.update)
    click.echo(f"exported {descriptor['resources'][0]['count']} practice(s) to {out}")


SDG_SCHEMES = ("sdg_goal", "sdg_target")


@main.group()
def sdg() -> None:
    """SDG goals and targets inferred by the mapping plugin, with their evidence."""


@sdg.command("map")
@click.argument("practice_id", required=False)
@click.option("--text", help="Map this text instead of a stored practice.")
@click.option("--lang", help="Language of the text (labels come in it: en, es, fr).")
@click.option("--json", "as_json", is_flag=True)
def sdg_map(practice_id: str | None, text: str | None, lang: str | None, as_json: bool) -> None:
    """Map a practice (ID) or a text (--text) to SDG goals and targets."""
    if bool(practice_id) == bool(text):
        raise click.UsageError("give either a practice ID or --text")
    practices = get_registry().practices
    try:
        tags = (practices.derive_tags_for_text(text, lang) if text
                else practices.derive_tags(practices.get(practice_id)))
    except RegistryError as exc:
        raise click.ClickException(exc.message) from exc
    found = [t for t in tags if t["scheme"] in SDG_SCHEMES]
    if as_json:
        _echo_json(found)
        return
    if not found:
        click.echo("no SDG found")
    for tag in found:
        indent = "  " if tag["scheme"] == "sdg_target" else ""
        line = f"{indent}{tag['code']:<5} {tag['confidence'] or 0:.2f}  {tag['label'] or ''}"
        click.echo(line[:110])
        click.echo(f"{indent}      evidence: {', '.join(tag['evidence'])}"[:110])


@sdg.command("remap")
def sdg_remap() -> None:
    """Derive the tags of every practice again (after the mapper or its data changed)."""
    practices = get_registry().practices
    with tqdm(total=practices.count(), desc="remapping", unit="practice", file=sys.stderr,
              disable=None) as bar:
        counts = practices.remap(progress=bar.update)
    click.echo(f"{counts['revised']} practice(s) changed, {counts['unchanged']} unchanged")


@main.command()
@click.option("--json", "as_json", is_flag=True)
def plugins(as_json: bool) -> None:
    """List loaded plugins, their versions and the hooks they implement."""
    described = describe_plugins(get_registry().pm)
    if as_json:
        _echo_json(described)
        return
    for plugin in described:
        version = f"{plugin['package']} {plugin['version']}" if plugin["package"] else "local"
        hooks = f"FAILED TO LOAD: {plugin['error']}" if "error" in plugin \
            else ", ".join(plugin["hooks"])
        click.echo(f"{plugin['name']:<20} {version:<32} {hooks}")


def run() -> None:
    """The ``registry`` console script: ``main``, then an exit that leaves the heap alone.

    Python's last garbage collections at exit scan every object for cycles (half a second
    after a 2,000-document import) only to free memory the operating system takes back.
    """
    try:
        main()
    finally:
        gc.freeze()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def serve(host: str, port: int) -> None:
    """Serve the site and the API."""
    registry = get_registry()
    registry.init()
    create_app(registry=registry).run(host=host, port=port, threaded=True)
