"""Column layouts of Asterisk CDR csv files, and telling them apart.

cdr_csv (cdr/cdr_csv.c) writes accountcode, src, dst, dcontext, clid, channel, dstchannel,
lastapp, lastdata, start, answer, end, duration, billsec, disposition, amaflags, then, depending
on cdr.conf [csv]: uniqueid (loguniqueid), userfield (loguserfield), peeraccount, linkedid,
sequence (newcdrcolumns).

cdr_custom with the mapping of Asterisk's configs/samples/cdr_custom.conf.sample writes clid, src,
dst, dcontext, channel, dstchannel, lastapp, lastdata, start, answer, end, duration, billsec,
disposition, amaflags, accountcode, uniqueid, userfield, sequence: disposition is the 14th column,
not the 15th, and the 15th holds amaflags (`DOCUMENTATION`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CDR_CSV = "cdr_csv"
CDR_CUSTOM = "cdr_custom"

DISPOSITIONS = frozenset({"ANSWERED", "NO ANSWER", "NOANSWER", "CANCEL", "BUSY", "FAILED", "CONGESTION"})
AMAFLAGS = frozenset({"DOCUMENTATION", "BILLING", "OMIT", "DEFAULT"})
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$")


@dataclass(frozen=True)
class Layout:
    name: str
    base: tuple[str, ...]  # columns every line has, in order
    extras: dict[int, tuple[str, ...]]  # number of columns after the base -> their names

    def disposition_column(self) -> int:
        return self.base.index("disposition")

    def fields(self, values: list[str]) -> dict[str, str]:
        """Column name -> value; extras named by how many there are (unknown counts: unnamed)."""
        fields = dict(zip(self.base, values, strict=False))
        extra = values[len(self.base) :]
        names = self.extras.get(len(extra), ())
        if len(extra) == 1 and self.name == CDR_CSV:  # uniqueid or userfield, whichever is enabled
            names = ("uniqueid",) if _looks_like_uniqueid(extra[0]) else ("userfield",)
        if len(extra) == 4 and self.name == CDR_CSV:
            first = ("uniqueid",) if _looks_like_uniqueid(extra[0]) else ("userfield",)
            names = (*first, "peeraccount", "linkedid", "sequence")
        fields.update(zip(names, extra, strict=False))
        return fields


_UNIQUEID = re.compile(r"^[\w-]*\d+\.\d+$")  # 1700000000.123 (or with a system-name prefix)


def _looks_like_uniqueid(value: str) -> bool:
    return bool(_UNIQUEID.match(value.strip()))


CSV_LAYOUT = Layout(
    CDR_CSV,
    tuple(
        [
            "accountcode",
            "src",
            "dst",
            "dcontext",
            "clid",
            "channel",
            "dstchannel",
            "lastapp",
            "lastdata",
            "start",
            "answer",
            "end",
            "duration",
            "billsec",
            "disposition",
            "amaflags",
        ]
    ),
    {
        0: (),
        2: ("uniqueid", "userfield"),
        3: ("peeraccount", "linkedid", "sequence"),  # newcdrcolumns only
        5: ("uniqueid", "userfield", "peeraccount", "linkedid", "sequence"),
    },
)
CUSTOM_LAYOUT = Layout(
    CDR_CUSTOM,
    tuple(
        [
            "clid",
            "src",
            "dst",
            "dcontext",
            "channel",
            "dstchannel",
            "lastapp",
            "lastdata",
            "start",
            "answer",
            "end",
            "duration",
            "billsec",
            "disposition",
            "amaflags",
            "accountcode",
        ]
    ),
    {0: (), 1: ("uniqueid",), 2: ("uniqueid", "userfield"), 3: ("uniqueid", "userfield", "sequence")},
)
LAYOUTS = {CDR_CSV: CSV_LAYOUT, CDR_CUSTOM: CUSTOM_LAYOUT}


def _disposition(value: str) -> str:
    return " ".join(value.upper().split())


def fits(layout: Layout, values: list[str]) -> bool:
    """The line has a known disposition and a date-time start where `layout` puts them."""
    if len(values) < len(layout.base):
        return False
    fields = dict(zip(layout.base, values, strict=False))
    return _disposition(fields["disposition"]) in DISPOSITIONS and bool(_DATETIME.match(fields["start"].strip()))


def detect(values: list[str]) -> Layout | None:
    """The one layout this line fits, else None (fits none, or is too short to tell)."""
    matches = [layout for layout in (CSV_LAYOUT, CUSTOM_LAYOUT) if fits(layout, values)]
    return matches[0] if len(matches) == 1 else None


def shifted_reason(layout: Layout, values: list[str]) -> str | None:
    """Why a line looks shifted against `layout` (named column holds another column's value), or
    None when its disposition column simply holds an unknown disposition."""
    column = layout.disposition_column()
    if column >= len(values):
        return None
    value = values[column].strip()
    other = next((o for o in LAYOUTS.values() if o is not layout and fits(o, values)), None)
    if _disposition(value) in AMAFLAGS or other is not None:
        hint = f"; the line fits the {other.name} layout" if other else ""
        return (
            f"column {column + 1} (disposition in the {layout.name} layout) holds {value[:40]!r}: "
            f"the columns look shifted{hint} (setting SUPPORT_KPI_ASTERISK_CDR_LAYOUT)"
        )
    return None
