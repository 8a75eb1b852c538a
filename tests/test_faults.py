"""Faults: SIGKILL at load / dbt / publish, two runs at once, mart checksums, a reader across a publish.

The integration part kills real `support-kpi run` subprocesses (the whole process group: dbt is a
child process) on the golden helpdesk landing, in one chained data folder so the runs are shared:

    reference   the full landing, uninterrupted, in its own data folder (with a second run
                started while it runs: refused)
    initial     the landing without three files: published mart C0
    load        + events_2026-01_athens.csv, killed inside that file's load transaction
    publish_tmp killed with the new mart in its temporary file, before os.replace
    dbt         + tickets_2026-01-31.csv and events_2026-01.csv, killed mid `dbt build`
    replaced    killed after os.replace, before published_state.json (a reader holds C0 open)
    random      killed at a random moment of a full run
    final       uninterrupted: must publish a mart identical to the reference, lose no row
    no-op       nothing left to do

After every kill the published mart must be exactly the one before (or, for the kills after
os.replace, the complete new one). The held-back files sort last in their folders, so batch
order per key is the same as in the reference run.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from dagster_project.checksum import catalog_checksum, mart_checksum
from dagster_project.contract import ENTITIES
from dagster_project.loading.schema import LEDGER_TABLE, QUARANTINE_TABLE
from dagster_project.publish import open_mart, stale_temp_files, write_atomic
from dagster_project.settings import MART_FILE_NAME, Settings
from dagster_project.state import Freshness, check_freshness
from dagster_project.testing.faults import FAULT_ENV, MARKER, check_requested, pause_point, requested
from dagster_project.warehouse import EXIT_RUN_IN_PROGRESS, RUN_LOCK_NAME, RunInProgressError, connect, run_lock
from tests.conftest import GOLDEN_LANDING, REPO

# ---------------------------------------------------------------------------------------------
# Unit level: run lock, checksum, fault hook, atomic writes (no pipeline)
# ---------------------------------------------------------------------------------------------


def test_run_lock_refuses_a_second_holder_and_names_the_first(tmp_path: Path) -> None:
    with run_lock(tmp_path):
        holder = json.loads((tmp_path / RUN_LOCK_NAME).read_text())
        assert holder["pid"] == os.getpid()
        # flock belongs to the open file: a second open, even in this process, is refused.
        with pytest.raises(RunInProgressError) as refused, run_lock(tmp_path):
            pass
        message = str(refused.value)
        assert message == (
            f"another run is in progress on {tmp_path} (pid {os.getpid()}, started {holder['started_at']}); "
            "nothing was changed"
        )
    with run_lock(tmp_path):  # released on exit
        pass
    assert (tmp_path / RUN_LOCK_NAME).read_text() == ""


def test_run_lock_is_released_when_its_holder_is_killed(tmp_path: Path) -> None:
    code = (
        "import sys, time; from pathlib import Path; from dagster_project.warehouse import run_lock\n"
        "with run_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(600)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(RunInProgressError, match=f"pid {holder.pid}, started"), run_lock(tmp_path):
            pass
    finally:
        holder.kill()
        holder.wait()
    with run_lock(tmp_path):  # the kernel dropped the dead process's lock; its pid is still in the file
        pass


def _mart_file(path: Path, rows: list[tuple], published_at: str = "2026-01-01 00:00:00") -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema mart")
    con.execute("create table mart.t (k varchar, v double, n integer)")
    con.executemany("insert into mart.t values (?, ?, ?)", rows)
    con.execute("create table mart.u as select 1 as x")
    con.execute(f"create table mart._publication as select 'run' as run_id, timestamp '{published_at}' as published_at")
    con.close()
    return path


def test_checksum_ignores_row_order_negative_zero_and_the_publication_stamp(tmp_path: Path) -> None:
    rows = [("a", 0.3, 1), ("b", None, None), ("c", -0.0, 3)]
    first = mart_checksum(_mart_file(tmp_path / "a.duckdb", rows))
    shuffled = [("c", 0.0, 3), ("b", None, None), ("a", 0.3, 1)]
    second = mart_checksum(_mart_file(tmp_path / "b.duckdb", shuffled, published_at="2027-05-05 10:00:00"))
    assert second.digest == first.digest
    assert [(t.name, t.rows) for t in first.tables] == [("mart.t", 3), ("mart.u", 1)]


@pytest.mark.parametrize(
    "rows",
    [
        [("a", 0.3, 1), ("b", None, None), ("c", 0.0, 4)],  # one value
        [("a", 0.3, 1), ("b", None, 0), ("c", 0.0, 3)],  # null -> 0
        [("a", 0.3, 1), ("b", None, None), ("c", 0.0, 3), ("c", 0.0, 3)],  # a duplicated row
        [("a", 0.3, 1), ("b", None, None)],  # a lost row
        [("a", 0.3001, 1), ("b", None, None), ("c", 0.0, 3)],  # another double
        [("a", 0.1 + 0.2, 1), ("b", None, None), ("c", 0.0, 3)],  # the last bit (float-sum noise, issue 12)
        [("a", 0.3, 1), ("null", None, None), ("c", 0.0, 3)],  # text that looks like null
    ],
)
def test_checksum_sees_any_content_change(tmp_path: Path, rows: list[tuple]) -> None:
    base = mart_checksum(_mart_file(tmp_path / "a.duckdb", [("a", 0.3, 1), ("b", None, None), ("c", 0.0, 3)]))
    changed = mart_checksum(_mart_file(tmp_path / "b.duckdb", rows))
    assert changed.digest != base.digest
    assert [t.digest for t in changed.tables][1] == [t.digest for t in base.tables][1]  # mart.u untouched


def test_checksum_sees_a_type_or_column_name_change(tmp_path: Path) -> None:
    digests = []
    for name, select in [("a", "1::integer as x"), ("b", "1::bigint as x"), ("c", "1::integer as y"), ("d", "1 as x")]:
        con = duckdb.connect(str(tmp_path / f"{name}.duckdb"))
        con.execute(f"create schema mart; create table mart.t as select {select}")
        con.close()
        digests.append(mart_checksum(tmp_path / f"{name}.duckdb").digest)
    assert len(set(digests[:3])) == 3
    assert digests[3] == digests[0]  # 1 is an integer literal: same schema, same row


def test_dbt_progress_counts_the_nodes_not_the_on_run_start_hook(tmp_path: Path) -> None:
    from dagster_project.dbt_results import DbtLogTee

    reported: list[str] = []
    lines = ["1 of 1 START hook: support_kpi.on-run-start.0", "1 of 1 OK hook: support_kpi.on-run-start.0 ... [OK]"]
    lines += [f"{n} of 20 OK created sql table model m{n}" for n in range(1, 21)]
    with DbtLogTee(tmp_path / "dbt.log", reported.append) as tee:
        tee.write("\n".join(lines) + "\n")
    assert reported == [f"dbt build: {n} of 20 nodes done" for n in range(2, 21, 2)]


def test_fault_hook_does_nothing_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(FAULT_ENV, raising=False)
    started = time.monotonic()
    pause_point("publish_tmp")
    check_requested()
    assert time.monotonic() - started < 0.5
    assert requested() == set()
    with pytest.raises(ValueError, match="unknown fault point"):
        pause_point("nowhere")
    monkeypatch.setenv(FAULT_ENV, "publish_tmp, lod")
    with pytest.raises(ValueError, match=r"unknown fault point.*lod"):
        check_requested()


def test_write_atomic_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "published_state.json"
    target.write_text('{"old": 1}')
    write_atomic(target, '{"new": 2}')
    assert json.loads(target.read_text()) == {"new": 2}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["published_state.json"]


# ---------------------------------------------------------------------------------------------
# Integration: real `support-kpi run` subprocesses killed with SIGKILL
# ---------------------------------------------------------------------------------------------

HELD_BACK_LOAD = ("helpdesk/ticket_events/events_2026-01_athens.csv",)
# One bad line in that file (both landings), so the row accounting covers a quarantined row too.
BAD_LINE = (HELD_BACK_LOAD[0], "E9999,T12,not a time,agent_reply,agent,A04,,,\n")
HELD_BACK_DBT = ("helpdesk/tickets/tickets_2026-01-31.csv", "helpdesk/ticket_events/events_2026-01.csv")
DBT_PROGRESS = re.compile(r"dbt build: \d+ of \d+ nodes done")
RUN_TIMEOUT = 600.0


@dataclass
class Run:
    name: str
    process: subprocess.Popen[bytes]
    log: Path
    started: float = field(default_factory=time.monotonic)

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, pattern: str | re.Pattern[str], timeout: float = RUN_TIMEOUT) -> None:
        """Until the output shows ``pattern``; fails if the run ends first."""
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        while time.monotonic() < deadline:
            if regex.search(self.output):
                return
            if self.process.poll() is not None:
                pytest.fail(
                    f"{self.name}: ended (exit {self.process.returncode}) before {regex.pattern!r}:\n{self.output}"
                )
            time.sleep(0.1)
        pytest.fail(f"{self.name}: no {regex.pattern!r} after {timeout:.0f} s:\n{self.output}")

    def finish(self, timeout: float = RUN_TIMEOUT) -> int:
        return self.process.wait(timeout=timeout)

    def kill_group(self) -> None:
        """SIGKILL the run and every process it started (dbt), then wait until all are gone."""
        pgid = self.process.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        self.process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while _group_alive(pgid):
            assert time.monotonic() < deadline, f"{self.name}: processes of group {pgid} survived SIGKILL"
            time.sleep(0.1)


def _group_alive(pgid: int) -> bool:
    """Any live (non-zombie) process in the process group?"""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text.rsplit(")", 1)[-1].split()
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def _start(name: str, landing: Path, data_dir: Path, logs: Path, pause: str | None = None) -> Run:
    env = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    env.pop(FAULT_ENV, None)
    if pause:
        env[FAULT_ENV] = pause
    log = logs / f"{name}.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dagster_project.cli",
                "run",
                "--landing",
                str(landing),
                "--data-dir",
                str(data_dir),
            ],
            cwd=REPO,
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group: dbt is killed with it
        )
    return Run(name, process, log)


def _complete(run: Run) -> Run:
    code = run.finish()
    assert code == 0, f"{run.name}: exit {code}\n{run.output}"
    return run


def _add_bad_line(landing: Path) -> None:
    relative, line = BAD_LINE
    with (landing / relative).open("a", encoding="utf-8") as handle:
        handle.write(line)


def _copy_landing(target: Path, leave_out: tuple[str, ...] = ()) -> Path:
    shutil.copytree(GOLDEN_LANDING, target)
    _add_bad_line(target)
    for relative in leave_out:
        (target / relative).unlink()
    return target


def _deliver(landing: Path, files: tuple[str, ...]) -> None:
    for relative in files:
        shutil.copy2(GOLDEN_LANDING / relative, landing / relative)
        if relative == BAD_LINE[0]:
            _add_bad_line(landing)


def _accounting(data_dir: Path) -> dict[str, list[tuple]]:
    """Per file: ledger figures, raw rows by source file, quarantine rows by rule (warehouse read-only)."""
    con = connect(data_dir / "warehouse.duckdb", read_only=True)
    try:
        raw: list[tuple] = []
        for entity in ENTITIES:
            raw += con.execute(
                f"select '{entity.source}/{entity.name}', _source_file, count(*) from {entity.raw_table} "
                "group by all order by all"
            ).fetchall()
        return {
            "ledger": con.execute(
                f"select source, entity, source_file, rows_read, rows_loaded, rows_quarantined from {LEDGER_TABLE} "
                "order by all"
            ).fetchall(),
            "raw": raw,
            "quarantine": con.execute(
                f"select source, entity, source_file, rule, count(*) from {QUARANTINE_TABLE} group by all order by all"
            ).fetchall(),
        }
    finally:
        con.close()


@dataclass
class FaultChain:
    reference_digest: str
    reference_accounting: dict[str, list[tuple]]
    refused: Run
    refused_seconds: float
    reference_pid: int
    initial_digest: str
    data_dir: Path
    digests: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    stale_after_publish_tmp: list[str] = field(default_factory=list)
    reader_digest_after_publish: str = ""
    reader_rows_after_publish: int = -1
    random_delay: float = 0.0
    random_finished_first: bool = False
    reference_reports: list[str] = field(default_factory=list)
    final_accounting: dict[str, list[tuple]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultChain]:
    root = tmp_path_factory.mktemp("faults")
    logs = root / "logs"
    logs.mkdir()

    # Reference: full landing, uninterrupted. A second run on its data folder is refused meanwhile.
    reference_dir = root / "reference"
    full = _copy_landing(root / "landing-full")
    reference = _start("reference", full, reference_dir, logs)
    lock = reference_dir / RUN_LOCK_NAME
    deadline = time.monotonic() + 120
    while not (lock.exists() and f'"pid": {reference.process.pid}' in lock.read_text()):
        assert reference.process.poll() is None and time.monotonic() < deadline, reference.output
        time.sleep(0.05)
    refused = _start("refused", full, reference_dir, logs)
    refused_code = refused.finish(timeout=120)
    refused_seconds = time.monotonic() - refused.started
    assert refused_code == EXIT_RUN_IN_PROGRESS, refused.output
    assert reference.process.poll() is None, "the reference run ended before the second one was refused"
    _complete(reference)
    reference_reports = [
        json.loads(path.read_text())["status"] for path in sorted((reference_dir / "reports").glob("run-*.json"))
    ]
    reference_digest = mart_checksum(reference_dir / MART_FILE_NAME).digest

    # The chained data folder: first publish without the held-back files.
    data_dir = root / "data"
    landing = _copy_landing(root / "landing", HELD_BACK_LOAD + HELD_BACK_DBT)
    mart = data_dir / MART_FILE_NAME
    initial_run = _complete(_start("initial", landing, data_dir, logs))
    full_run_seconds = time.monotonic() - initial_run.started
    initial = mart_checksum(mart).digest
    assert initial != reference_digest, "the held-back files must change the mart, or the test proves nothing"
    result = FaultChain(
        reference_digest=reference_digest,
        reference_accounting=_accounting(reference_dir),
        refused=refused,
        refused_seconds=refused_seconds,
        reference_pid=reference.process.pid,
        initial_digest=initial,
        data_dir=data_dir,
        reference_reports=reference_reports,
    )

    # load: killed inside the new file's transaction.
    _deliver(landing, HELD_BACK_LOAD)
    run = _start("load", landing, data_dir, logs, pause="load")
    run.wait_for(f"{MARKER} load")
    run.kill_group()
    result.digests["load"] = mart_checksum(mart).digest
    result.outputs["load"] = run.output

    # publish_tmp: the new mart is complete in its temporary file; os.replace not done.
    run = _start("publish_tmp", landing, data_dir, logs, pause="publish_tmp")
    run.wait_for(f"{MARKER} publish_tmp")
    run.kill_group()
    result.digests["publish_tmp"] = mart_checksum(mart).digest
    result.outputs["publish_tmp"] = run.output
    result.stale_after_publish_tmp = [p.name for p in stale_temp_files(mart)]

    # dbt: two more files delivered; killed once dbt reports its first tenth of the nodes.
    _deliver(landing, HELD_BACK_DBT)
    run = _start("dbt", landing, data_dir, logs)
    run.wait_for(DBT_PROGRESS)
    run.kill_group()
    result.digests["dbt"] = mart_checksum(mart).digest
    result.outputs["dbt"] = run.output

    # publish_replaced: a BI reader holds the old mart open while the run switches in the new one.
    reader = open_mart(mart)
    try:
        run = _start("publish_replaced", landing, data_dir, logs, pause="publish_replaced")
        run.wait_for(f"{MARKER} publish_replaced")
        # this run does what the random one below does (an incremental build from the initial
        # publish, nothing left to load): its time to the switch bounds the random kill
        publish_seconds = time.monotonic() - run.started
        run.kill_group()
        result.reader_digest_after_publish = catalog_checksum(reader, "published").digest
        (result.reader_rows_after_publish,) = reader.execute(
            "select count(*) from mart.kpi_scorecard_monthly"
        ).fetchone()
    finally:
        reader.close()
    result.digests["publish_replaced"] = mart_checksum(mart).digest
    result.outputs["publish_replaced"] = run.output

    # random: the state file is behind, so this run builds again; killed at an unhooked moment.
    seed = int(os.environ.get("SUPPORT_KPI_FAULT_SEED", str(time.time_ns())))
    # never later than half the time the same kind of run took to its publish (and half a full
    # run's): the kill lands before this run records its publish, even when it is faster than the
    # one measured (a loaded machine, or two test workers, make run times vary). Half a first run's
    # time alone was not enough once: in CI the random run had recorded its publish before the kill.
    result.random_delay = random.Random(seed).uniform(1.0, 0.5 * min(full_run_seconds, publish_seconds))
    state_before = (data_dir / "published_state.json").read_bytes()
    run = _start("random", landing, data_dir, logs)
    time.sleep(result.random_delay)
    exited = run.process.poll() is not None
    run.kill_group()
    # a run that had recorded its publish is as good as finished: the kill proved nothing
    result.random_finished_first = exited or (data_dir / "published_state.json").read_bytes() != state_before
    result.digests["random"] = mart_checksum(mart).digest
    result.outputs["random"] = f"seed {seed}, delay {result.random_delay:.1f} s\n" + run.output

    final = _complete(_start("final", landing, data_dir, logs))
    result.outputs["final"] = final.output
    result.digests["final"] = mart_checksum(mart).digest
    noop = _complete(_start("noop", landing, data_dir, logs))
    result.outputs["noop"] = noop.output
    result.final_accounting = _accounting(data_dir)
    yield result


@pytest.mark.slow
def test_second_run_refuses_at_once_and_the_first_finishes(chain: FaultChain) -> None:
    output = " ".join(chain.refused.output.split())
    assert "another run is in progress on" in output
    assert f"(pid {chain.reference_pid}, started " in output
    assert "nothing was changed" in output
    assert chain.refused_seconds < 30, f"refusal took {chain.refused_seconds:.1f} s"
    assert "Traceback" not in chain.refused.output
    # The job writes a report for every run (issue 13): the refused one too, before the reference's.
    assert chain.reference_reports == ["refused", "success"], chain.reference_reports


@pytest.mark.slow
def test_kill_while_loading_leaves_the_mart(chain: FaultChain) -> None:
    assert chain.digests["load"] == chain.initial_digest
    assert "run needed: new or changed files for helpdesk/ticket_events" in chain.outputs["load"]


@pytest.mark.slow
def test_kill_before_os_replace_leaves_the_mart(chain: FaultChain) -> None:
    assert chain.digests["publish_tmp"] == chain.initial_digest
    # the killed load transaction rolled back: the file is still pending
    assert "run needed: new or changed files for helpdesk/ticket_events" in chain.outputs["publish_tmp"]
    assert chain.stale_after_publish_tmp, "the kill should have left the temporary mart behind"


@pytest.mark.slow
def test_kill_during_dbt_build_leaves_the_mart(chain: FaultChain) -> None:
    assert chain.digests["dbt"] == chain.initial_digest
    # the run killed before os.replace had committed its load: the ledger moved, no no-op
    assert "run needed: raw data loaded since the last publish" in chain.outputs["dbt"]
    assert "Scorecard" not in chain.outputs["dbt"]


@pytest.mark.slow
def test_kill_after_os_replace_leaves_the_complete_new_mart(chain: FaultChain) -> None:
    # everything is delivered by now: the switched-in mart is already the reference content
    assert chain.digests["publish_replaced"] == chain.reference_digest


@pytest.mark.slow
def test_reader_keeps_reading_its_mart_across_a_publish(chain: FaultChain) -> None:
    assert chain.reader_digest_after_publish == chain.initial_digest
    assert chain.reader_rows_after_publish > 0


@pytest.mark.slow
def test_random_kill_leaves_a_complete_mart(chain: FaultChain) -> None:
    assert not chain.random_finished_first, chain.outputs["random"]
    assert chain.digests["random"] == chain.reference_digest, chain.outputs["random"]


@pytest.mark.slow
def test_resumed_runs_publish_the_reference_mart(chain: FaultChain) -> None:
    assert "run needed: raw data loaded since the last publish" in chain.outputs["final"], chain.outputs["final"]
    assert chain.digests["final"] == chain.reference_digest
    assert "nothing to do" in chain.outputs["noop"]
    assert stale_temp_files(chain.data_dir / MART_FILE_NAME) == []
    assert not (chain.data_dir / f"{MART_FILE_NAME}.wal").exists()
    state = json.loads((chain.data_dir / "published_state.json").read_text())
    assert set(state) >= {"project_fingerprint", "ledger_generation", "published_at"}


@pytest.mark.slow
def test_no_row_lost_or_doubled_after_the_kills(chain: FaultChain) -> None:
    assert chain.final_accounting == chain.reference_accounting
    ledger = chain.final_accounting["ledger"]
    assert len(ledger) == sum(1 for p in GOLDEN_LANDING.rglob("*") if p.is_file())
    for *_, source_file, rows_read, rows_loaded, rows_quarantined in ledger:
        assert rows_read == rows_loaded + rows_quarantined, source_file
    assert sum(row[5] for row in ledger) == 1  # the bad line
    [(source, entity, source_file, _, count)] = chain.final_accounting["quarantine"]
    assert (source, entity, source_file, count) == ("helpdesk", "ticket_events", BAD_LINE[0], 1)
    loaded = {(f"{s}/{e}", f): n for s, e, f, _, n, _ in ledger if n}
    assert {(name, f): n for name, f, n in chain.final_accounting["raw"]} == loaded


def test_unreadable_state_file_means_run_needed(tmp_path: Path) -> None:
    settings = Settings(landing_dir=tmp_path / "landing", data_dir=tmp_path)
    settings.mart_path.write_bytes(b"")
    settings.state_path.write_text('{"project_fingerprint": "ab')  # cut short by a kill (before write_atomic)
    freshness = check_freshness(settings)
    assert freshness == Freshness(False, "published_state.json is unreadable")
