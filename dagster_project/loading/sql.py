"""Small helpers to write DuckDB SQL safely."""

from __future__ import annotations


def ident(name: str) -> str:
    """A double-quoted identifier."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A single-quoted string literal."""
    return "'" + value.replace("'", "''") + "'"


def literal_list(values: tuple[str, ...]) -> str:
    return ", ".join(literal(value) for value in values)
