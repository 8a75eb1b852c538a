"""Adapter.context: files whose reading depends on folder-wide facts are loaded again when those
facts change (e.g. Zendesk: a users file arriving later shows that a comment's author was an agent).

A small adapter defined here reads `helpdesk/fake_ctx/` files of `id;name` lines into groups and
appends the folder's current suffix (a hidden `.suffix` file the loader itself never loads) to the
name, so what a loaded row says depends on something outside its own file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from dagster_project.adapters import registry
from dagster_project.adapters.base import Adapter, AdapterOutput, open_text
from dagster_project.contract import get_entity
from dagster_project.loading import load_entity, pending_files
from dagster_project.loading.schema import LEDGER_TABLE

GROUPS = get_entity("helpdesk", "groups")
FOLDER = "fake_ctx"


def _suffix(folder: Path) -> str:
    marker = folder / ".suffix"
    return marker.read_text().rstrip("\n") if marker.exists() else ""


def _read(path: Path, entity: str) -> AdapterOutput:
    output = AdapterOutput()
    suffix = _suffix(path.parent)
    for number, line in enumerate(open_text(path), start=1):
        group_id, name = line.split(";")
        output.rows.append((number, {"group_id": group_id, "group_name": name + suffix}))
        output.lines_read += 1
    return output


def _context(folder: Path, entity: str) -> str:
    suffix = _suffix(folder)
    return f"suffix={suffix}" if entity == "groups" and suffix else ""


FAKE = Adapter(name=FOLDER, source="helpdesk", entities=("groups",), read=_read, context=_context)


@pytest.fixture(autouse=True)
def fake_adapter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "ADAPTERS", (*registry.ADAPTERS, FAKE))
    monkeypatch.setattr(registry, "_BY_NAME", {**registry._BY_NAME, FOLDER: FAKE})


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(":memory:")
    yield connection
    connection.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "helpdesk" / FOLDER
    path.mkdir(parents=True)
    (path / "a.txt").write_text("g1;Billing\ng2;Tech\n")
    (path / "b.txt").write_text("g3;Sales\n")
    (path / ".suffix").write_text(" (EU)")
    return path


def _names(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute(f"select group_id, group_name from {GROUPS.raw_table} order by group_id").fetchall()


def _ledger(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None]]:
    return con.execute(
        f"select source_file, adapter_context from {LEDGER_TABLE} where entity = 'groups' order by source_file"
    ).fetchall()


def test_a_changed_context_reloads_every_file_of_the_folder(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    landing = folder.parent.parent
    first = load_entity(con, landing, GROUPS)
    assert first.files_loaded == 2
    assert _names(con) == [("g1", "Billing (EU)"), ("g2", "Tech (EU)"), ("g3", "Sales (EU)")]
    assert _ledger(con) == [
        (f"helpdesk/{FOLDER}/a.txt", "suffix= (EU)"),
        (f"helpdesk/{FOLDER}/b.txt", "suffix= (EU)"),
    ]

    # Nothing changed: nothing to load.
    assert pending_files(con, landing, GROUPS) == []
    assert load_entity(con, landing, GROUPS).files_loaded == 0

    # The folder-wide fact changes; the files themselves do not (same size and mtime).
    stats = {path.name: path.stat().st_mtime_ns for path in folder.glob("*.txt")}
    (folder / ".suffix").write_text(" (US)")
    assert {path.name: path.stat().st_mtime_ns for path in folder.glob("*.txt")} == stats
    pending = pending_files(con, landing, GROUPS)
    assert [(file.relative_path, file.previously_loaded) for file in pending] == [
        (f"helpdesk/{FOLDER}/a.txt", True),
        (f"helpdesk/{FOLDER}/b.txt", True),
    ]
    second = load_entity(con, landing, GROUPS)
    assert (second.files_loaded, second.rows_loaded) == (2, 3)
    # Reloaded in place: the old rows are replaced, not doubled.
    assert _names(con) == [("g1", "Billing (US)"), ("g2", "Tech (US)"), ("g3", "Sales (US)")]
    assert _ledger(con) == [
        (f"helpdesk/{FOLDER}/a.txt", "suffix= (US)"),
        (f"helpdesk/{FOLDER}/b.txt", "suffix= (US)"),
    ]
    assert load_entity(con, landing, GROUPS).files_loaded == 0


def test_an_empty_fingerprint_never_forces_a_reload(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    landing = folder.parent.parent
    (folder / ".suffix").unlink()  # context '' = the entity depends on nothing folder-wide
    load_entity(con, landing, GROUPS)
    assert _ledger(con) == [(f"helpdesk/{FOLDER}/a.txt", None), (f"helpdesk/{FOLDER}/b.txt", None)]
    os.utime(folder / "a.txt", ns=(1, 1))  # new mtime, same content: touched, not reloaded
    assert load_entity(con, landing, GROUPS).files_loaded == 0


def test_a_ledger_from_before_the_column_gets_it(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    landing = folder.parent.parent
    load_entity(con, landing, GROUPS)
    con.execute(f"alter table {LEDGER_TABLE} drop column adapter_context")
    # Read-only scans of an old warehouse work (context unknown -> the files are loaded again) ...
    assert len(pending_files(con, landing, GROUPS)) == 2
    # ... and the next load adds the column.
    assert load_entity(con, landing, GROUPS).files_loaded == 2
    assert _ledger(con)[0][1] == "suffix= (EU)"
