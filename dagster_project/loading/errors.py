"""Errors raised by the loader."""

from __future__ import annotations


class ContractError(Exception):
    """A landing file cannot be loaded at all (e.g. a required column is missing).

    The message names the file (relative to the landing folder) and, where it applies, the column.
    Nothing of that file is loaded.
    """
