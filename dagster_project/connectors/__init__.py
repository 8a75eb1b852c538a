"""API pulls of the helpdesk vendors: page files into ``<landing>/helpdesk/<vendor>/``, cursor state
in ``<data-dir>/connectors/<vendor>.json`` (docs/connectors.md)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from dagster_project.connectors.base import Log, PullResult, default_log, environ
from dagster_project.connectors.http import ConnectorAuthError, ConnectorConfigError, ConnectorError
from dagster_project.vendors.freshdesk.api import FreshdeskConfig, pull_freshdesk
from dagster_project.vendors.zendesk.api import ZendeskConfig, pull_zendesk

__all__ = [
    "VENDORS",
    "ConnectorAuthError",
    "ConnectorConfigError",
    "ConnectorError",
    "PullResult",
    "configured_vendors",
    "pull_vendor",
]

PullFunction = Callable[..., PullResult]
VENDORS: dict[str, PullFunction] = {"zendesk": pull_zendesk, "freshdesk": pull_freshdesk}
# A pull holding a vendor's lock longer than this (a long first pull) makes a second one fail fast.
LOCK_TIMEOUT_SECONDS = 5.0


def configured_vendors(env: Mapping[str, str] | None = None) -> list[str]:
    """The vendors whose account is configured in the environment (subdomain/domain or base URL)."""
    env = environ(env)
    found = []
    if ZendeskConfig.from_env(env) is not None:
        found.append("zendesk")
    if FreshdeskConfig.from_env(env) is not None:
        found.append("freshdesk")
    return found


def pull_vendor(
    vendor: str, landing: Path, data_dir: Path, env: Mapping[str, str] | None = None, log: Log = default_log
) -> PullResult:
    """One vendor's pull under ``<data-dir>/connectors/<vendor>.lock`` (one pull at a time)."""
    from dagster_project.warehouse import WarehouseBusyError, warehouse_lock

    if vendor not in VENDORS:
        raise ValueError(f"unknown vendor {vendor!r}; known: {', '.join(VENDORS)}")
    pull = VENDORS[vendor]
    env = environ(env)
    if vendor not in configured_vendors(env):
        return pull(landing, data_dir, env=env, log=log)  # says so, touches nothing
    lock_path = data_dir / "connectors" / f"{vendor}.lock"
    try:
        with warehouse_lock(lock_path, timeout_seconds=LOCK_TIMEOUT_SECONDS):
            return pull(landing, data_dir, env=env, log=log)
    except WarehouseBusyError:
        raise ConnectorError(f"another {vendor} pull holds {lock_path}; try again when it is done") from None
