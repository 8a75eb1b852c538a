"""dbt's saved parse, shared by the data dirs that build under the same profile and vars.

dbt keeps the parsed project in ``<target>/partial_parse.msgpack`` and reuses it when the project
files, the dbt version, the profile's connection fields, the vars and the project's env vars are
those it was saved under; it checks each of them itself, re-parses only the changed files, and
parses everything again (saying why in the build log) when anything else differs. Each data dir has
its own target folder (Settings.dbt_target_path), so a new data dir started without one and its
first build parsed the whole project (~5-9 s here, DECISIONS.md "A new data dir reuses dbt's parse").

Before a build whose target folder holds no saved parse, ``seed`` copies in the one last saved
under the same profile text, vars and dbt version; after the build, ``keep`` saves the target
folder's parse for the next data dir. The cache is ``target/parse-cache/`` in the dbt project (one
file per key, written by publish.write_atomic, so concurrent runs never read half a file). A stale or foreign
file costs the parse it was meant to save, never a wrong build: dbt validates it. Saving is best
effort (a read-only project folder only loses the saving), and says so in the step's log.
"""

from __future__ import annotations

import filecmp
import hashlib
import importlib.metadata
from pathlib import Path

from dagster_project.publish import write_atomic
from dagster_project.settings import DBT_PROJECT_DIR

CACHE_DIR = DBT_PROJECT_DIR / "target" / "parse-cache"
PARSE_FILE = "partial_parse.msgpack"


def cache_key(profile_text: str, dbt_vars: str) -> str:
    """The cache file's name for a build under this profile text and these vars (dbt hashes the
    profile's connection fields and the vars, and the dbt version, into its own check)."""
    digest = hashlib.sha256()
    for part in (importlib.metadata.version("dbt-core"), profile_text, dbt_vars):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def seed(target: Path, key: str, cache: Path = CACHE_DIR) -> bool:
    """Copy the cached parse of ``key`` into the target folder ``target`` if it has none; whether
    one was copied."""
    cached = cache / f"{key}.msgpack"
    saved = target / PARSE_FILE
    if saved.exists() or not cached.exists():
        return False
    write_atomic(saved, cached.read_bytes())
    return True


def keep(target: Path, key: str, cache: Path = CACHE_DIR) -> str:
    """Save the target folder's parse as the cached parse of ``key`` unless the cache holds the same
    bytes; what happened, for the log."""
    saved = target / PARSE_FILE
    cached = cache / f"{key}.msgpack"
    if not saved.exists():
        return "no saved parse to keep"
    if cached.exists() and filecmp.cmp(saved, cached, shallow=False):
        return "unchanged"
    try:
        write_atomic(cached, saved.read_bytes())
    except OSError as error:
        return f"not saved ({error})"
    return f"saved to {cached}"
