"""What the Qualtrics and SurveyMonkey adapters share: reading the export's CSV records with
their physical line numbers, resolving the question map against the header, and turning one
export record into survey_responses rows (one per mapped score question)."""

from __future__ import annotations

import csv
import gzip
import io
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dagster_project.adapters.base import Row, UnreadableFile, iso_utc
from dagster_project.adapters.survey_mapping import (
    CONTEXT_ROLES,
    MappingError,
    QuestionMapping,
    column_key,
    mapping_for,
    read_mapping,
)

if TYPE_CHECKING:
    from dagster_project.settings import SurveySettings

logger = logging.getLogger(__name__)

TIME_ZONE_ENV = "SUPPORT_KPI_SURVEY_TIME_ZONE"
ENTITIES = ("survey_responses",)


@dataclass(frozen=True)
class Record:
    line: int  # physical line where the record starts
    end_line: int  # physical line where it ends (a quoted comment may span lines)
    values: list[str]


def read_records(path: Path) -> Iterator[Record]:
    """CSV records (UTF-8, BOM tolerated, `.gz` decompressed) with their physical lines."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="") as text:
        reader = csv.reader(text)
        previous = 0
        for values in reader:
            yield Record(previous + 1, reader.line_num, values)
            previous = reader.line_num


def record_text(values: list[str]) -> str:
    """The record as one CSV line again (for raw_meta.raw_quarantine)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(values)
    return buffer.getvalue()


def default_zone(settings: SurveySettings | None = None) -> ZoneInfo:
    """Setting survey.time_zone (env SUPPORT_KPI_SURVEY_TIME_ZONE), default the loaded settings'."""
    if settings is None:
        from dagster_project.config import current

        settings = current().survey
    name = settings.time_zone or "UTC"
    return zone_named(name, f"{TIME_ZONE_ENV}={name!r}")


def zone_named(name: str, where: str) -> ZoneInfo:
    try:
        return ZoneInfo("UTC" if name.upper() in ("Z", "UTC", "GMT") else name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UnreadableFile(f"unknown time zone in {where}") from error


def parse_time(text: str, zone: ZoneInfo, formats: tuple[str, ...]) -> datetime:
    """ISO 8601 (an offset wins over `zone`) or one of `formats`, read in `zone`; ValueError."""
    value = text.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        for fmt in formats:
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(f"{value[:40]!r} is not a date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def load_mapping(tool: str) -> dict[str, QuestionMapping]:
    try:
        return mapping_for(tool, read_mapping())
    except MappingError as error:
        raise UnreadableFile(str(error)) from error


@dataclass
class Layout:
    """The mapped columns of one export file, by column index."""

    scores: list[tuple[int, QuestionMapping]] = field(default_factory=list)
    comments: list[tuple[int, QuestionMapping]] = field(default_factory=list)
    context: list[tuple[int, str]] = field(default_factory=list)  # (index, contract column)
    unmapped: list[tuple[int, str]] = field(default_factory=list)  # (index, header as shown)


def resolve_layout(columns: list[tuple[int, str]], mapping: dict[str, QuestionMapping], is_ignored: set[int]) -> Layout:
    """Match the candidate columns (index, header) against the map.

    A column in `is_ignored` (tool metadata such as IP address) is skipped unless mapped.
    Two score columns of one survey type in the same file cannot be told apart: UnreadableFile.
    """
    layout = Layout()
    for index, header in columns:
        entry = mapping.get(column_key(header))
        if entry is None:
            if index not in is_ignored:
                layout.unmapped.append((index, header))
        elif entry.role == "score":
            layout.scores.append((index, entry))
        elif entry.role == "comment":
            layout.comments.append((index, entry))
        elif entry.role in CONTEXT_ROLES:
            layout.context.append((index, entry.role))
    types = Counter(entry.survey_type for _, entry in layout.scores)
    doubled = sorted(str(name) for name, count in types.items() if count > 1)
    if doubled:
        raise UnreadableFile(f"more than one mapped score column for survey type {', '.join(doubled)}")
    return layout


def _cell(values: list[str], index: int) -> str | None:
    text = values[index].strip() if index < len(values) else ""
    return text or None


@dataclass(frozen=True)
class Respondent:
    """What the tool-specific reader took from one export record."""

    response_id: str  # already prefixed with the tool
    started_at: datetime
    finished_at: datetime | None


def build_rows(respondent: Respondent, values: list[str], layout: Layout, stats: Counter[str]) -> list[Row]:
    """One row per mapped score question; answered when that question has a value."""
    context = {column: _cell(values, index) for index, column in layout.context}
    rows: list[Row] = []
    for index, entry in layout.scores:
        score = _cell(values, index)
        comments = [
            text
            for comment_index, comment in layout.comments
            if comment.survey_type in (None, entry.survey_type) and (text := _cell(values, comment_index)) is not None
        ]
        answered = score is not None
        stats["responses_answered" if answered else "responses_unanswered"] += 1
        responded = respondent.finished_at if answered else None
        rows.append(
            {
                "response_id": f"{respondent.response_id}:{entry.survey_type}",
                "survey_type": entry.survey_type,
                "sent_at": iso_utc(respondent.started_at),
                "responded_at": iso_utc(responded) if responded else None,
                "score": score,
                "scale_min": entry.scale_min,
                "scale_max": entry.scale_max,
                "comment": "\n".join(comments) or None,
                "comment_replied_at": None,
                **{column: context.get(column) for column in CONTEXT_ROLES},
            }
        )
    return rows


def count_unmapped(layout: Layout, values: list[str], unknown: Counter[str]) -> None:
    """unknown_events['unmapped column <header>'] counts that column's non-blank values."""
    for index, header in layout.unmapped:
        unknown[f"unmapped column {header}"] += 1 if _cell(values, index) is not None else 0


def log_unmapped(file: Path, layout: Layout) -> None:
    if layout.unmapped:
        logger.warning(
            "%s: columns not in the survey question map, ignored: %s",
            file.name,
            ", ".join(header for _, header in layout.unmapped),
        )
