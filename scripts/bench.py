"""Benchmark: generate demo data, time full `support-kpi run`s, write BENCHMARKS.md.

For each scale: generate a year of data once and hold its last day back (every row whose first
timestamp falls on END_DATE moves out of the month files into one `day-<date>.parquet` file per
entity, as a vendor's next daily drop). Then `--repeats` times: a first run on a fresh data dir
(timed, peak memory of the whole process tree sampled every 0.1 s, per-step times and gate seconds
from the run report), a second run with nothing new, and the one-more-day run after the held-back
day's files arrive (incremental: issue 14), with the warehouse and mart sizes after it. Medians are
reported because the machine is shared and noisy. `BENCH_SCALES="1 10 100" make bench` adds scale 100.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import psutil
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
from dashboard_timing import PAGES, dashboard_timing  # noqa: E402 (a script beside this one)

CLI = str(Path(sys.executable).with_name("support-kpi"))
END_DATE = "2026-10-31"
HELPDESK_MAX_SCALE = 10
TIMED_OUT = -999
# A Spark run that has not finished by then is stopped and reported as such (no further attempts).
SPARK_TIMEOUT_SECONDS = 900


def measured(command: list[str], timeout: float | None = None) -> tuple[float, int, int]:
    """Wall seconds, peak RSS (bytes) summed over the process tree, exit code (TIMED_OUT when
    `timeout` seconds passed: the process tree is killed)."""
    started = time.monotonic()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        if timeout is not None and time.monotonic() - started > timeout:
            for proc in [*process.children(recursive=True), process]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    proc.kill()
            process.wait()
            return time.monotonic() - started, peak, TIMED_OUT
        total = 0
        try:
            for proc in [process, *process.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    total += proc.memory_info().rss
        except psutil.NoSuchProcess:
            pass
        peak = max(peak, total)
        time.sleep(0.1)
    return time.monotonic() - started, peak, process.returncode


def hold_back_last_day(landing: Path, day: str, held: Path) -> int:
    """Move every row whose first timestamp column falls on ``day`` (UTC) out of the month files
    into ``held/<source>/<entity>/day-<day>.parquet``; returns the rows moved."""
    from dagster_project.contract import ENTITIES

    moved = 0
    shutil.rmtree(held, ignore_errors=True)
    for entity in ENTITIES:
        column = next((c.name for c in entity.columns if c.type in ("ts", "date")), None)
        month_file = landing / entity.source / entity.name / f"{day[:7]}.parquet"
        if column is None or not month_file.exists():
            continue
        table = pq.read_table(month_file)
        on_day = pc.equal(pc.strftime(table[column], format="%Y-%m-%d"), pa.scalar(day))
        on_day = pc.fill_null(on_day, False)
        if not pc.any(on_day).as_py():
            continue
        target = held / entity.source / entity.name / f"day-{day}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table.filter(on_day), target, compression="zstd")
        pq.write_table(table.filter(pc.invert(on_day)), month_file, compression="zstd")
        moved += int(pc.sum(pc.cast(on_day, pa.int64())).as_py() or 0)
    return moved


def deliver_held(held: Path, landing: Path) -> list[Path]:
    delivered = []
    for path in sorted(held.rglob("*.parquet")):
        target = landing / path.relative_to(held)
        shutil.copyfile(path, target)
        delivered.append(target)
    return delivered


def helpdesk_landing(landing: Path, target: Path) -> Path:
    """Copy only the helpdesk entities and crm customers of ``landing`` into ``target``."""
    shutil.rmtree(target, ignore_errors=True)
    folders = [p for p in sorted((landing / "helpdesk").iterdir()) if p.is_dir()]
    for folder in [*folders, landing / "crm" / "customers"]:
        if folder.is_dir():
            shutil.copytree(folder, target / folder.relative_to(landing))
    return target


def baseline_mismatches(rows: list[tuple], mart_path: Path) -> list[str]:
    """Baseline rows whose value differs from the mart's scorecard (relative 1e-9) or is missing."""
    import math

    import duckdb

    con = duckdb.connect(str(mart_path), read_only=True)
    try:
        mart = {
            (m, k): v
            for m, k, v in con.execute(
                "select cast(month as date), kpi_id, value from mart.kpi_scorecard_monthly"
            ).fetchall()
        }
    finally:
        con.close()
    return [
        f"{m} {k}: baseline {v}, mart {mart.get((m, k))}"
        for m, k, v in rows
        if mart.get((m, k)) is None or not math.isclose(v, mart[(m, k)], rel_tol=1e-9)
    ]


def run_one_more_day(run: list[str], held: Path, landing: Path, timeout: float | None = None) -> tuple[float, int, int]:
    """The held-back day delivered into `landing`, `run` again, the day's files removed after:
    wall seconds, peak RSS, exit code (as measured)."""
    delivered = deliver_held(held, landing)
    try:
        return measured(run, timeout=timeout)
    finally:
        for path in delivered:
            path.unlink()


def build_mode(report: dict) -> str:
    """The dbt build's mode (incremental, full refresh) in a run report."""
    return ((report.get("dbt") or {}).get("build") or {}).get("mode", "?")


def bench_helpdesk(landing: Path, repeats: int) -> dict:
    """Helpdesk only (issue 14): the pipeline's first run vs the single-script baseline, same files."""
    from baseline import run_baseline

    hd = helpdesk_landing(landing, landing.parent / "helpdesk-landing")
    pipeline, baseline, mismatches, kpis = [], [], [], 0
    for attempt in range(repeats):
        data_dir = landing.parent / f"helpdesk-data-{attempt}"
        shutil.rmtree(data_dir, ignore_errors=True)
        seconds, _, code = measured([CLI, "run", "--landing", str(hd), "--data-dir", str(data_dir)])
        if code != 0:
            raise SystemExit(f"helpdesk-only run failed: see {data_dir / 'reports'}")
        started = time.monotonic()
        rows = run_baseline(hd)
        baseline.append(time.monotonic() - started)
        pipeline.append(seconds)
        mismatches = baseline_mismatches(rows, data_dir / "support_kpi.duckdb")
        kpis = len({k for _, k, _ in rows})
        shutil.rmtree(data_dir, ignore_errors=True)
        print(f"helpdesk only run {attempt + 1}: pipeline {seconds:.1f} s, baseline {baseline[-1]:.2f} s", flush=True)
    if mismatches:
        print("baseline differs from the mart:\n" + "\n".join(mismatches[:20]), flush=True)
    return {"pipeline": pipeline, "baseline": baseline, "kpis": kpis, "mismatches": len(mismatches)}


def bench_engines(landing: Path, held: Path, repeats: int) -> dict:
    """Issue 17: the scale-1 first run with dbt on DuckDB and on Spark (local session), same files,
    then the held-back day (incremental on both engines). The Spark run's data folder keeps its own
    warehouse; both publish the same scorecard."""
    seconds: dict[str, list[float]] = {"duckdb": [], "spark": []}
    dbt_seconds: dict[str, list[float]] = {"duckdb": [], "spark": []}
    day_seconds: dict[str, list[float]] = {"duckdb": [], "spark": []}
    day_modes: dict[str, list[str]] = {"duckdb": [], "spark": []}
    spark_failure = ""
    for attempt in range(repeats):
        for engine in ("duckdb", "spark"):
            if engine == "spark" and spark_failure:
                continue
            data_dir = landing.parent / f"engine-{engine}-{attempt}"
            shutil.rmtree(data_dir, ignore_errors=True)
            run = [CLI, "run", "--engine", engine, "--landing", str(landing), "--data-dir", str(data_dir)]
            timeout = SPARK_TIMEOUT_SECONDS if engine == "spark" else None
            wall, _, code = measured(run, timeout=timeout)
            if engine == "spark" and code != 0:
                spark_failure = (
                    f"stopped after {SPARK_TIMEOUT_SECONDS} s" if code == TIMED_OUT else f"failed (exit {code})"
                )
                print(f"engine spark run {attempt + 1}: {spark_failure}", flush=True)
                continue
            if code != 0:
                raise SystemExit(f"{engine} run failed: see {data_dir / 'reports'}")
            report = latest_report(data_dir)
            dbt_step = [x.get("seconds", 0.0) for x in report.get("steps", []) if x["step"] == "support_kpi_dbt"]
            seconds[engine].append(wall)
            dbt_seconds[engine].append(float(dbt_step[0]) if dbt_step else 0.0)
            day, _, code = run_one_more_day(run, held, landing, timeout)
            if code != 0:
                raise SystemExit(f"{engine} one-more-day run failed (exit {code}): see {data_dir / 'reports'}")
            day_seconds[engine].append(day)
            day_modes[engine].append(build_mode(latest_report(data_dir)))
            shutil.rmtree(data_dir, ignore_errors=True)
            print(
                f"engine {engine} run {attempt + 1}: {wall:.1f} s (dbt {dbt_seconds[engine][-1]:.1f} s), "
                f"one more day {day:.1f} s ({day_modes[engine][-1]})",
                flush=True,
            )
    return {
        "seconds": seconds,
        "dbt_seconds": dbt_seconds,
        "day_seconds": day_seconds,
        "day_modes": day_modes,
        "spark_failure": spark_failure,
    }


def gate_seconds(report: dict) -> float:
    """Quality gates: each check's own validation time (README "Quality gates")."""
    return sum(float(g.get("seconds", 0.0) or 0.0) for g in report.get("gates", {}).values())


def latest_report(data_dir: Path) -> dict:
    reports = sorted((data_dir / "reports").glob("run-*.json"))
    return json.loads(reports[-1].read_text()) if reports else {}


def bench_scale(scale: float, repeats: int, root: Path) -> dict:
    landing = root / f"scale-{scale:g}" / "landing"
    shutil.rmtree(landing.parent, ignore_errors=True)
    gen_seconds, gen_peak, code = measured(
        [
            CLI,
            "generate",
            "--landing",
            str(landing),
            "--days",
            "365",
            "--scale",
            str(scale),
            "--seed",
            "42",
            "--end-date",
            END_DATE,
        ]
    )
    if code != 0:
        raise SystemExit(f"generate failed at scale {scale}")
    held = landing.parent / "next-day"
    day_rows = hold_back_last_day(landing, END_DATE, held)
    # The helpdesk-only comparison is asked at scale 1 (dbt_zendesk) and 10 (the baseline), not 100.
    helpdesk = bench_helpdesk(landing, repeats) if scale <= HELPDESK_MAX_SCALE else None
    engines = bench_engines(landing, held, repeats) if scale == 1 else None
    first, second, peaks, steps, gates = [], [], [], {}, []
    more, more_gates, more_peaks, more_dbt, sizes, modes = [], [], [], [], [], []
    rows: dict = {}
    dashboard: dict = {}
    for attempt in range(repeats):
        data_dir = landing.parent / f"data-{attempt}"
        shutil.rmtree(data_dir, ignore_errors=True)
        run = [CLI, "run", "--landing", str(landing), "--data-dir", str(data_dir)]
        seconds, peak, code = measured(run)
        if code != 0:
            raise SystemExit(f"run failed at scale {scale}: see {data_dir / 'reports'}")
        report = latest_report(data_dir)
        rows = report.get("totals", {})
        for step in report.get("steps", []):
            steps.setdefault(step["step"], []).append(step.get("seconds", 0.0))
        gates.append(gate_seconds(report))
        if attempt == 0:
            # The dashboard of the first run's mart (issue 16: each page under 2 s, under 20 MB).
            dashboard = dashboard_timing(data_dir / "dashboard", repeats)
        again, _, code = measured(run)
        if code != 0:
            raise SystemExit(f"second run failed at scale {scale}")
        day_seconds, day_peak, code = run_one_more_day(run, held, landing)
        if code != 0:
            raise SystemExit(f"one-more-day run failed at scale {scale}: see {data_dir / 'reports'}")
        day_report = latest_report(data_dir)
        more.append(day_seconds)
        more_peaks.append(day_peak)
        more_gates.append(gate_seconds(day_report))
        dbt_step = [s.get("seconds", 0.0) for s in day_report.get("steps", []) if s["step"] == "support_kpi_dbt"]
        more_dbt.append(float(dbt_step[0]) if dbt_step else 0.0)
        modes.append(build_mode(day_report))
        sizes.append(sum(p.stat().st_size for p in (data_dir / "warehouse.duckdb", data_dir / "support_kpi.duckdb")))
        first.append(seconds)
        second.append(again)
        peaks.append(peak)
        shutil.rmtree(data_dir, ignore_errors=True)
        print(
            f"scale {scale:g} run {attempt + 1}: {seconds:.1f} s, peak {peak / 2**30:.2f} GiB, "
            f"gates {gates[-1]:.1f} s, second run {again:.1f} s, one more day {day_seconds:.1f} s "
            f"({modes[-1]}, dbt {more_dbt[-1]:.1f} s, gates {more_gates[-1]:.1f} s), "
            f"warehouse + mart {sizes[-1] / 2**30:.2f} GiB",
            flush=True,
        )
    return {
        "scale": scale,
        "generate_seconds": gen_seconds,
        "generate_peak": gen_peak,
        "first": first,
        "second": second,
        "peaks": peaks,
        "steps": steps,
        "gates": gates,
        "rows": rows,
        "day_rows": day_rows,
        "helpdesk": helpdesk,
        "engines": engines,
        "more": more,
        "more_gates": more_gates,
        "more_peaks": more_peaks,
        "more_dbt": more_dbt,
        "modes": modes,
        "sizes": sizes,
        "dashboard": dashboard,
    }


def render(results: list[dict], repeats: int) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` (`scripts/bench.py`) on this "
        f"{psutil.cpu_count()}-core, {psutil.virtual_memory().total / 2**30:.0f} GiB machine (shared, noisy). "
        f"365 days of demo data ending {END_DATE}, seed 42. Each figure is the median of {repeats} runs; "
        "a first run starts from an empty data dir; the second run follows it with nothing new. "
        "Peak memory is the summed RSS of `support-kpi` and its children (dbt), sampled every 0.1 s.",
        "",
        "Targets (issue 2): scale 10 under 5 minutes and under 4 GiB; second run under a tenth of the first. "
        "Issue 6: the quality gates (sum of the gate checks' own seconds, SQL or Great Expectations, from the run "
        "report's `gates` section) under a quarter of a first run. Issue 14: at scale 100 a first run under "
        "15 minutes with a peak under 16 GiB; gates under 10 % of a run at every scale.",
        "",
        "| scale | rows read | generate s | first run s (median) | peak GiB (median) "
        "| second run s (median) | second / first | gates s (median) | gates / first |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        first, second = statistics.median(r["first"]), statistics.median(r["second"])
        gate = statistics.median(r["gates"]) if r["gates"] else 0.0
        lines.append(
            f"| {r['scale']:g} | {r['rows'].get('rows_read', 0):,} | {r['generate_seconds']:.1f} | "
            f"{first:.1f} | {statistics.median(r['peaks']) / 2**30:.2f} | {second:.1f} | {second / first:.3f} | "
            f"{gate:.1f} | {gate / first:.3f} |"
        )
    lines += [
        "",
        "## One more day (issue 14)",
        "",
        f"The last day ({END_DATE}) is held back from the first run and delivered after it as one "
        "`day-<date>.parquet` file per entity; the run that loads it builds incrementally. Targets: "
        "under 15 s at scale 10, under 60 s at scale 100; gates under 10 % of a run.",
        "",
        "| scale | day's rows | one more day s (median) | of which dbt s | gates s | gates / run "
        "| gates / first run | peak GiB | dbt build | warehouse + mart GiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for r in results:
        day = statistics.median(r["more"])
        day_gates = statistics.median(r["more_gates"])
        first_gates = statistics.median(r["gates"]) / statistics.median(r["first"])
        lines.append(
            f"| {r['scale']:g} | {r['day_rows']:,} | {day:.1f} | {statistics.median(r['more_dbt']):.1f} | "
            f"{day_gates:.2f} | {day_gates / day:.3f} | {first_gates:.3f} | "
            f"{statistics.median(r['more_peaks']) / 2**30:.2f} | {', '.join(sorted(set(r['modes'])))} | "
            f"{statistics.median(r['sizes']) / 2**30:.2f} |"
        )
    lines += [
        "",
        "## Helpdesk only (issue 14)",
        "",
        "Only the helpdesk entities and crm customers of the same landing dir (last day held back), "
        "copied to `scale-N/helpdesk-landing`: the pipeline's first run (empty data dir) against the "
        "single-script baseline `scripts/baseline_helpdesk.sql` (run by `scripts/baseline.py`, "
        "in-memory DuckDB) on the same files. The baseline's values are checked against the "
        "pipeline's mart; mismatches are counted. Target: within 2x of the baseline at scale 10.",
        "",
        "| scale | pipeline first run s (median) | baseline s (median) | pipeline / baseline "
        "| baseline KPIs | mismatches |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        h = r["helpdesk"]
        if h is None:
            continue
        pipe, base = statistics.median(h["pipeline"]), statistics.median(h["baseline"])
        lines.append(
            f"| {r['scale']:g} | {pipe:.1f} | {base:.2f} | {pipe / base:.1f} | {h['kpis']} | {h['mismatches']} |"
        )
    lines += [
        "",
        "## Engines (issue 17)",
        "",
        "The first run (empty data dir, last day held back) with dbt on DuckDB and with `--engine spark` "
        "(Spark 4.3 local mode, `method: session`) on the same scale-1 files, then the held-back day "
        "(an incremental build on both engines): whole runs and the first run's dbt step, medians. A Spark run "
        f"still going after {SPARK_TIMEOUT_SECONDS} s is stopped and reported so, without further Spark attempts.",
        "",
        "| scale | duckdb run s | duckdb dbt s | spark run s | spark dbt s | spark / duckdb (run) "
        "| duckdb one more day s | spark one more day s | spark / duckdb (day) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        e = r.get("engines")
        if e is None:
            continue
        duck = statistics.median(e["seconds"]["duckdb"])
        duck_dbt = statistics.median(e["dbt_seconds"]["duckdb"])
        duck_day = statistics.median(e["day_seconds"]["duckdb"])
        if e.get("spark_failure"):
            spark_run = spark_dbt = ratio = spark_day = day_ratio = e["spark_failure"]
        else:
            spark = statistics.median(e["seconds"]["spark"])
            spark_run, spark_dbt = f"{spark:.1f}", f"{statistics.median(e['dbt_seconds']['spark']):.1f}"
            ratio = f"{spark / duck:.1f}"
            day = statistics.median(e["day_seconds"]["spark"])
            spark_day, day_ratio = f"{day:.1f}", f"{day / duck_day:.1f}"
        lines.append(
            f"| {r['scale']:g} | {duck:.1f} | {duck_dbt:.1f} | {spark_run} | {spark_dbt} | {ratio} "
            f"| {duck_day:.1f} | {spark_day} | {day_ratio} |"
        )
    lines += [
        "",
        "## Dashboard (issue 16)",
        "",
        "The dashboard the first run built, opened from the file system in Debian's Chromium: median of "
        f"{repeats} cold loads per page (a new browser context each) until every chart is drawn. "
        "Targets: each page under 2 s at scale 10, the whole dashboard under 20 MB.",
        "",
        "| scale | dashboard MB | " + " | ".join(file for _, file, _ in PAGES) + " |",
        "| --- | ---: | " + " | ".join("---:" for _ in PAGES) + " |",
    ]
    for r in results:
        d = r.get("dashboard") or {}
        if not d:
            continue
        lines.append(
            f"| {r['scale']:g} | {d['size_bytes'] / 1e6:.1f} | "
            + " | ".join(f"{d['pages'][file]:.2f} s" for _, file, _ in PAGES)
            + " |"
        )
    for r in results:
        lines += [
            "",
            f"## Steps at scale {r['scale']:g} (median seconds of the first runs)",
            "",
            "| step | seconds |",
            "| --- | ---: |",
        ]
        for step, values in sorted(r["steps"].items(), key=lambda kv: -statistics.median(kv[1])):
            lines.append(f"| {step} | {statistics.median(values):.1f} |")
        lines += [
            "",
            "All runs (s): first "
            + ", ".join(f"{s:.1f}" for s in r["first"])
            + "; second "
            + ", ".join(f"{s:.1f}" for s in r["second"])
            + "; gates "
            + ", ".join(f"{s:.1f}" for s in r["gates"])
            + "; one more day "
            + ", ".join(f"{s:.1f}" for s in r["more"]),
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", nargs="+", type=float, default=[1.0, 10.0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--root", type=Path, default=REPO / "data" / "bench")
    parser.add_argument("--output", type=Path, default=REPO / "BENCHMARKS.md")
    args = parser.parse_args()
    date.fromisoformat(END_DATE)
    results = [bench_scale(scale, args.repeats, args.root) for scale in args.scales]
    # the raw figures first: a table that fails to render does not cost the measurements
    raw = args.root / "results.json"
    raw.write_text(json.dumps(results, indent=1, default=str))
    print(f"wrote {raw}")
    args.output.write_text(render(results, args.repeats))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
