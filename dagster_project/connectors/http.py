"""HTTP for the API pulls: one ``requests.Session`` with urllib3's ``Retry`` mounted, a client-side
throttle, timeouts on every request, and clear errors that never carry a credential.

Retries are urllib3's, not a loop of ours: GET only, on 429 and 500/502/503/504, exponential backoff,
``Retry-After`` honoured (urllib3 reads it on 429 and 503), at most ``SUPPORT_KPI_HTTP_RETRIES``
retries per request. The one thing we change in ``Retry`` is *how* it waits: through the client's
clock (so tests wait on a fake clock) and through the throttle (so a retry counts against the
vendor's rate limit like any other request).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase
from urllib3.util.retry import Retry

RETRIES_ENV = "SUPPORT_KPI_HTTP_RETRIES"
BACKOFF_ENV = "SUPPORT_KPI_HTTP_BACKOFF_FACTOR"
TIMEOUT_ENV = "SUPPORT_KPI_HTTP_TIMEOUT_SECONDS"
RETRY_AFTER_MAX_ENV = "SUPPORT_KPI_HTTP_RETRY_AFTER_MAX_SECONDS"

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "support-kpi-connector/0.1"


class ConnectorError(RuntimeError):
    """A pull cannot go on; the message names the vendor, the request path and the cause."""


class ConnectorConfigError(ValueError):
    """A connector's environment variables are missing or invalid (the message names them)."""


class ConnectorAuthError(ConnectorError):
    """The vendor refused the credentials (HTTP 401/403)."""


class ConnectorHTTPError(ConnectorError):
    """Any other HTTP error left after the retries, or no answer at all."""

    def __init__(self, message: str, status: int | None, path: str, body: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.path = path
        self.body = body


def env_number(env: Mapping[str, str], name: str, default: float, minimum: float, integer: bool = False) -> float:
    """The number in the variable ``name`` (``default`` when unset); a clear error naming it otherwise."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        kind = "an integer" if integer else "a number"
        raise ConnectorConfigError(f"{name}={raw!r} is not {kind}") from None
    if value < minimum:
        raise ConnectorConfigError(f"{name}={raw!r} must be at least {minimum:g}")
    return value


@dataclass(frozen=True)
class HttpSettings:
    """Retry and timeout settings shared by the vendors (env: SUPPORT_KPI_HTTP_*)."""

    retries: int = 6
    backoff_factor: float = 2.0  # waits 0, 4, 8, 16 ... s between retries of a 5xx (capped at 120 s)
    timeout_seconds: float = 60.0
    retry_after_max_seconds: int = 600

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> HttpSettings:
        if env is None:
            from dagster_project.config import current_env

            env = current_env()
        return cls(
            retries=int(env_number(env, RETRIES_ENV, cls.retries, 0, integer=True)),
            backoff_factor=env_number(env, BACKOFF_ENV, cls.backoff_factor, 0),
            timeout_seconds=env_number(env, TIMEOUT_ENV, cls.timeout_seconds, 0.1),
            retry_after_max_seconds=int(
                env_number(env, RETRY_AFTER_MAX_ENV, cls.retry_after_max_seconds, 1, integer=True)
            ),
        )


@dataclass
class Clock:
    """Monotonic time and sleep; tests pass a fake one that advances instead of waiting."""

    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep


class Throttle:
    """At most ``per_minute`` requests a minute: a minimum interval of 60 / per_minute seconds
    between two requests (retries included). ``per_minute`` None or 0: no client-side limit."""

    def __init__(self, per_minute: float | None, clock: Clock | None = None) -> None:
        self.interval = 60.0 / per_minute if per_minute else 0.0
        self.clock = clock or Clock()
        self.granted: list[float] = []  # clock time of every request let through
        self.waited_seconds = 0.0
        self._last: float | None = None

    def wait(self) -> None:
        now = self.clock.now()
        if self._last is not None and self.interval:
            ready = self._last + self.interval
            if now < ready:
                self.clock.sleep(ready - now)
                self.waited_seconds += ready - now
                now = max(self.clock.now(), ready)
        self._last = now
        self.granted.append(now)


class _ThrottledRetry(Retry):
    """urllib3's Retry, waiting on our clock and passing each retry through the throttle."""

    throttle: Throttle | None = None
    waits: list[float] | None = None

    def new(self, **kw: Any) -> _ThrottledRetry:
        retry = super().new(**kw)
        retry.throttle = self.throttle
        retry.waits = self.waits
        return retry

    def sleep(self, response: Any = None) -> None:
        delay = 0.0
        if self.respect_retry_after_header and response is not None:
            delay = self.get_retry_after(response) or 0.0
        if not delay:
            delay = self.get_backoff_time()
        throttle = self.throttle or Throttle(None)
        if delay > 0:
            throttle.clock.sleep(delay)
        if self.waits is not None:
            self.waits.append(delay)
        throttle.wait()


@dataclass
class ApiStats:
    requests: int = 0  # HTTP requests sent, retries included
    retries: int = 0
    retry_wait_seconds: float = 0.0
    throttle_wait_seconds: float = 0.0
    status_counts: dict[str, int] = field(default_factory=dict)


class ApiClient:
    """GET requests against one vendor's base URL; authentication in a header only."""

    def __init__(
        self,
        vendor: str,
        base_url: str,
        auth: AuthBase | tuple[str, str],
        credential_hint: str,
        secrets: Collection[str],
        http: HttpSettings | None = None,
        throttle: Throttle | None = None,
    ) -> None:
        self.vendor = vendor
        self.label = vendor.capitalize()  # in messages: "Zendesk refused the credentials ..."
        self.base_url = base_url.rstrip("/")
        self.credential_hint = credential_hint
        self.http = http or HttpSettings.from_env()
        self.throttle = throttle or Throttle(None)
        self._secrets = [secret for secret in secrets if secret]
        self._waits: list[float] = []
        retry = _ThrottledRetry(
            total=self.http.retries,
            connect=self.http.retries,
            read=self.http.retries,
            status=self.http.retries,
            other=0,
            redirect=3,
            allowed_methods=frozenset({"GET"}),
            status_forcelist=RETRY_STATUSES,
            backoff_factor=self.http.backoff_factor,
            respect_retry_after_header=True,
            retry_after_max=self.http.retry_after_max_seconds,
            raise_on_status=False,
        )
        retry.throttle = self.throttle
        retry.waits = self._waits
        self.session = requests.Session()
        self.session.auth = auth
        self.session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.stats = ApiStats()

    def close(self) -> None:
        self.session.close()

    def redact(self, text: str) -> str:
        """The text with every credential value replaced (belt and braces: none should be in it)."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> requests.Response:
        """GET ``path`` (relative to the base URL); the 2xx response, or a ConnectorError."""
        self.throttle.wait()
        waits_before = len(self._waits)
        try:
            response = self.session.get(self.url(path), params=params, timeout=self.http.timeout_seconds)
        except requests.RequestException as error:
            self._account(waits_before, None)
            cause = self.redact(str(error)) or type(error).__name__
            raise ConnectorHTTPError(
                f"{self.label}: no answer for GET {path} after {self.http.retries} retries: {cause}", None, path
            ) from None
        self._account(waits_before, response)
        status = response.status_code
        if status < 400:
            return response
        body = self.redact(response.text[:300])
        if status in (401, 403):
            raise ConnectorAuthError(
                f"{self.label} refused the credentials (HTTP {status}) for GET {path}: check {self.credential_hint}"
            )
        retried = f" after {self.http.retries} retries" if status in RETRY_STATUSES else ""
        detail = f": {body.strip()}" if body.strip() else ""
        raise ConnectorHTTPError(
            f"{self.label} answered HTTP {status}{retried} for GET {path}{detail}", status, path, body
        )

    def _account(self, waits_before: int, response: requests.Response | None) -> None:
        waits = self._waits[waits_before:]
        self.stats.requests += 1 + len(waits)
        self.stats.retries += len(waits)
        self.stats.retry_wait_seconds = round(self.stats.retry_wait_seconds + sum(waits), 3)
        self.stats.throttle_wait_seconds = round(self.throttle.waited_seconds, 3)
        if response is not None:
            key = str(response.status_code)
            self.stats.status_counts[key] = self.stats.status_counts.get(key, 0) + 1


def relative_url(url: str) -> str:
    """Path and query of an absolute URL (``next_page``, ``Link``): requests only ever go to our
    base URL, so credentials are never sent to a host named in a response."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
