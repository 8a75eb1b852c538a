"""Docs generated from the contract: docs/source_contract.md and the dbt sources files.

Run `python -m dagster_project.contract.docs` after changing a declaration; the drift test in
tests/test_contract.py fails while the committed files differ from the rendered text.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from dagster_project.contract.model import METADATA_COLUMNS, Column, Entity
from dagster_project.contract.registry import (
    ENTITIES,
    SOURCE_DESCRIPTIONS,
    SOURCES,
    entities_of,
)

GENERATED_NOTE = (
    "Generated from dagster_project/contract by `python -m dagster_project.contract.docs`; do not edit by hand."
)

CONTRACT_DOC = Path("docs/source_contract.md")


class _IndentedDumper(yaml.SafeDumper):
    """Indent block sequences under their key (the usual dbt YAML style)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def sources_yml_path(source: str) -> Path:
    return Path("dbt_project/models/staging") / source / f"_{source}__sources.yml"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _column_description(column: Column) -> str:
    text = column.description
    if column.default_note:
        text += f" Default: {column.default_note}."
    return text


def _entity_markdown(entity: Entity) -> list[str]:
    lines = [
        f"### {entity.source}.{entity.name}",
        "",
        entity.description,
        "",
        f"- Landing folder: `<landing>/{entity.source}/{entity.name}/`; raw table: `{entity.raw_table}`",
        f"- Primary key: {', '.join(f'`{k}`' for k in entity.primary_key)}",
        "- Version column: "
        + (
            f"`{entity.version_column}` (then later file / line wins)"
            if entity.version_column
            else "none (later file / line wins)"
        ),
        "",
        "| column | type | required | enum values | PII | description |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for column in entity.columns:
        lines.append(
            f"| `{column.name}` | {column.type} | {'yes' if column.required else ''} | "
            f"{_cell(_enum_cell(column))} | {'yes' if column.pii else ''} | "
            f"{_cell(_column_description(column))} |"
        )
    lines.append("")
    if entity.rules:
        lines.append("Row rules (a row breaking one is quarantined):")
        lines.append("")
        lines.extend(f"- {rule.describe()} (rule `{rule.rule}`)" for rule in entity.rules)
        lines.append("")
    if entity.notes:
        lines.append("Notes:")
        lines.append("")
        lines.extend(f"- {note}" for note in entity.notes)
        lines.append("")
    return lines


def render_contract_markdown() -> str:
    """docs/source_contract.md."""
    lines = [
        "# Source contract",
        "",
        f"<!-- {GENERATED_NOTE} -->",
        "",
        "The landing contract (`sources.md` of the product spec) as declared in "
        "`dagster_project/contract/`. "
        "The same declarations drive the loader (types, checks, quarantine), this page and the "
        "dbt sources files.",
        "",
        "## Loading rules",
        "",
        "- Files: `<landing>/<source>/<entity>/<name>.csv | .csv.gz | .parquet | .jsonl | "
        ".jsonl.gz`, loaded in file-name order. An unchanged file (same size and content hash) "
        "is skipped; a changed file is reloaded and replaces the rows of its earlier version.",
        "- CSV: UTF-8 (BOM tolerated), comma, RFC 4180 quoting, header row; column order free, "
        "names compared trimmed and lower-case. Extra columns are ignored and reported; a "
        "missing required column fails the file (nothing of it is loaded).",
        "- Types: `text` -> VARCHAR (blank = missing), `int` -> BIGINT, `num` -> DOUBLE, "
        "`bool` -> BOOLEAN (true/false, 1/0, yes/no, any case), `ts` -> TIMESTAMP in UTC "
        "(ISO 8601; an offset or `Z` is converted, no offset = UTC), `date` -> DATE "
        "(YYYY-MM-DD). Enum values are compared and stored lower-case and trimmed.",
        "- A row with an unparseable value, an unknown enum value, a missing required value or "
        "a broken row rule goes to `raw_meta.raw_quarantine` (file, line, column, value, rule, reason) "
        "and `<data-dir>/quarantine/`; an entry is never deleted, it is marked resolved when its file "
        "is delivered again or a later file loads its key; loaded + quarantined = rows read for the "
        "current load of every file (`raw_meta.loaded_files`).",
        "- Defaults written below are applied in staging, not by the loader.",
        "",
        "Every raw table ends with these metadata columns:",
        "",
        "| column | type | description |",
        "| --- | --- | --- |",
    ]
    lines.extend(f"| `{meta.name}` | {meta.duckdb_type} | {_cell(meta.description)} |" for meta in METADATA_COLUMNS)
    lines.append("")
    for source in SOURCES:
        lines.extend([f"## {source}", "", SOURCE_DESCRIPTIONS[source], ""])
        for entity in entities_of(source):
            lines.extend(_entity_markdown(entity))
    return "\n".join(lines).rstrip("\n") + "\n"


def _enum_cell(column: Column) -> str:
    values = ", ".join(column.enum)
    if column.enum_fallback is not None:
        values += f" (any other value is loaded as {column.enum_fallback})"
    return values


def _column_yaml(column: Column) -> dict[str, object]:
    meta: dict[str, object] = {"contract_type": column.type, "required": column.required}
    if column.enum:
        meta["enum"] = list(column.enum)
    if column.enum_fallback is not None:
        meta["enum_fallback"] = column.enum_fallback
    if column.pii:
        meta["pii"] = True
    return {
        "name": column.name,
        "description": _column_description(column),
        "data_type": column.duckdb_type.lower(),
        "config": {"meta": meta},
    }


def _table_yaml(entity: Entity) -> dict[str, object]:
    meta: dict[str, object] = {"primary_key": list(entity.primary_key)}
    if entity.version_column:
        meta["version_column"] = entity.version_column
    columns = [_column_yaml(column) for column in entity.columns]
    columns += [
        {
            "name": m.name,
            "description": m.description,
            "data_type": m.duckdb_type.lower(),
        }
        for m in METADATA_COLUMNS
    ]
    return {
        "name": entity.name,
        "description": entity.description,
        "config": {"meta": meta},
        "columns": columns,
    }


def render_dbt_sources(source: str) -> str:
    """dbt_project/models/staging/<source>/_<source>__sources.yml."""
    document = {
        "version": 2,
        "sources": [
            {
                "name": source,
                "description": SOURCE_DESCRIPTIONS[source],
                "schema": f"raw_{source}",
                "tables": [_table_yaml(entity) for entity in entities_of(source)],
            }
        ],
    }
    body = yaml.dump(document, Dumper=_IndentedDumper, sort_keys=False, width=100, allow_unicode=True)
    return f"# {GENERATED_NOTE}\n{body}"


def rendered_files() -> dict[Path, str]:
    """Repository-relative path -> rendered text of every generated file."""
    files = {CONTRACT_DOC: render_contract_markdown()}
    for source in SOURCES:
        files[sources_yml_path(source)] = render_dbt_sources(source)
    return files


def write_contract_docs(repo_root: Path) -> list[Path]:
    """Write every generated file under repo_root; returns the written paths."""
    written: list[Path] = []
    for relative, text in rendered_files().items():
        path = Path(repo_root) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    repo_root = Path(__file__).resolve().parents[2]
    for path in write_contract_docs(repo_root):
        print(path.relative_to(repo_root))


if __name__ == "__main__":
    main()


__all__ = [
    "ENTITIES",
    "render_contract_markdown",
    "render_dbt_sources",
    "rendered_files",
    "write_contract_docs",
]
