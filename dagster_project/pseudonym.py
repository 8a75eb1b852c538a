"""Keyed pseudonyms for personal data in the mart: HMAC-SHA-256 with a secret kept outside it.

A plain SHA-256 of a phone number or an e-mail address is reversible by anyone who can hash the
candidates (every number of a numbering plan, a known address). An HMAC with a secret key is not,
while the same key still gives the same value for the same input, so the mart joins on it.

The key is env `SUPPORT_KPI_PSEUDONYM_KEY`, or else the file `<data-dir>/pseudonym.key`, generated
once (32 random bytes as hex) with owner-only permissions (0600) when absent. The key's text
(UTF-8) is the HMAC key. It is never written anywhere else: the dbt-duckdb plugin
`dagster_project.dbt_plugins.pseudonym` reads it inside the dbt process and registers the SQL
function `pseudonym_hmac(text)`, so no SQL, manifest or log of dbt contains it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_ENV = "SUPPORT_KPI_PSEUDONYM_KEY"
KEY_FILE_NAME = "pseudonym.key"
SQL_FUNCTION = "pseudonym_hmac"


class PseudonymKeyError(Exception):
    """The key cannot be read or created (message names the file, never the key)."""


def key_file(data_dir: Path) -> Path:
    return data_dir / KEY_FILE_NAME


def resolve_key(data_dir: Path, configured: str | None = None) -> bytes:
    """The key: setting pseudonym.key (env SUPPORT_KPI_PSEUDONYM_KEY or support_kpi.toml; ``configured``,
    default the loaded settings'), else <data_dir>/pseudonym.key (created 0600 if absent)."""
    if configured is None:
        from dagster_project.config import current

        configured = current().values().text("pseudonym.key") or ""
    if configured.strip():
        return configured.strip().encode("utf-8")
    path = key_file(data_dir)
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        # Written whole into a temporary file, then linked into place (fails if it exists): another
        # process never reads a created but still empty key file.
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}.tmp")  # per call: threads too
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process created it meanwhile: read theirs
        finally:
            temporary.unlink(missing_ok=True)
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise PseudonymKeyError(f"cannot read the pseudonym key file {path}: {error.strerror}") from None
    if not text:
        raise PseudonymKeyError(f"the pseudonym key file {path} is empty")
    return text.encode("utf-8")


def pseudonym(key: bytes, value: str) -> str:
    """HMAC-SHA-256 of the UTF-8 value under the key, as 64 lower-case hex digits."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()
