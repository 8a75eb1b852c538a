"""Settings of the Asterisk adapters, read from environment variables (documented in docs/asterisk.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from zoneinfo import ZoneInfo

WRAPUP_ENV = "SUPPORT_KPI_ASTERISK_WRAPUP_SECONDS"
OUTBOUND_CONTEXTS_ENV = "SUPPORT_KPI_ASTERISK_OUTBOUND_CONTEXTS"
CDR_TIME_ZONE_ENV = "SUPPORT_KPI_ASTERISK_CDR_TIME_ZONE"
CDR_LAYOUT_ENV = "SUPPORT_KPI_ASTERISK_CDR_LAYOUT"
CDR_LAYOUTS = ("auto", "cdr_csv", "cdr_custom")

DEFAULT_OUTBOUND_CONTEXTS = ("*outbound*", "*outgoing*", "from-internal*")


@dataclass(frozen=True)
class AsteriskSettings:
    # The queues' `wrapuptime` (queues.conf): seconds after each answered call during which the
    # agent gets no new call; used as wrap-up when the queue_log shows no wrap-up pause.
    wrapup_seconds: float = 0.0
    # CDR: a call whose dcontext matches one of these shell patterns (case-insensitive) is outbound.
    outbound_contexts: tuple[str, ...] = DEFAULT_OUTBOUND_CONTEXTS
    # CDR: time zone of start/answer/end (cdr.conf [csv] usegmtime=no writes local time).
    cdr_time_zone: str = "UTC"
    # CDR: column order. cdr_csv (cdr_csv.c), cdr_custom (the sample cdr_custom.conf mapping), or
    # auto: detected per file from where the disposition and start columns are.
    cdr_layout: str = "auto"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AsteriskSettings:
        """From the loaded settings' values by variable name (default: config.current_env())."""
        if env is None:
            from dagster_project.config import current_env

            env = current_env()
        wrapup = env.get(WRAPUP_ENV, "").strip()
        contexts = env.get(OUTBOUND_CONTEXTS_ENV)
        time_zone = env.get(CDR_TIME_ZONE_ENV, "").strip() or "UTC"
        try:
            wrapup_seconds = float(wrapup) if wrapup else 0.0
        except ValueError as error:
            raise ValueError(f"{WRAPUP_ENV} must be a number of seconds, got {wrapup!r}") from error
        if wrapup_seconds < 0:
            raise ValueError(f"{WRAPUP_ENV} must not be negative, got {wrapup!r}")
        ZoneInfo(time_zone)  # fails early on an unknown zone
        layout = env.get(CDR_LAYOUT_ENV, "").strip().lower() or "auto"
        if layout not in CDR_LAYOUTS:
            raise ValueError(f"{CDR_LAYOUT_ENV} must be one of {', '.join(CDR_LAYOUTS)}, got {layout!r}")
        patterns = (
            tuple(p.strip() for p in contexts.split(",") if p.strip())
            if contexts is not None
            else DEFAULT_OUTBOUND_CONTEXTS
        )
        return cls(
            wrapup_seconds=wrapup_seconds,
            outbound_contexts=patterns,
            cdr_time_zone=time_zone,
            cdr_layout=layout,
        )

    def is_outbound_context(self, context: str) -> bool:
        value = context.strip().lower()
        return bool(value) and any(fnmatchcase(value, pattern.lower()) for pattern in self.outbound_contexts)
