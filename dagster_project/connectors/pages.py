"""Where a pull puts what it fetched: page files in the landing folder, then the stream's state.

Every response body is written unchanged to ``<landing>/helpdesk/<vendor>/<stream>-<seq:08d>.json``
(hidden temp file, fsync, rename, fsync of the folder) and only THEN the stream's state (cursor,
start time, watermark, next seq) is saved, atomically too, in ``<data-dir>/connectors/<vendor>.json``.
A crash between the two leaves the old state: the rerun sends the same request again and writes
the answer under the same name (same seq), so there is no gap and no duplicate file.
Pages without a record (the empty last page of an export) are not written; their state is saved.

Full lists (groups, agents) are fetched whole on every pull and written by page number instead
(``groups-00000001.json`` is always the list's first page): a page equal to the stored one is not
rewritten, so an unchanged list adds no file and a run with nothing new stays a no-op.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dagster_project.publish import write_atomic

STATE_VERSION = 1


def landing_folder(landing: Path, vendor: str) -> Path:
    return landing / "helpdesk" / vendor


def state_path(data_dir: Path, vendor: str) -> Path:
    return data_dir / "connectors" / f"{vendor}.json"


class PageStore:
    """Page files and cursor state of one vendor. Not thread-safe; one pull at a time per vendor
    (the pull holds ``<data-dir>/connectors/<vendor>.lock``)."""

    def __init__(self, landing: Path, data_dir: Path, vendor: str) -> None:
        self.vendor = vendor
        self.folder = landing_folder(landing, vendor)
        self.state_path = state_path(data_dir, vendor)
        self.state: dict[str, Any] = self._load()
        self.pages_written: dict[str, int] = {}
        self.rows_written: dict[str, int] = {}
        self.pages_unchanged: dict[str, int] = {}

    def _load(self) -> dict[str, Any]:
        if not self.state_path.exists():
            return {"vendor": self.vendor, "version": STATE_VERSION, "streams": {}}
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except ValueError as error:
            raise ValueError(f"{self.state_path} is not valid JSON ({error}); move it away to start over") from None
        if not isinstance(state, dict) or not isinstance(state.get("streams"), dict):
            raise ValueError(f"{self.state_path} is not a connector state file; move it away to start over")
        return state

    def stream(self, name: str) -> dict[str, Any]:
        """The saved state of a stream (a copy; change it through ``commit``)."""
        return dict(self.state["streams"].get(name) or {"next_seq": 1})

    def setting(self, key: str) -> Any:
        return self.state.get(key)

    def page_path(self, stream: str, seq: int) -> Path:
        return self.folder / f"{stream}-{seq:08d}.json"

    def commit(
        self,
        stream: str,
        body: bytes | None,
        updates: Mapping[str, Any],
        rows: int = 0,
        other_streams: Mapping[str, Mapping[str, Any]] | None = None,
        settings: Mapping[str, Any] | None = None,
        page_number: int | None = None,
    ) -> Path | None:
        """Write the page (when ``body`` is given), then save the stream's new state.

        The page is named by the stream's next seq, or by ``page_number`` for a full list (not
        rewritten when the stored page is the same). ``other_streams`` are updated in the same
        state write (e.g. the Freshdesk conversations queue grows with the tickets page naming them)."""
        current = self.stream(stream)
        seq = int(current.get("next_seq", 1))
        path = None
        if body is not None:
            path = self.page_path(stream, page_number or seq)
            if page_number is not None and path.exists() and path.read_bytes() == body:
                self.pages_unchanged[stream] = self.pages_unchanged.get(stream, 0) + 1
            else:
                write_atomic(path, body)
                self.pages_written[stream] = self.pages_written.get(stream, 0) + 1
                self.rows_written[stream] = self.rows_written.get(stream, 0) + rows
            if page_number is None:
                seq += 1
        new_state = json.loads(json.dumps(self.state))
        new_state["streams"][stream] = (
            {name: value for name, value in {**current, **updates}.items() if name != "next_seq"}
            if page_number
            else {**current, **updates, "next_seq": seq}
        )
        for name, changes in (other_streams or {}).items():
            new_state["streams"][name] = {**self.stream(name), **changes}
        new_state.update(settings or {})
        new_state["saved_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        self.save_state(new_state)
        self.state = new_state
        return path

    def save_state(self, state: Mapping[str, Any]) -> None:
        write_atomic(self.state_path, json.dumps(state, indent=2, sort_keys=True).encode("utf-8"))


def record_key(record: Any, stamp: Any) -> str:
    return f"{record.get('id') if isinstance(record, dict) else None}@{stamp}"


def boundary_keys(records: list[Any], stamp_of: Any, previous: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``{"stamp": s, "keys": [...]}``: the records at the page's latest time stamp, which the next
    request (start time / updated_since = that stamp) serves again; merged with ``previous`` when
    the stamp is the same."""
    stamped = [(stamp_of(record), record) for record in records if isinstance(record, dict)]
    stamped = [(stamp, record) for stamp, record in stamped if stamp is not None]
    if not stamped:
        return dict(previous) if previous else None
    latest = max(stamp for stamp, _ in stamped)
    keys = sorted({record_key(record, stamp) for stamp, record in stamped if stamp == latest})
    if previous and previous.get("stamp") == latest:
        keys = sorted(set(keys) | set(previous.get("keys") or []))
    elif previous and previous.get("stamp") is not None and previous["stamp"] > latest:
        return dict(previous)
    return {"stamp": latest, "keys": keys}


def only_seen(records: list[Any], stamp_of: Any, boundary: Mapping[str, Any] | None) -> bool:
    """True when every record of a non-empty page is one the previous pages already stored at
    their latest stamp (an incremental export re-serves them): the page adds nothing."""
    if not records or not boundary:
        return False
    seen = set(boundary.get("keys") or [])
    return all(isinstance(record, dict) and record_key(record, stamp_of(record)) in seen for record in records)
