"""Exact by construction (issue 14): after any sequence of incremental runs the published mart is
identical (`support-kpi checksum`) to a full refresh over the same landing files.

20 randomized arrival sequences (tests/arrivals.py) of one generated landing that spans two month
boundaries and a DST change: weeks of files in random steps and partly out of order, events of old
tickets arriving weeks later, a file delivered wrong and again right, a quarantined event fixed by a
later file, steps with no files, in UTC, Europe/Helsinki and Asia/Kolkata (+05:30).
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest

from dagster_project.checksum import MartChecksum, mart_checksum
from tests.arrivals import arrival_sequence, deliver, final_files, settings_for, step, write_landing
from tests.conftest import support_kpi

SEQUENCES = 20
TIME_ZONES = ("UTC", "Europe/Helsinki", "Asia/Kolkata")
# 60 days ending 2026-04-10: month boundaries on 1 March and 1 April, Helsinki's DST change on 29 March.
END = date(2026, 4, 10)


@pytest.fixture(scope="session")
def arrival_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    landing = tmp_path_factory.mktemp("arrivals-generated") / "landing"
    done = support_kpi(
        "generate", "--landing", str(landing), "--days", "60", "--scale", "0.02", "--seed", "5",
        "--end-date", END.isoformat(),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return final_files(landing)


def full_refresh_checksum(
    arrival_files: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory, time_zone: str
) -> MartChecksum:
    """The checksum of a full refresh over the final files in ``time_zone``."""
    root = tmp_path_factory.mktemp("arrivals-reference")
    settings = settings_for(root, time_zone)
    write_landing(settings.landing_dir, arrival_files)
    assert step(settings, root, full_refresh=True) == "full refresh"
    return mart_checksum(settings.mart_path)


# One reference build per time zone, each its own fixture: the sequences of one time zone share it
# (one xdist group each), so `make test`'s two workers run the three groups side by side.
@pytest.fixture(scope="session")
def reference_utc(arrival_files: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> MartChecksum:
    return full_refresh_checksum(arrival_files, tmp_path_factory, "UTC")


@pytest.fixture(scope="session")
def reference_helsinki(arrival_files: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> MartChecksum:
    return full_refresh_checksum(arrival_files, tmp_path_factory, "Europe/Helsinki")


@pytest.fixture(scope="session")
def reference_kolkata(arrival_files: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> MartChecksum:
    return full_refresh_checksum(arrival_files, tmp_path_factory, "Asia/Kolkata")


def differing_tables(left: MartChecksum, right: MartChecksum) -> list[str]:
    theirs = {t.name: (t.rows, t.digest) for t in right.tables}
    ours = {t.name: (t.rows, t.digest) for t in left.tables}
    return sorted(
        f"{name}: {ours.get(name, ('missing',))[0]} rows vs {theirs.get(name, ('missing',))[0]}"
        for name in ours.keys() | theirs.keys()
        if ours.get(name) != theirs.get(name)
    )


def seeds_in(time_zone: str) -> list[int]:
    """Sequence ``seed`` runs in TIME_ZONES[seed % 3]: 7 in UTC, 7 in Helsinki, 6 in Kolkata."""
    return [seed for seed in range(SEQUENCES) if TIME_ZONES[seed % len(TIME_ZONES)] == time_zone]


def check_sequence(seed: int, arrival_files: dict[str, bytes], reference: MartChecksum, tmp_path: Path) -> None:
    """Deliver sequence ``seed``'s steps one run at a time; the final mart equals the full refresh."""
    time_zone = TIME_ZONES[seed % len(TIME_ZONES)]
    settings = settings_for(tmp_path, time_zone)
    steps = arrival_sequence(arrival_files, seed)
    modes = []
    for deliveries in steps:
        deliver(settings.landing_dir, deliveries)
        modes.append(step(settings, tmp_path))
    # The sequence ends with exactly the reference's files.
    landed = {
        str(p.relative_to(settings.landing_dir)): p.read_bytes()
        for p in settings.landing_dir.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    assert landed == arrival_files
    assert modes[0] == "full refresh"
    assert modes.count("incremental") >= 1, modes
    assert modes.count("skipped") == sum(1 for deliveries in steps if not deliveries), modes
    result = mart_checksum(settings.mart_path)
    assert result.digest == reference.digest, (
        f"sequence {seed} ({time_zone}, steps {[len(s) for s in steps]}, modes {modes}) differs from a full "
        f"refresh in: {differing_tables(result, reference)}"
    )


@pytest.mark.parametrize("seed", seeds_in("UTC"))
def test_incremental_runs_equal_a_full_refresh_utc(
    seed: int, arrival_files: dict[str, bytes], reference_utc: MartChecksum, tmp_path: Path
) -> None:
    check_sequence(seed, arrival_files, reference_utc, tmp_path)


@pytest.mark.parametrize("seed", seeds_in("Europe/Helsinki"))
def test_incremental_runs_equal_a_full_refresh_helsinki(
    seed: int, arrival_files: dict[str, bytes], reference_helsinki: MartChecksum, tmp_path: Path
) -> None:
    check_sequence(seed, arrival_files, reference_helsinki, tmp_path)


@pytest.mark.parametrize("seed", seeds_in("Asia/Kolkata"))
def test_incremental_runs_equal_a_full_refresh_kolkata(
    seed: int, arrival_files: dict[str, bytes], reference_kolkata: MartChecksum, tmp_path: Path
) -> None:
    check_sequence(seed, arrival_files, reference_kolkata, tmp_path)


def test_sequences_cover_what_the_issue_lists(arrival_files: dict[str, bytes]) -> None:
    """Across the 20 sequences: out-of-order weeks, a wrong file delivered again, the fix after the
    bad file, empty steps, several step counts."""
    overtaken = redelivered = empty = 0
    step_counts = set()
    for seed in range(SEQUENCES):
        steps = arrival_sequence(arrival_files, seed)
        step_counts.add(sum(1 for s in steps if s))
        empty += sum(1 for s in steps if not s)
        seen: list[str] = [d.path for s in steps for d in s]
        weeks = [int(Path(p).stem[1:]) for p in seen if Path(p).name.startswith("w") and "ticket_events" in p]
        overtaken += any(later < earlier for earlier, later in itertools.pairwise(weeks))
        redelivered += len(seen) != len(set(seen))
        fix = seen.index("helpdesk/ticket_events/fix.parquet")
        assert seen.index("helpdesk/ticket_events/w03.parquet") < fix
    assert redelivered == SEQUENCES
    assert overtaken >= SEQUENCES // 2
    assert empty >= 5
    assert len(step_counts) >= 3
