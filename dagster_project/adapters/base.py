"""What an adapter hands to the loader: contract rows as text, plus the lines it could not use.

An adapter reads one vendor file (any name, optionally gzip-compressed) and returns, for one
contract entity, rows of that entity's columns as text (timestamps as ISO 8601 with `Z`) with
the file line each row comes from. The loader then runs its normal validation on those rows.
"""

from __future__ import annotations

import gzip
import io
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from dagster_project.contract import Entity

LINE_COLUMN = "_line"

Row = dict[str, str | None]


class UnreadableFile(Exception):
    """The whole file cannot be turned into rows (e.g. a required export column is missing);
    the loader reports it as a ContractError and loads nothing of the file."""


@dataclass(frozen=True)
class RejectedLine:
    """A file line the adapter cannot parse; it goes to raw_meta.raw_quarantine as is."""

    line: int
    rule: str  # e.g. malformed_line
    reason: str
    text: str


@dataclass
class AdapterOutput:
    """Rows of one entity read from one file.

    rows_read (what the loader balances) = len(rows) + len(rejected). `lines_read` counts the
    file's non-blank lines, which differs: one call is built from several queue_log lines, and
    lines about another entity produce no row here.
    """

    rows: list[tuple[int, Row]] = field(default_factory=list)  # (line, contract column -> text)
    rejected: list[RejectedLine] = field(default_factory=list)
    unknown_events: Counter[str] = field(default_factory=Counter)
    stats: Counter[str] = field(default_factory=Counter)
    lines_read: int = 0

    def to_arrow(self, entity: Entity) -> pa.Table:
        """`_line` (int64) and every contract column as a string, in contract order."""
        data: dict[str, list[object]] = {LINE_COLUMN: [line for line, _ in self.rows]}
        for column in entity.columns:
            data[column.name] = [row.get(column.name) for _, row in self.rows]
        schema = pa.schema([(LINE_COLUMN, pa.int64())] + [(c.name, pa.string()) for c in entity.columns])
        return pa.Table.from_pydict(data, schema=schema)


# (file path, entity name[, settings]) -> rows of that entity; the settings (dagster_project.settings.
# Settings) default to config.current().
Reader = Callable[..., AdapterOutput]
ContextFingerprint = Callable[[Path, str], str]  # (adapter folder, entity name) -> fingerprint


@dataclass(frozen=True)
class Adapter:
    """A reader for an extra landing folder `<landing>/<source>/<name>/` feeding some entities."""

    name: str  # also the folder name, e.g. asterisk_queue_log
    source: str
    entities: tuple[str, ...]
    read: Reader
    # Folders of the same source whose rows win over this adapter's: a row whose primary key is
    # already in the raw table from one of them is not loaded again (it is counted instead).
    yields_to: tuple[str, ...] = ()
    # Folder-wide facts that reading one file of an entity depends on (e.g. Zendesk: which users
    # were ever agents, so a comment is an agent's reply even if its author was downgraded later):
    # (folder, entity name) -> fingerprint, '' when the entity depends on nothing. The fingerprint
    # is stored with each loaded file; when it changes, the folder's files are loaded again for
    # that entity, so evidence arriving in a later file corrects what earlier files loaded.
    context: ContextFingerprint | None = None
    # `read` takes the loaded settings as a third argument (the registry's readers do).
    takes_settings: bool = False


def open_text(path: Path) -> Iterator[str]:
    """The file's lines (without line ends); `.gz` is decompressed. UTF-8, bad bytes replaced."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as raw, io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="") as text:
        for line in text:
            yield line.rstrip("\r\n")


def iso_utc(moment: datetime | float) -> str:
    """ISO 8601 in UTC with a Z; an epoch (seconds) or an aware datetime."""
    value = datetime.fromtimestamp(moment, UTC) if isinstance(moment, int | float) else moment.astimezone(UTC)
    spec = "seconds" if value.microsecond == 0 else "milliseconds"
    return value.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def seconds_text(value: float | None) -> str | None:
    """A duration as text: whole seconds without a decimal point."""
    if value is None:
        return None
    rounded = round(float(value), 3)
    return str(int(rounded)) if rounded.is_integer() else str(rounded)
