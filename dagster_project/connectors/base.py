"""What every pull shares: its result (the asset's metadata) and the parsing of its settings."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from dagster_project.connectors.http import ApiStats, ConnectorConfigError, env_number

DEFAULT_HISTORY_DAYS = 365


class Log(Protocol):
    def info(self, msg: str) -> None: ...

    def warning(self, msg: str) -> None: ...


default_log: Log = logging.getLogger("dagster_project.connectors")


@dataclass
class PullResult:
    """What one pull did: pages and rows written per stream, requests and retries, each stream's
    saved position. Never holds a credential (the asset's metadata and the run report show it)."""

    vendor: str
    configured: bool
    reason: str = ""
    pages: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    pages_unchanged: dict[str, int] = field(default_factory=dict)  # full-list pages equal to the stored ones
    stats: ApiStats = field(default_factory=ApiStats)
    streams: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def metadata(self) -> dict[str, Any]:
        return {
            "configured": self.configured,
            "reason": self.reason,
            "pages": sum(self.pages.values()),
            "rows": sum(self.rows.values()),
            "pages_by_stream": dict(sorted(self.pages.items())),
            "rows_by_stream": dict(sorted(self.rows.items())),
            "pages_unchanged": dict(sorted(self.pages_unchanged.items())),
            "requests": self.stats.requests,
            "retries": self.stats.retries,
            "retry_wait_seconds": self.stats.retry_wait_seconds,
            "throttle_wait_seconds": self.stats.throttle_wait_seconds,
            "http_statuses": dict(sorted(self.stats.status_counts.items())),
            "streams": self.streams,
            "notes": list(self.notes),
            "seconds": round(self.seconds, 3),
        }


def env_start(env: Mapping[str, str], name: str, today: date | None = None) -> datetime:
    """The first pull's start (UTC): ``name`` as an ISO date or date-time, else 365 days ago."""
    raw = env.get(name, "").strip()
    if not raw:
        day = (today or datetime.now(UTC).date()) - timedelta(days=DEFAULT_HISTORY_DAYS)
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ConnectorConfigError(f"{name}={raw!r} is not an ISO date (2025-01-31) or date-time") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def env_rate(env: Mapping[str, str], name: str, default: float) -> float:
    """Requests a minute allowed by ``name``; 0 = no client-side limit."""
    return env_number(env, name, default, 0)


def env_int(env: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    return int(env_number(env, name, default, minimum, integer=True))


def account_base_url(env: Mapping[str, str], account_env: str, base_url_env: str, host_suffix: str) -> str | None:
    """https://<account>.<host_suffix> (or the account's full host name), the test override
    ``base_url_env`` when set; None when neither is set (the vendor is not configured)."""
    account = env.get(account_env, "").strip()
    base_url = env.get(base_url_env, "").strip()
    if base_url:
        return base_url
    if not account:
        return None
    return f"https://{account if '.' in account else f'{account}.{host_suffix}'}"


def environ(env: Mapping[str, str] | None) -> Mapping[str, str]:
    """``env``, else the loaded settings' values by variable name (config.current_env())."""
    if env is not None:
        return env
    from dagster_project.config import current_env

    return current_env()


def parse_timestamp(value: Any) -> datetime | None:
    """An ISO 8601 text (``Z`` or offset) as an aware UTC datetime; None when it is not one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def iso_z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
