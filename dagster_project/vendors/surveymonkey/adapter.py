"""Adapter: SurveyMonkey CSV export (`survey/surveymonkey/`) -> survey.survey_responses rows.

The export ("All individual responses", CSV, expanded columns) has two header rows: the question
texts (`Respondent ID`, `Collector ID`, `Start Date`, `End Date`, ..., custom variables, then one
group of columns per question, the text only above its first column) and the sub-answers
(`Response`, `Open-Ended Response`, matrix rows, choices). Rules: docs/surveys.md.
"""

from __future__ import annotations

from pathlib import Path

from dagster_project.adapters.base import AdapterOutput, RejectedLine, UnreadableFile
from dagster_project.adapters.survey_export import (
    ENTITIES,
    Respondent,
    build_rows,
    count_unmapped,
    default_zone,
    load_mapping,
    log_unmapped,
    parse_time,
    read_records,
    record_text,
    resolve_layout,
)

NAME = "surveymonkey"
PREFIX = "surveymonkey:"
HEADER_ROWS = 2
TIME_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M")
METADATA = {
    "respondent id", "collector id", "start date", "end date", "ip address", "email address",
    "first name", "last name",
}  # fmt: skip
REQUIRED = ("Respondent ID", "Start Date")


def column_headers(questions: list[str], answers: list[str]) -> list[str]:
    """One name per column: the question text, or `question / sub-answer` when the question
    spans several columns (its text stands above the first one only)."""
    owners: list[str] = []
    current = ""
    for text in questions:
        current = text.strip() or current
        owners.append(current)
    spans = {owner: owners.count(owner) for owner in owners}
    headers: list[str] = []
    for position, owner in enumerate(owners):
        answer = answers[position].strip() if position < len(answers) else ""
        headers.append(f"{owner} / {answer}" if spans[owner] > 1 and answer else owner)
    return headers


class _Rejected(ValueError):
    pass


def _respondent(values: list[str], at: dict[str, int]) -> Respondent:
    respondent_id = values[at["respondent id"]].strip()
    if not respondent_id:
        raise _Rejected("Respondent ID is empty")
    zone = default_zone()
    moments = []
    for key, label in (("start date", "Start Date"), ("end date", "End Date")):
        text = values[at[key]].strip() if key in at else ""
        if not text:
            moments.append(None)
            continue
        try:
            moments.append(parse_time(text, zone, TIME_FORMATS))
        except ValueError as error:
            raise _Rejected(f"{label} {error}") from error
    started, ended = moments
    if started is None:
        raise _Rejected("Start Date is empty")
    return Respondent(PREFIX + respondent_id, started, ended)


def read_surveymonkey(path: Path, entity: str) -> AdapterOutput:
    """survey_responses rows of one SurveyMonkey export; UnreadableFile if it is not one."""
    if entity not in ENTITIES:
        raise ValueError(f"{NAME} feeds {', '.join(ENTITIES)}, not {entity}")
    records = [record for record in read_records(path) if any(value.strip() for value in record.values)]
    if len(records) < HEADER_ROWS:
        raise UnreadableFile("expected the SurveyMonkey header rows (questions, sub-answers)")
    questions = records[0].values
    headers = column_headers(questions, records[1].values)
    at: dict[str, int] = {}
    for position, text in enumerate(questions):
        at.setdefault(text.strip().lower(), position)
    missing = [name for name in REQUIRED if name.lower() not in at]
    if missing:
        raise UnreadableFile(f"missing column {', '.join(missing)} in the first header row")
    default_zone()  # an unknown zone fails the file, not every row
    ignored = {
        position
        for position, text in enumerate(questions)
        if text.strip().lower() in METADATA or text.strip().lower().startswith("custom data")
    }
    layout = resolve_layout(list(enumerate(headers)), load_mapping(NAME), ignored)
    log_unmapped(path, layout)

    output = AdapterOutput()
    output.lines_read = records[-1].end_line
    for record in records[HEADER_ROWS:]:
        output.stats["export_rows"] += 1
        values = record.values
        try:
            if len(values) != len(questions):
                raise _Rejected(f"expected {len(questions)} fields, got {len(values)}")
            respondent = _respondent(values, at)
        except _Rejected as error:
            output.rejected.append(RejectedLine(record.line, "malformed_line", str(error), record_text(values)))
            continue
        count_unmapped(layout, values, output.unknown_events)
        output.rows.extend((record.line, row) for row in build_rows(respondent, values, layout, output.stats))
    return output
