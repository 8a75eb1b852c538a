"""Randomized arrival sequences of one landing (issue 14), and a pipeline step to run after each.

`final_files` re-cuts a generated landing into the files a vendor would drop week by week: one
Parquet file per entity and ISO week of the row's first timestamp column (``w05.parquet``), the
reference snapshots (agents, groups, customers, operating costs) as generated, one ticket event
made bad (``event_type`` null: quarantined) in its week's file and delivered again, fixed, in
``fix.parquet``. Every sequence ends with exactly these files, so one full refresh per reporting
time zone is the reference for all of them.

`arrival_sequence(files, seed)` delivers them in steps: files in roughly chronological order with
random local swaps (a later week before an earlier one; events of old tickets arriving weeks
later), steps of random size, sometimes a step with no files, the fix after the bad file, and one
file first delivered in a wrong version (a quarter of its rows missing, values changed) and later
again, right, under the same name (the loader retracts the wrong rows).

`step` is what `daily_kpi_job` does to the warehouse, minus Dagster and the dbt tests: load every
pending file, decide the build plan (state.build_plan), `dbt build` seeds and models with the
plan's vars, publish, record the published state — so 20 sequences cost minutes, not hours. Its
dbt runs in this process (dbtRunner) on a manifest parsed once per process and dbt vars: the same
SQL as the job's dbt subprocess, without paying dbt's start and parse on every step (they were
about 40 % of a sequence's time; tests/dbt_in_process.py). The job itself is checked on one sequence by
tests/test_incremental_job.py through `support-kpi run`.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dagster_project.config import load
from dagster_project.contract import ENTITIES, Entity
from dagster_project.dbt_profile import dbt_vars, write_profile
from dagster_project.loading.loader import load_entity
from dagster_project.pseudonym import resolve_key
from dagster_project.settings import DBT_PROJECT_DIR, Settings
from dagster_project.state import build_plan, check_freshness, publish_build, record_build_plan
from dagster_project.warehouse import connect
from tests.dbt_in_process import invoke

FIX_NAME = "fix.parquet"
BAD_ENTITY = "helpdesk/ticket_events"


@dataclass(frozen=True)
class Delivery:
    """One file arriving: its path under the landing folder and its bytes."""

    path: str
    content: bytes


def parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def _day_column(entity: Entity) -> str | None:
    return next((c.name for c in entity.columns if c.type in ("ts", "date")), None)


def final_files(landing: Path) -> dict[str, bytes]:
    """The weekly files of a generated landing (see the module docstring), path -> bytes."""
    files: dict[str, bytes] = {}
    for entity in ENTITIES:
        folder = landing / entity.source / entity.name
        if not folder.is_dir():
            continue
        parquet = sorted(folder.glob("*.parquet"))
        if not parquet:  # snapshots (CSV): delivered as generated
            for path in sorted(p for p in folder.iterdir() if p.is_file()):
                files[f"{entity.source}/{entity.name}/{path.name}"] = path.read_bytes()
            continue
        table = pa.concat_tables([pq.read_table(p) for p in parquet])
        column = _day_column(entity)
        assert column is not None, entity.qualified_name
        instants = table[column].to_numpy(zero_copy_only=False).astype("datetime64[s]")
        values = (np.nan_to_num(instants.astype("int64").astype("float64"), nan=0.0) // (7 * 86400)).astype("int64")
        order = np.argsort(values, kind="stable")
        table = table.take(pa.array(order))
        values = values[order]
        first = int(values.min())
        for week in np.unique(values):
            rows = table.filter(pa.array(values == week))
            name = f"{entity.source}/{entity.name}/w{int(week) - first:02d}.parquet"
            if name.startswith(BAD_ENTITY) and int(week) - first == 3:
                fixed_row = rows.slice(rows.num_rows // 2, 1)
                mask = np.zeros(rows.num_rows, dtype=bool)
                mask[rows.num_rows // 2] = True
                event_type = pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), rows["event_type"])
                rows = rows.set_column(rows.schema.get_field_index("event_type"), "event_type", event_type)
                files[f"{BAD_ENTITY}/{FIX_NAME}"] = parquet_bytes(fixed_row)
            files[name] = parquet_bytes(rows)
    return files


def _wrong_version(content: bytes, rng: np.random.Generator) -> bytes:
    """The file as first (wrongly) delivered: a quarter of its rows missing, one text column changed."""
    table = pq.read_table(io.BytesIO(content))
    keep = rng.random(table.num_rows) >= 0.25
    keep[0] = True
    table = table.filter(pa.array(keep))
    for index, field in enumerate(table.schema):
        if pa.types.is_string(field.type) and not field.name.endswith("_id"):
            changed = pc.if_else(pc.is_null(table[field.name]), table[field.name], pa.scalar("changed"))
            if field.name in {"event_type", "actor_type", "state", "direction", "outcome", "status", "channel"}:
                continue  # enum columns: a changed value would be quarantined, not loaded
            table = table.set_column(index, field.name, changed)
            break
    return parquet_bytes(table)


def arrival_sequence(files: dict[str, bytes], seed: int) -> list[list[Delivery]]:
    """Steps of deliveries ending with exactly ``files`` in the landing (module docstring)."""
    rng = np.random.default_rng(seed)
    snapshots = sorted(p for p in files if not Path(p).name.startswith("w") and Path(p).name != FIX_NAME)
    weekly = sorted(p for p in files if Path(p).name.startswith("w"))
    # Roughly chronological: week number plus noise, so some files overtake earlier weeks.
    keys = [int(Path(p).stem[1:]) + rng.normal(0, 1.5) for p in weekly]
    ordered = [weekly[i] for i in np.argsort(keys, kind="stable")]
    steps_count = int(rng.integers(2, 5))
    cuts = sorted(rng.choice(np.arange(1, len(ordered)), size=steps_count - 1, replace=False))
    steps: list[list[str]] = [list(part) for part in np.split(np.array(ordered, dtype=object), cuts)]
    steps[0] = snapshots + steps[0]
    # The fixed event arrives in a later step than (or the same step as) its bad file.
    bad_file = f"{BAD_ENTITY}/w03.parquet"
    bad_step = next(i for i, step in enumerate(steps) if bad_file in step)
    steps[int(rng.integers(bad_step, len(steps)))].append(f"{BAD_ENTITY}/{FIX_NAME}")
    deliveries = [[Delivery(p, files[p]) for p in step] for step in steps]
    # One weekly file first arrives wrong and is delivered again, right, in a later step.
    candidates = [p for p in weekly if not p.endswith(bad_file) and p not in steps[-1]]
    changed = candidates[int(rng.integers(len(candidates)))]
    first = next(i for i, step in enumerate(steps) if changed in step)
    deliveries[first] = [
        Delivery(d.path, _wrong_version(d.content, rng)) if d.path == changed else d for d in deliveries[first]
    ]
    deliveries[int(rng.integers(first + 1, len(steps)))].append(Delivery(changed, files[changed]))
    if rng.random() < 0.5:  # a day with no files
        deliveries.insert(int(rng.integers(1, len(deliveries) + 1)), [])
    return deliveries


def deliver(landing: Path, deliveries: list[Delivery]) -> None:
    for delivery in deliveries:
        path = landing / delivery.path
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")  # the loader never reads dot-files
        tmp.write_bytes(delivery.content)
        tmp.replace(path)


def write_landing(landing: Path, files: dict[str, bytes]) -> None:
    if landing.exists():
        shutil.rmtree(landing)
    deliver(landing, [Delivery(p, c) for p, c in files.items()])


def settings_for(root: Path, time_zone: str) -> Settings:
    """The settings of a step: landing ``root/landing``, data dir ``root/data``, ``time_zone``."""
    return load(
        cli={
            "paths.landing": str(root / "landing"),
            "paths.data_dir": str(root / "data"),
            "reporting.time_zone": time_zone,
        }
    )


def dbt_build(settings: Settings, work: Path, build_args: list[str]) -> Path:
    """`dbt build <build_args>` in this process (tests/dbt_in_process.py), with the job's profile
    and dbt vars, logs under ``work``: as the job's dbt step after a partial parse. Returns the
    parse's target folder (manifest.json and semantic_manifest.json: what publishing reads of a
    build's target). The build writes no artefacts (``--no-write-json``): serializing the 4 MB
    manifest again cost ~1 s a step."""
    done, parsed = invoke(
        ["build", *build_args, "--no-write-json"],
        project=DBT_PROJECT_DIR,
        profiles_dir=write_profile(settings),
        warehouse=settings.warehouse_path,
        work=work,
        dbt_vars=dbt_vars(settings),
    )
    if done.returncode != 0 or parsed is None:
        raise AssertionError(f"dbt build {build_args} failed:\n{done.stdout[-4000:]}")
    return parsed.target


def step(settings: Settings, work: Path, full_refresh: bool = False) -> str:
    """Load, build (plan from state.build_plan), publish; returns the plan's mode or "skipped"."""
    if not full_refresh and check_freshness(settings).up_to_date:
        return "skipped"
    con = connect(settings.warehouse_path)
    try:
        for entity in ENTITIES:
            load_entity(con, settings.landing_dir, entity, settings)
    finally:
        con.close()
    resolve_key(settings.data_dir, settings.values().text("pseudonym.key") or "")  # as the job's dbt step
    plan = build_plan(settings, full_refresh)
    record_build_plan(settings, plan)
    # As the job's dbt step, without the data tests; seeds only change with the project, which
    # makes the build a full refresh.
    excluded = ["test", "unit_test"] + ([] if plan.full_refresh else ["seed"])
    try:
        target = dbt_build(
            settings,
            work,
            ["--exclude-resource-type", *excluded, *(["--full-refresh"] if plan.full_refresh else [])],
        )
    except AssertionError as error:
        raise AssertionError(f"{error}\nbuild plan: {plan.as_dict()}") from None
    # as the job's publish step: after an incremental build, only the changed rows
    published = publish_build(settings, target / "manifest.json")
    assert published.changed_rows_only == (not plan.full_refresh), (plan.as_dict(), published)
    return "full refresh" if plan.full_refresh else "incremental"
