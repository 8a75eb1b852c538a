"""The survey question map: which export column is which (seeds/survey_question_map.csv).

One line per mapped column: `tool` (qualtrics | surveymonkey), `question_column` (Qualtrics:
the column id of the first header row, e.g. `Q1`; SurveyMonkey: the question text, or
`question / sub-answer` for a question spanning several columns), `survey_type` (for a score;
optional for a comment), `role` (score, comment, customer_id, ticket_id, call_id, agent_id,
channel), `scale_min` / `scale_max` (optional, for a score). Columns are matched trimmed,
case-insensitive, with runs of white space read as one space. See docs/surveys.md.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from dagster_project.settings import SEEDS_DIR

MAP_ENV = "SUPPORT_KPI_SURVEY_QUESTION_MAP"
DEFAULT_MAP = SEEDS_DIR / "survey_question_map.csv"

TOOLS = ("qualtrics", "surveymonkey")
CONTEXT_ROLES = ("customer_id", "ticket_id", "call_id", "agent_id", "channel")
ROLES = ("score", "comment", *CONTEXT_ROLES)
HEADER = ("tool", "question_column", "survey_type", "role", "scale_min", "scale_max")


class MappingError(ValueError):
    """The mapping file is unusable; the message names the file and line."""


def column_key(name: str) -> str:
    """How export columns and mapping lines are compared."""
    return " ".join(name.split()).lower()


@dataclass(frozen=True)
class QuestionMapping:
    tool: str
    question_column: str
    role: str
    survey_type: str | None = None  # lower-cased; an unknown type is left to the loader's enum check
    scale_min: str | None = None
    scale_max: str | None = None


def map_path() -> Path:
    """Setting survey.question_map (env SUPPORT_KPI_SURVEY_QUESTION_MAP) of the loaded settings."""
    from dagster_project.config import current

    return current().survey.question_map


def _blank(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def _parse(path: Path, line: int, row: dict[str, str | None]) -> QuestionMapping:
    where = f"{path.name} line {line}"
    tool = (_blank(row.get("tool")) or "").lower()
    if tool not in TOOLS:
        raise MappingError(f"{where}: tool {tool!r} is not one of {', '.join(TOOLS)}")
    column = _blank(row.get("question_column"))
    if column is None:
        raise MappingError(f"{where}: question_column is empty")
    role = (_blank(row.get("role")) or "").lower()
    if role not in ROLES:
        raise MappingError(f"{where}: role {role!r} is not one of {', '.join(ROLES)}")
    survey_type = (_blank(row.get("survey_type")) or "").lower() or None
    if role == "score" and survey_type is None:
        raise MappingError(f"{where}: a score needs a survey_type")
    bounds = (_blank(row.get("scale_min")), _blank(row.get("scale_max")))
    for bound in bounds:
        if bound is not None and not bound.lstrip("-").isdigit():
            raise MappingError(f"{where}: scale bound {bound!r} is not an integer")
    if role != "score" and any(bounds):
        raise MappingError(f"{where}: scale_min/scale_max only apply to a score")
    return QuestionMapping(tool, column, role, survey_type, *bounds)


def read_mapping(path: Path | None = None) -> tuple[QuestionMapping, ...]:
    """Every line of the mapping file; MappingError on an invalid file."""
    path = path or map_path()
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise MappingError(f"cannot read survey question map {path}: {error}") from error
    with handle:
        reader = csv.DictReader(handle)
        missing = [name for name in HEADER if name not in (reader.fieldnames or [])]
        if missing:
            raise MappingError(f"{path.name}: missing column {', '.join(missing)} (expected {', '.join(HEADER)})")
        entries: list[QuestionMapping] = []
        seen: set[tuple[str, str]] = set()
        for row in reader:
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue
            entry = _parse(path, reader.line_num, row)
            key = (entry.tool, column_key(entry.question_column))
            if key in seen:
                raise MappingError(f"{path.name} line {reader.line_num}: {entry.tool} column mapped twice")
            seen.add(key)
            entries.append(entry)
    return tuple(entries)


def mapping_for(tool: str, entries: tuple[QuestionMapping, ...]) -> dict[str, QuestionMapping]:
    """column_key -> mapping of one tool."""
    return {column_key(e.question_column): e for e in entries if e.tool == tool}
