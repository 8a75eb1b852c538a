"""`support-kpi`: generate demo data, run the pipeline, open the Dagster UI."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from dagster_project.settings import REPO_DIR, Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)

# Unset options fall through to the settings (support_kpi.toml, then env SUPPORT_KPI_LANDING /
# SUPPORT_KPI_DATA_DIR, then data/landing and data): only an option actually given wins.
LandingOption = Annotated[
    Path | None,
    typer.Option("--landing", help="Landing folder (<source>/<entity>/files); default: settings paths.landing."),
]
DataDirOption = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Warehouse, published mart, reports; default: settings paths.data_dir."),
]


@app.command()
def generate(
    landing: LandingOption = None,
    days: Annotated[int, typer.Option(min=1, help="Days of history, ending at --end-date.")] = 365,
    scale: Annotated[float, typer.Option(min=0.001, help="1 = ~100k tickets a year.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Same seed and arguments, same files.")] = 42,
    end_date: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Last day (default: yesterday, UTC)."),
    ] = None,
) -> None:
    """Write realistic, deterministic demo landing files."""
    from rich.console import Console

    from demo_generator import generate as generate_files

    console = Console()
    clock = time.monotonic()
    end: date | None = end_date.date() if end_date else None
    target = Settings.from_env(landing=landing).landing_dir
    with console.status(f"generating {days} days at scale {scale} into {target} …"):
        counts = generate_files(target, days=days, scale=scale, seed=seed, end_date=end)
    for name, rows in sorted(counts.items()):
        console.print(f"  {name:<32} {rows:>12,} rows")
    console.print(f"[green]✓[/green] generated in {time.monotonic() - clock:.1f} s")


@app.command()
def run(
    landing: LandingOption = None,
    data_dir: DataDirOption = None,
    full_refresh: Annotated[
        bool,
        typer.Option(
            "--full-refresh",
            help="Rebuild every dbt model from all raw rows instead of only what the new rows affect.",
        ),
    ] = False,
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            help="Engine dbt builds on: duckdb (default) or spark (local session; `make spark` installs it). "
            "Setting dbt.engine, env SUPPORT_KPI_DBT_ENGINE.",
        ),
    ] = None,
) -> None:
    """Load new landing files, dbt build with tests, publish the mart, print the scorecard.

    Executes the Dagster job daily_kpi_job on the data folder's Dagster instance (<data-dir>/dagster),
    as the schedule, the sensor and the UI do; the job writes the run report. Exits 0 when it
    published or found nothing to do, 1 when it failed, 75 at once, changing nothing, when another
    run holds the data folder.
    """
    from dagster_project.progress import console
    from dagster_project.publish import open_mart
    from dagster_project.runner import MissingReportError, print_dbt_warnings, print_failed_gates, run_pipeline
    from dagster_project.scorecard import latest_complete_month, print_scorecard, scorecard_rows
    from dagster_project.warehouse import EXIT_RUN_IN_PROGRESS

    settings = Settings.from_env(landing=landing, data_dir=data_dir, engine=engine)
    if not settings.landing_dir.is_dir():
        console.print(f"[red]landing folder {settings.landing_dir} does not exist[/red]")
        raise typer.Exit(2)
    try:
        outcome = run_pipeline(settings, full_refresh=full_refresh)
    except MissingReportError as missing:
        console.print(f"[red bold]run failed: {missing}[/red bold]")
        raise typer.Exit(1) from None
    if outcome.refused:
        for error in outcome.errors:
            console.print(f"[red bold]{error}[/red bold]", soft_wrap=True)
        console.print(f"run report: {outcome.report_path}")
        raise typer.Exit(EXIT_RUN_IN_PROGRESS)
    print_failed_gates(console, outcome.report.get("gates") or {})
    print_dbt_warnings(console, outcome.report)
    if outcome.skipped:
        reason = outcome.report.get("reason")
        console.print(f"[green]✓ nothing to do:[/green] {reason}; {settings.mart_path} is current")
    elif not outcome.published:
        console.print("[red bold]run failed: nothing was published[/red bold]")
        for error in outcome.errors:
            console.print(f"[red]  {error}[/red]")
        if settings.mart_path.exists():
            console.print(f"the previous mart stays in place: {settings.mart_path}")
        console.print(f"run report: {outcome.report_path}")
        raise typer.Exit(1)

    con = open_mart(settings.mart_path)
    try:
        month, complete = latest_complete_month(con)
        if month is not None:
            print_scorecard(console, month, complete, scorecard_rows(con, month))
    finally:
        con.close()
    console.print(f"published mart: {settings.mart_path}")
    dashboard_index = settings.data_dir / "dashboard" / "index.html"
    if dashboard_index.exists():
        console.print(f"dashboard: {dashboard_index}")
    console.print(f"run report: {outcome.report_path}")


@app.command()
def pull(
    vendor: Annotated[str, typer.Argument(help="zendesk or freshdesk.")],
    landing: LandingOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Pull new pages from a helpdesk API into the landing folder (no load; `run` pulls too).

    Credentials come from the environment only (docs/connectors.md). Exits 1 on a refused
    credential or an HTTP error left after the retries, 75 when a run holds the data folder.
    """
    import json

    from dagster_project.connectors import VENDORS, ConnectorConfigError, ConnectorError, pull_vendor
    from dagster_project.warehouse import EXIT_RUN_IN_PROGRESS, RunInProgressError, run_lock

    if vendor not in VENDORS:
        typer.echo(f"unknown vendor {vendor!r}; known: {', '.join(VENDORS)}", err=True)
        raise typer.Exit(2)
    settings = Settings.from_env(landing=landing, data_dir=data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        with run_lock(settings.data_dir):
            result = pull_vendor(vendor, settings.landing_dir, settings.data_dir)
    except RunInProgressError as busy:
        typer.echo(str(busy), err=True)
        raise typer.Exit(EXIT_RUN_IN_PROGRESS) from None
    except (ConnectorError, ConnectorConfigError) as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps(result.metadata(), indent=2, default=str))


@app.command()
def scorecard(
    data_dir: DataDirOption = None,
    month: Annotated[datetime | None, typer.Option(formats=["%Y-%m"], help="Month (default: latest complete).")] = None,
) -> None:
    """Print the scorecard of a month from the published mart."""
    from dagster_project.progress import console
    from dagster_project.publish import open_mart
    from dagster_project.scorecard import latest_complete_month, print_scorecard, scorecard_rows

    settings = Settings.from_env(data_dir=data_dir)
    con = open_mart(settings.mart_path)
    try:
        if month is None:
            chosen, complete = latest_complete_month(con)
        else:
            chosen, complete = month.date().replace(day=1), True
        if chosen is None:
            console.print("the scorecard is empty")
            raise typer.Exit(1)
        print_scorecard(console, chosen, complete, scorecard_rows(con, chosen))
    finally:
        con.close()


@app.command()
def dashboard(
    data_dir: DataDirOption = None,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the scorecard page in a web browser.")] = False,
    serve: Annotated[
        int | None, typer.Option("--serve", metavar="PORT", help="Serve the dashboard on http://127.0.0.1:PORT/.")
    ] = None,
) -> None:
    """Build the dashboard of the published mart into <data-dir>/dashboard (every run does it too).

    Static HTML that works offline: open <data-dir>/dashboard/index.html from the file system or put
    the folder on any web server.
    """
    import functools
    import webbrowser
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from dagster_project.dashboard import publish_dashboard

    settings = Settings.from_env(data_dir=data_dir)
    try:
        result = publish_dashboard(settings)
    except FileNotFoundError as missing:
        typer.echo(str(missing), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"dashboard: {result.path / 'index.html'} ({len(result.pages)} pages, {result.size_bytes / 1e6:.1f} MB)")
    if serve is not None:
        handler = functools.partial(SimpleHTTPRequestHandler, directory=str(result.path))
        with ThreadingHTTPServer(("127.0.0.1", serve), handler) as server:
            url = f"http://127.0.0.1:{server.server_address[1]}/"
            typer.echo(f"serving {url} (Ctrl-C stops)")
            if open_browser:
                webbrowser.open(url)
            with contextlib.suppress(KeyboardInterrupt):
                server.serve_forever()
    elif open_browser:
        webbrowser.open((result.path / "index.html").as_uri())


@app.command()
def quarantine(
    data_dir: DataDirOption = None,
    source: Annotated[str | None, typer.Option(help="Only this source (e.g. helpdesk).")] = None,
    entity: Annotated[str | None, typer.Option(help="Only this entity (e.g. tickets).")] = None,
    rule: Annotated[str | None, typer.Option(help="Only this rule (e.g. invalid_ts).")] = None,
    all_rows: Annotated[bool, typer.Option("--all", help="Resolved rows too, with their resolution.")] = False,
    summary: Annotated[bool, typer.Option("--summary", help="Counts per source, entity, rule.")] = False,
    limit: Annotated[int, typer.Option(min=1, help="Rows to list at most.")] = 50,
) -> None:
    """List open quarantined rows (file, line, column, value, rule, reason) or count them."""
    from dagster_project.quarantine_cli import QuarantineFilter, QuarantineUnavailable, quarantine_report

    settings = Settings.from_env(data_dir=data_dir)
    chosen = QuarantineFilter(source=source, entity=entity, rule=rule, include_resolved=all_rows)
    try:
        lines = quarantine_report(settings.warehouse_path, chosen, summary=summary, limit=limit)
    except QuarantineUnavailable as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    for line in lines:
        typer.echo(line)


@app.command()
def checksum(
    mart: Annotated[
        Path | None, typer.Option("--mart", help="A published mart file; default: the data dir's published mart.")
    ] = None,
) -> None:
    """Content checksum of a mart: per table rows and digest, then the whole mart's digest."""
    from dagster_project.checksum import mart_checksum

    if mart is None:
        mart = Settings.from_env().mart_path

    try:
        result = mart_checksum(mart)
    except FileNotFoundError as missing:
        typer.echo(str(missing), err=True)
        raise typer.Exit(1) from None
    for table in result.tables:
        typer.echo(f"{table.name:<44} {table.rows:>12,} rows  {table.digest[:16]}")
    typer.echo(f"mart {result.digest}")


@app.command()
def ui(
    landing: LandingOption = None,
    data_dir: DataDirOption = None,
    port: Annotated[int, typer.Option(help="Port of the Dagster web UI.")] = 3000,
) -> None:
    """Start `dagster dev` on the project (asset graph, runs, schedules, sensors, checks).

    Uses the data folder's Dagster instance (<data-dir>/dagster, or $DAGSTER_HOME when set): every
    run shows, `support-kpi run`'s included; the daemon's runs wait in its queue, one at a time.
    """
    from dagster_project.instance import ensure_dagster_home
    from dagster_project.manifest import ensure_manifest

    settings = Settings.from_env(landing=landing, data_dir=data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.export()
    ensure_manifest()
    # The data folder's instance, where `support-kpi run` records its runs too (instance.py).
    # (config.dagster_home sets DAGSTER_HOME for `dagster dev` unless the environment has one.)
    from dagster_project.config import dagster_home

    dagster_home(ensure_dagster_home(settings))
    command = [
        str(Path(sys.executable).with_name("dagster")),
        "dev",
        "-m",
        "dagster_project.definitions",
        "--port",
        str(port),
    ]
    raise typer.Exit(subprocess.call(command, cwd=REPO_DIR))


metrics_app = typer.Typer(
    no_args_is_help=True,
    help="The semantic layer (MetricFlow `mf`) over the published mart: KPIs by any dimension and grain.",
)
app.add_typer(metrics_app, name="metrics")
PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True}


def _mf(data_dir: Path | None, args: list[str]) -> None:
    from dagster_project.semantic_layer import SemanticLayerUnavailable, run_mf

    try:
        done = run_mf(Settings.from_env(data_dir=data_dir), args)
    except SemanticLayerUnavailable as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from None
    raise typer.Exit(done.returncode)


@metrics_app.command("list", context_settings=PASS_THROUGH)
def metrics_list(ctx: typer.Context, data_dir: DataDirOption = None) -> None:
    """`mf list metrics` (one per KPI, plus the simple metrics they are built from); extra arguments go
    to `mf list`, e.g. `dimensions --metrics csat_pct` or `saved-queries`."""
    _mf(data_dir, ["list", *(ctx.args or ["metrics"])])


@metrics_app.command("validate", context_settings=PASS_THROUGH)
def metrics_validate(ctx: typer.Context, data_dir: DataDirOption = None) -> None:
    """`mf validate-configs` of the published semantic manifest (add `--skip-dw` to leave out the
    queries against the mart)."""
    _mf(data_dir, ["validate-configs", *ctx.args])


@metrics_app.command("query", context_settings=PASS_THROUGH)
def metrics_query(ctx: typer.Context, data_dir: DataDirOption = None) -> None:
    """`mf query …` against the published mart, read-only: e.g. `--metrics csat_pct --group-by
    metric_time__quarter,ticket__channel`, or `--saved-query monthly_helpdesk_speed`."""
    _mf(data_dir, ["query", *ctx.args])


@app.command("contract-docs")
def contract_docs() -> None:
    """Regenerate docs/source_contract.md and the dbt sources YAML from the contract code."""
    from dagster_project.contract.docs import write_contract_docs

    for path in write_contract_docs(REPO_DIR):
        typer.echo(f"wrote {path.relative_to(REPO_DIR)}")


@app.callback()
def use_config(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Settings file (toml); default: env SUPPORT_KPI_CONFIG, else ./support_kpi.toml if present.",
        ),
    ] = None,
) -> None:
    """Every command loads its settings from --config when given (see `support-kpi config`)."""
    from dagster_project.config import SettingsError, use_config_file

    if config is not None:
        try:
            use_config_file(config)
        except SettingsError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from None


@app.command("config")
def show_config(
    landing: Annotated[Path | None, typer.Option("--landing", help="Landing folder (as `run --landing`).")] = None,
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="Data folder (as `run --data-dir`).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """Print every effective setting and where it came from (default, toml file, env, option); secrets masked."""
    import json

    from dagster_project.config import MART, SettingsError, listing

    try:
        settings = Settings.from_env(landing=landing, data_dir=data_dir)
    except SettingsError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
    rows = listing(settings)
    config_path = settings.values().config_path
    if as_json:
        document = {
            "config_file": str(config_path) if config_path else None,
            "settings": [
                {
                    "key": row.key,
                    "env": row.env,
                    "value": row.value,
                    "source": row.source,
                    "secret": row.secret,
                    "shapes_mart": MART in row.shapes,
                    "reloads": [name for name in row.shapes if name != MART],
                }
                for row in rows
            ],
        }
        typer.echo(json.dumps(document, indent=2))
        return
    typer.echo(f"settings file: {config_path or '(none)'}")
    key_width = max(len(row.key) for row in rows)
    value_width = min(40, max(len(row.value) for row in rows))
    for row in rows:
        effect = ""
        if row.shapes:
            reloads = [name for name in row.shapes if name != MART]
            effect = "  [rebuilds the mart" + (f"; reloads {', '.join(reloads)} files" if reloads else "") + "]"
        typer.echo(f"{row.key:<{key_width}}  {row.value:<{value_width}}  {row.source}{effect}")


if __name__ == "__main__":
    app()
