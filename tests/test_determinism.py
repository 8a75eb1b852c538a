"""Metamorphic tests: the same landing data, delivered differently, gives the same mart checksum.

Issue 12 ("Two builds of the same files are not the same mart"): floating-point sums whose
order depended on DuckDB's scan made two builds of one landing folder differ in the last bits.
The mart's additive parts are now exact (dbt_project/macros/exact_sums.sql) and
`support-kpi checksum` compares doubles bit for bit (dagster_project/checksum.py), so these
tests see any order-dependent sum.

One generated demo set (`support-kpi generate --days 60 --scale 0.2 --seed 11`, ~3,400
tickets, ~32,000 ticket events, 5,400 orders, Parquet plus a few CSV files) and three
pipeline runs, shared by the tests below:

  run A  a fresh data dir, the generated landing folder as it is.
  run B  one data dir, two runs:
         B1 on a copy holding only the first file (by name) of every entity (part of the data),
         B2 then on a transformed copy of the whole folder, where every file is
            (b) split into a different number of files (2 or 3 parts, named so the parts sort
                in the original file order: the load order of versions is kept),
            (c) with its rows shuffled inside each part (seeded),
            (d) written as CSV (timestamps as ISO 8601 with `Z`) instead of Parquet, and
            (e) one part of crm/orders and one of helpdesk/tickets delivered twice (the same
                file under a second name).
         So B exercises (a) a second run after an earlier run on part of the data, and
         (b)-(e) at once; A vs B must give the same checksum, table by table.

Why this is a fair comparison (landing contract, /work/shared/spec/sources.md): rows are
versions, the latest version wins (helpdesk tickets by `updated_at`; every other entity has
unique keys in the generated data, checked below) and exact duplicates are harmless, so none of
(a)-(e) changes what the data says. Shuffling happens within a file only and never reorders two
versions of one key (the generated tickets' versions sit in different files with different
`updated_at`; checked below).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from dagster_project.checksum import MartChecksum, mart_checksum
from tests.conftest import CliRun, run_pipeline, support_kpi

SEED = 11
SHUFFLE_SEED = 20261204
DELIVERED_TWICE = ("crm/orders", "helpdesk/tickets")


def _source_sql(path: Path) -> str:
    """A landing file as a DuckDB table function (CSV read as text, as delivered)."""
    if path.suffix == ".parquet":
        return f"read_parquet('{path}')"
    return f"read_csv('{path}', all_varchar = true, header = true)"


def _rows(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    return int(con.execute(f"select count(*) from {_source_sql(path)}").fetchone()[0])


def _entity_files(landing: Path) -> dict[str, list[Path]]:
    files: dict[str, list[Path]] = {}
    for path in sorted(landing.glob("*/*/*")):
        if path.is_file():
            files.setdefault(f"{path.parent.parent.name}/{path.parent.name}", []).append(path)
    return files


def _csv_select(con: duckdb.DuckDBPyConnection, table: str) -> str:
    """Columns of `table` as CSV text: timestamptz as ISO 8601 UTC with `Z`, the rest as is."""
    columns = []
    for name, data_type in con.execute(f"select column_name, column_type from (describe {table})").fetchall():
        quoted = '"' + name.replace('"', '""') + '"'
        if data_type == "TIMESTAMP WITH TIME ZONE":
            columns.append(f"strftime({quoted}, '%Y-%m-%dT%H:%M:%S.%fZ') as {quoted}")
        else:
            columns.append(quoted)
    return ", ".join(columns)


def transform_landing(source: Path, target: Path) -> dict[str, int]:
    """Write `source` into `target` split, shuffled, as CSV, with files delivered twice.

    Returns the number of files written per entity (for the test's own check).
    """
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    written: dict[str, int] = {}
    for entity, paths in _entity_files(source).items():
        folder = target / entity
        folder.mkdir(parents=True)
        count = 0
        for index, path in enumerate(paths):
            stem = path.name.split(".")[0]
            con.execute(f"create table file_rows as select * from {_source_sql(path)}")
            # (c) a seeded shuffle: position = rank of md5(seed, file line)
            con.execute(
                "create table part_rows as select *, row_number() over (order by md5(concat(?, '/', line))) as pos "
                "from (select *, row_number() over () as line from file_rows)",
                [f"{SHUFFLE_SEED}/{entity}/{path.name}"],
            )
            select = _csv_select(con, "file_rows")
            parts = 2 + (index + len(entity)) % 2  # (b) 2 or 3 parts, differing between files
            for part in range(parts):
                out = folder / f"{stem}_part{part + 1}.csv"
                con.execute(
                    f"copy (select {select} from part_rows where pos % {parts} = {part} order by pos) "
                    f"to '{out}' (header, delimiter ',')"
                )
                count += 1
            con.execute("drop table file_rows; drop table part_rows")
        if entity in DELIVERED_TWICE:
            first = sorted(folder.iterdir())[0]
            shutil.copyfile(first, folder / f"{first.stem}_redelivered.csv")
            count += 1
        written[entity] = count
    con.close()
    return written


def _first_files_only(source: Path, target: Path) -> None:
    for entity, paths in _entity_files(source).items():
        (target / entity).mkdir(parents=True)
        shutil.copyfile(paths[0], target / entity / paths[0].name)


@pytest.fixture(scope="session")
def determinism_landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = tmp_path_factory.mktemp("determinism") / "landing"
    done = support_kpi(
        "generate", "--landing", str(landing), "--days", "60", "--scale", "0.2",
        "--seed", str(SEED), "--end-date", "2026-03-15",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return landing


@pytest.fixture(scope="session")
def fresh_run(determinism_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    run = run_pipeline(determinism_landing, tmp_path_factory.mktemp("determinism-a") / "data")
    assert run.returncode == 0, run.output
    return run


@pytest.fixture(scope="session")
def transformed_landing(determinism_landing: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("determinism-t") / "landing"
    transform_landing(determinism_landing, target)
    return target


@pytest.fixture(scope="session")
def incremental_transformed_run(
    determinism_landing: Path, transformed_landing: Path, tmp_path_factory: pytest.TempPathFactory
) -> CliRun:
    root = tmp_path_factory.mktemp("determinism-b")
    part = root / "part-landing"
    _first_files_only(determinism_landing, part)
    data_dir = root / "data"
    first = run_pipeline(part, data_dir)
    assert first.returncode == 0, first.output
    # the first build's dbt log and progress, for test_a_new_data_dir_starts_from_the_cached_parse
    shutil.copyfile(data_dir / "logs" / "dbt-build.log", root / "first-dbt-build.log")
    (root / "first-output.txt").write_text(first.output)
    second = run_pipeline(transformed_landing, data_dir)
    assert second.returncode == 0, second.output
    return second


def test_the_transformations_keep_what_the_data_says(determinism_landing: Path, transformed_landing: Path) -> None:
    """The premise: same rows (as a multiset, per entity, up to the doubled files), more files, CSV."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    original, transformed = _entity_files(determinism_landing), _entity_files(transformed_landing)
    assert original.keys() == transformed.keys()
    for entity, paths in original.items():
        assert all(path.suffix == ".csv" for path in transformed[entity])
        assert len(transformed[entity]) > len(paths)  # (b) a different number of files
        total = sum(_rows(con, path) for path in paths)
        doubled = [path for path in transformed[entity] if "_redelivered" in path.name]
        assert len(doubled) == (1 if entity in DELIVERED_TWICE else 0)  # (e)
        rows = sum(_rows(con, path) for path in transformed[entity] if path not in doubled)
        assert rows == total, entity
    # Keys: one row per key except ticket versions, which differ in updated_at and sit in
    # different files, so neither shuffling nor splitting can reorder two versions of a ticket.
    keys = {
        "crm/orders": "order_id",
        "telephony/calls": "call_id",
        "helpdesk/ticket_events": "event_id",
        "survey/survey_responses": "response_id",
    }
    for entity, key in keys.items():
        files = [str(path) for path in original[entity]]
        count, distinct = con.execute(f"select count(*), count(distinct {key}) from read_parquet({files})").fetchone()
        assert count == distinct, entity
    files = [str(path) for path in original["helpdesk/tickets"]]
    same_file_versions, same_stamp = con.execute(
        "select count(*) filter (where files < n), count(*) filter (where stamps < n) from ("
        "select ticket_id, count(*) as n, count(distinct filename) as files, count(distinct updated_at) as stamps "
        f"from read_parquet({files}, filename = true) group by ticket_id)"
    ).fetchone()
    assert (same_file_versions, same_stamp) == (0, 0)
    # (c) the rows really are in another order: the first CSV part does not start with the file's first row
    first_original = con.execute(f"select ticket_id from read_parquet('{files[0]}') limit 1").fetchone()[0]
    first_part = sorted(transformed["helpdesk/tickets"])[0]
    assert con.execute(f"select ticket_id from read_csv('{first_part}') limit 1").fetchone()[0] != first_original


def _differences(a: MartChecksum, b: MartChecksum) -> list[str]:
    left = {t.name: (t.rows, t.digest) for t in a.tables}
    right = {t.name: (t.rows, t.digest) for t in b.tables}
    return sorted(name for name in left.keys() | right.keys() if left.get(name) != right.get(name))


def test_fresh_and_incremental_transformed_builds_give_the_same_mart(
    fresh_run: CliRun, incremental_transformed_run: CliRun
) -> None:
    """(a)-(e): run A (fresh, as generated) and run B (after a run on part of the files; split,
    shuffled, CSV, two files delivered twice) publish marts with the same checksum, bit for bit."""
    fresh = mart_checksum(fresh_run.mart_path)
    other = mart_checksum(incremental_transformed_run.mart_path)
    assert len(fresh.tables) > 20
    assert sum(t.rows for t in fresh.tables) > 10_000
    assert _differences(fresh, other) == []
    assert other.digest == fresh.digest


def test_the_checksum_cli_prints_the_same_digest_for_both_marts(
    fresh_run: CliRun, incremental_transformed_run: CliRun
) -> None:
    digests = []
    for run in (fresh_run, incremental_transformed_run):
        done = support_kpi("checksum", "--mart", str(run.mart_path))
        assert done.returncode == 0, done.stdout + done.stderr
        digests.append(mart_checksum(run.mart_path).digest)
        assert f"mart {digests[-1]}" in done.stdout
    assert digests[0] == digests[1]


def test_a_new_data_dir_starts_from_the_cached_parse(fresh_run: CliRun, incremental_transformed_run: CliRun) -> None:
    """The second new data dir of the session with the same settings (fresh_run's, or another
    test's run before it, saved the parse: dagster_project/dbt_parse_cache.py) starts from the
    cached parse, and dbt accepts it: no "Unable to do partial parsing" (a full parse) in its first
    build's log. The marts of the two are equal (the test above)."""
    root = incremental_transformed_run.data_dir.parent
    assert "starts from the parse cached for these settings" in (root / "first-output.txt").read_text()
    log = (root / "first-dbt-build.log").read_text()
    assert "Unable to do partial parsing" not in log
