"""The settings loader: the one module that reads the process environment.

Every setting is a `Field` of `FIELDS`: its dotted key (also its place in ``support_kpi.toml``:
``reporting.currency`` is ``currency`` under ``[reporting]``, ``dbt.vars.x`` is ``x`` under
``[dbt.vars]``), its environment variable, its default, whether it is a secret and what it
shapes (the mart, an adapter's reading of its files). Values are resolved in this order, the
last one set wins:

    defaults -> support_kpi.toml -> environment variables -> explicit CLI options

The toml file is ``--config PATH``, else env ``SUPPORT_KPI_CONFIG``, else ``./support_kpi.toml``
when it exists. `load` returns a `dagster_project.settings.Settings`; modules receive it (or one
of its sections) as a parameter. Code that is handed nothing falls back to `current()`, the same
load for the same environment (cached per environment and toml file, so it is read once).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import sys
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from dagster_project.settings import Settings

CONFIG_ENV = "SUPPORT_KPI_CONFIG"
CONFIG_FILE_NAME = "support_kpi.toml"
MASK = "****"

# What a setting shapes: MART (the published mart: a change rebuilds it) and, for adapter
# mappings, the adapters whose files are read again when it changes (also mart-shaping).
MART = "mart"

_REPO_DIR = Path(__file__).resolve().parent.parent
_DBT_PROJECT_YML = _REPO_DIR / "dbt_project" / "dbt_project.yml"


class SettingsError(ValueError):
    """A setting is invalid; the message names the setting and where its value came from."""


# --- value checks: text -> error message (None when fine) -------------------------------------


def _check_int(minimum: int) -> Callable[[str], str | None]:
    def check(text: str) -> str | None:
        try:
            value = int(text)
        except ValueError:
            return f"must be a whole number, got {text!r}"
        return None if value >= minimum else f"must be at least {minimum}, got {text!r}"

    return check


def _check_number(minimum: float | None = None, maximum: float | None = None) -> Callable[[str], str | None]:
    def check(text: str) -> str | None:
        try:
            value = float(text)
        except ValueError:
            return f"must be a number, got {text!r}"
        if value != value or (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = f"between {minimum:g} and {maximum:g}" if maximum is not None else f"at least {minimum:g}"
            return f"must be a number {bounds}, got {text!r}"
        return None

    return check


def _check_dbt_engine(text: str) -> str | None:
    return None if text.strip() in ("duckdb", "spark") else f'must be "duckdb" or "spark", got {text!r}'


def _check_gate_engine(text: str) -> str | None:
    return None if text.strip() in ("sql", "gx") else f'must be "sql" or "gx", got {text!r}'


def _check_zone(text: str) -> str | None:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        return f"is not a known IANA time zone, got {text!r}"
    return None


def _check_currency(text: str) -> str | None:
    return None if re.fullmatch(r"[A-Za-z]{3}", text.strip()) else f"must be a 3-letter currency code, got {text!r}"


def _check_memory(text: str) -> str | None:
    ok = re.fullmatch(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", text.strip(), re.IGNORECASE)
    return None if ok else f"must be a size such as 2GB or 512MB, got {text!r}"


def _check_spark_memory(text: str) -> str | None:
    ok = re.fullmatch(r"\d+[kmgt]", text.strip(), re.IGNORECASE)
    return None if ok else f"must be a JVM size such as 4g or 512m, got {text!r}"


@dataclass(frozen=True)
class Field:
    key: str  # dotted: section.name (toml [section] name)
    env: str  # environment variable
    default: str | None  # None: unset (the code's built-in default applies)
    help: str
    secret: bool = False
    shapes: tuple[str, ...] = ()  # MART and/or adapter names
    check: Callable[[str], str | None] | None = None
    is_file: bool = False  # a path whose file content shapes what it affects

    @property
    def toml_path(self) -> tuple[str, ...]:
        return tuple(self.key.split("."))

    @property
    def shapes_mart(self) -> bool:
        return bool(self.shapes)

    @property
    def adapters(self) -> tuple[str, ...]:
        return tuple(name for name in self.shapes if name != MART)


_ZENDESK = ("zendesk",)
_FRESHDESK = ("freshdesk",)
_CDR = ("asterisk_cdr",)
_ASTERISK = ("asterisk_queue_log", "asterisk_cdr")
_SURVEYS = ("qualtrics", "surveymonkey")
_GA4 = ("ga4",)

_STATIC_FIELDS: tuple[Field, ...] = (
    # paths
    Field("paths.landing", "SUPPORT_KPI_LANDING", "data/landing", "landing folder (read)"),
    Field("paths.data_dir", "SUPPORT_KPI_DATA_DIR", "data", "data folder: warehouse, published mart, reports"),
    # reporting
    Field("reporting.currency", "SUPPORT_KPI_REPORTING_CURRENCY", "EUR", "currency money is reported in",
          shapes=(MART,), check=_check_currency),
    Field("reporting.time_zone", "SUPPORT_KPI_REPORTING_TIME_ZONE", "UTC", "IANA zone days and months are cut in",
          shapes=(MART,), check=_check_zone),
    # dbt (the vars of dbt_project.yml are added by _dbt_var_fields)
    Field("dbt.engine", "SUPPORT_KPI_DBT_ENGINE", "duckdb",
          "engine the dbt project builds on: duckdb, or spark (local session, `make spark`)",
          shapes=(MART,), check=_check_dbt_engine),
    Field("dbt.spark_executable", "SUPPORT_KPI_SPARK_DBT", "",
          "dbt with dbt-spark for the spark engine (default: .venv-spark/bin/dbt of the repository, `make spark`)"),
    Field("dbt.spark_memory", "SUPPORT_KPI_SPARK_MEMORY", "4g",
          "heap of the spark engine's local Spark driver (spark.driver.memory; Spark's 1g thrashes at scale 1)",
          check=_check_spark_memory),
    Field("dbt.threads", "SUPPORT_KPI_DBT_THREADS", "2", "dbt threads", check=_check_int(1)),
    Field("dbt.memory", "SUPPORT_KPI_DUCKDB_MEMORY", "2GB", "DuckDB memory_limit of the dbt build",
          check=_check_memory),
    # gates
    Field("gates.orphan_events_pct", "SUPPORT_KPI_GATE_ORPHAN_EVENTS_PCT", "1.0",
          "share of ticket events of an unknown ticket a batch may have", check=_check_number(0, 100)),
    Field("gates.volume_swing_pct", "SUPPORT_KPI_GATE_VOLUME_SWING_PCT", "50.0",
          "month-over-month volume change beyond which the mart gate warns", check=_check_number(0)),
    Field("gates.chunk_rows", "SUPPORT_KPI_GATE_CHUNK_ROWS", "250000", "rows per raw-gate validation chunk",
          check=_check_int(1)),
    Field("gates.engine", "SUPPORT_KPI_GATE_ENGINE", "sql",
          "raw-gate engine: sql (the suites as DuckDB SQL over the batch) or gx (Great Expectations on pandas)",
          check=_check_gate_engine),
    # http
    Field("http.retries", "SUPPORT_KPI_HTTP_RETRIES", "6", "retries of a failed API request"),
    Field("http.backoff_factor", "SUPPORT_KPI_HTTP_BACKOFF_FACTOR", "2.0", "exponential back-off factor (s)"),
    Field("http.timeout_seconds", "SUPPORT_KPI_HTTP_TIMEOUT_SECONDS", "60.0", "API request timeout"),
    Field("http.retry_after_max_seconds", "SUPPORT_KPI_HTTP_RETRY_AFTER_MAX_SECONDS", "600",
          "longest Retry-After honoured"),
    # zendesk: API pull
    Field("zendesk.subdomain", "ZENDESK_SUBDOMAIN", None, "account (<subdomain>.zendesk.com)"),
    Field("zendesk.email", "ZENDESK_EMAIL", None, "API user e-mail"),
    Field("zendesk.api_token", "ZENDESK_API_TOKEN", None, "API token", secret=True),
    Field("zendesk.oauth_token", "ZENDESK_OAUTH_TOKEN", None, "OAuth token", secret=True),
    Field("zendesk.base_url", "SUPPORT_KPI_ZENDESK_BASE_URL", None, "API base URL (instead of the subdomain)"),
    Field("zendesk.requests_per_minute", "SUPPORT_KPI_ZENDESK_REQUESTS_PER_MINUTE", None, "request rate limit"),
    Field("zendesk.start", "SUPPORT_KPI_ZENDESK_START", None, "first day of the first pull"),
    # zendesk: export adapter mapping
    Field("zendesk.channel_map", "SUPPORT_KPI_ZENDESK_CHANNEL_MAP", None, "extra via=channel[:network] pairs",
          shapes=(MART, *_ZENDESK)),
    Field("zendesk.category_field_id", "SUPPORT_KPI_ZENDESK_CATEGORY_FIELD_ID", None, "category ticket field id",
          shapes=(MART, *_ZENDESK)),
    Field("zendesk.category_tag_prefix", "SUPPORT_KPI_ZENDESK_CATEGORY_TAG_PREFIX", "category_",
          "tag prefix giving the category", shapes=(MART, *_ZENDESK)),
    Field("zendesk.escalation_tag", "SUPPORT_KPI_ZENDESK_ESCALATION_TAG", "escalated", "escalation tag",
          shapes=(MART, *_ZENDESK)),
    Field("zendesk.escalation_group_ids", "SUPPORT_KPI_ZENDESK_ESCALATION_GROUP_IDS", None,
          "groups whose assignment is an escalation", shapes=(MART, *_ZENDESK)),
    Field("zendesk.default_priority", "SUPPORT_KPI_ZENDESK_DEFAULT_PRIORITY", "normal", "priority when empty",
          shapes=(MART, *_ZENDESK)),
    # freshdesk: API pull
    Field("freshdesk.domain", "FRESHDESK_DOMAIN", None, "account (<domain>.freshdesk.com)"),
    Field("freshdesk.api_key", "FRESHDESK_API_KEY", None, "API key", secret=True),
    Field("freshdesk.base_url", "SUPPORT_KPI_FRESHDESK_BASE_URL", None, "API base URL (instead of the domain)"),
    Field("freshdesk.requests_per_minute", "SUPPORT_KPI_FRESHDESK_REQUESTS_PER_MINUTE", None, "request rate limit"),
    Field("freshdesk.start", "SUPPORT_KPI_FRESHDESK_START", None, "first day of the first pull"),
    Field("freshdesk.max_page", "SUPPORT_KPI_FRESHDESK_MAX_PAGE", None, "last page the account serves"),
    # freshdesk: export adapter mapping
    Field("freshdesk.statuses", "SUPPORT_KPI_FRESHDESK_STATUSES", None, "extra code=status pairs",
          shapes=(MART, *_FRESHDESK)),
    Field("freshdesk.sources", "SUPPORT_KPI_FRESHDESK_SOURCES", None, "extra code=channel[:network] pairs",
          shapes=(MART, *_FRESHDESK)),
    Field("freshdesk.types", "SUPPORT_KPI_FRESHDESK_TYPES", None, "extra name=ticket_type pairs",
          shapes=(MART, *_FRESHDESK)),
    Field("freshdesk.category_field", "SUPPORT_KPI_FRESHDESK_CATEGORY_FIELD", "cf_category",
          "custom field holding the category", shapes=(MART, *_FRESHDESK)),
    Field("freshdesk.merged_tags", "SUPPORT_KPI_FRESHDESK_MERGED_TAGS", None, "tags of merged tickets",
          shapes=(MART, *_FRESHDESK)),
    # asterisk
    Field("asterisk.wrapup_seconds", "SUPPORT_KPI_ASTERISK_WRAPUP_SECONDS", "0", "queues.conf wrapuptime",
          shapes=(MART, *_ASTERISK), check=_check_number(0)),
    Field("asterisk.outbound_contexts", "SUPPORT_KPI_ASTERISK_OUTBOUND_CONTEXTS", None,
          "CDR dcontext patterns of outbound calls", shapes=(MART, *_CDR)),
    Field("asterisk.cdr_time_zone", "SUPPORT_KPI_ASTERISK_CDR_TIME_ZONE", "UTC", "time zone of CDR times",
          shapes=(MART, *_CDR), check=_check_zone),
    Field("asterisk.cdr_layout", "SUPPORT_KPI_ASTERISK_CDR_LAYOUT", "auto", "CDR column order",
          shapes=(MART, *_CDR)),
    # ga4
    Field("ga4.article_pattern", "SUPPORT_KPI_GA4_ARTICLE_PATTERN", None, "regex of article pages",
          shapes=(MART, *_GA4)),
    Field("ga4.category_pattern", "SUPPORT_KPI_GA4_CATEGORY_PATTERN", None, "regex of category pages",
          shapes=(MART, *_GA4)),
    Field("ga4.forum_pattern", "SUPPORT_KPI_GA4_FORUM_PATTERN", None, "regex of forum pages",
          shapes=(MART, *_GA4)),
    Field("ga4.home_pattern", "SUPPORT_KPI_GA4_HOME_PATTERN", None, "regex of the help-centre home",
          shapes=(MART, *_GA4)),
    Field("ga4.vote_events", "SUPPORT_KPI_GA4_VOTE_EVENTS", "article_vote", "events loaded as article votes",
          shapes=(MART, *_GA4)),
    Field("ga4.vote_param", "SUPPORT_KPI_GA4_VOTE_PARAM", "vote", "event parameter holding the vote",
          shapes=(MART, *_GA4)),
    # surveys
    Field("survey.time_zone", "SUPPORT_KPI_SURVEY_TIME_ZONE", "UTC", "zone of export times without an offset",
          shapes=(MART, *_SURVEYS)),
    Field("survey.question_map", "SUPPORT_KPI_SURVEY_QUESTION_MAP", None,
          "question map CSV (default seeds/survey_question_map.csv)", shapes=(MART, *_SURVEYS), is_file=True),
    # pseudonyms
    Field("pseudonym.key", "SUPPORT_KPI_PSEUDONYM_KEY", None,
          "HMAC key of the mart's pseudonyms (default: <data-dir>/pseudonym.key)", secret=True, shapes=(MART,)),
    # test hooks (dagster_project/testing/faults.py)
    Field("testing.fault_pause", "SUPPORT_KPI_FAULT_PAUSE", None, "test hook: pause points (never in production)"),
    Field("testing.fault_pause_seconds", "SUPPORT_KPI_FAULT_PAUSE_SECONDS", "600", "test hook: pause length",
          check=_check_number(0)),
)

# dbt vars set from a reporting.* setting rather than dbt.vars.*
_DBT_VARS_FROM_REPORTING = {"reporting_currency": "reporting.currency", "reporting_time_zone": "reporting.time_zone"}


def _dbt_var_defaults() -> dict[str, Any]:
    import yaml

    project = yaml.safe_load(_DBT_PROJECT_YML.read_text(encoding="utf-8")) or {}
    return dict(project.get("vars") or {})


def _dbt_var_fields() -> tuple[Field, ...]:
    fields = []
    for name, default in _dbt_var_defaults().items():
        if name in _DBT_VARS_FROM_REPORTING:
            continue
        if not isinstance(default, int | float) or isinstance(default, bool):
            raise SettingsError(f"{_DBT_PROJECT_YML.name}: var {name} has no numeric default ({default!r})")
        fields.append(
            Field(
                f"dbt.vars.{name}",
                f"SUPPORT_KPI_DBT_VAR_{name.upper()}",
                str(default),
                f"dbt var {name}",
                shapes=(MART,),
                check=_check_number(0) if isinstance(default, float) else _check_int(0),
            )
        )
    return tuple(fields)


@lru_cache(maxsize=1)
def _fields() -> tuple[Field, ...]:
    return _STATIC_FIELDS + _dbt_var_fields()


def fields() -> tuple[Field, ...]:
    """Every setting (the dbt vars are those of dbt_project.yml)."""
    return _fields()


def field_by_env(env: str) -> Field | None:
    return next((f for f in fields() if f.env == env), None)


def field_by_key(key: str) -> Field:
    for candidate in fields():
        if candidate.key == key:
            return candidate
    raise KeyError(key)


@dataclass(frozen=True)
class Value:
    text: str | None  # None: unset
    source: str  # "default", the toml path, "env VAR" or "--option"


@dataclass(frozen=True)
class Resolved:
    """Every setting's effective text and where it came from."""

    values: Mapping[str, Value]  # key -> value
    config_path: Path | None = None

    def text(self, key: str) -> str | None:
        return self.values[key].text

    def source(self, key: str) -> str:
        return self.values[key].source

    def env_view(self) -> Mapping[str, str]:
        """Env name -> text of every setting given explicitly (toml, env or CLI): what the vendor
        settings parse (their "unset means built-in default" rules stay theirs)."""
        return {f.env: v.text for f in fields() if (v := self.values[f.key]).source != "default" and v.text is not None}

    def shown(self, key: str) -> str:
        value = self.values[key]
        if value.text is None:
            return "(unset)"
        return MASK if field_by_key(key).secret else value.text

    def where(self, key: str) -> str:
        """`reporting.currency (env SUPPORT_KPI_REPORTING_CURRENCY)` for error messages."""
        return f"{key} (from {self.source(key)})"


# --- reading the sources ----------------------------------------------------------------------


def _toml_items(data: Mapping[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    for name, value in data.items():
        if isinstance(value, dict):
            yield from _toml_items(value, (*prefix, name))
        else:
            yield ".".join((*prefix, name)), value


def config_file(explicit: Path | str | None, environ: Mapping[str, str]) -> Path | None:
    """--config, else env SUPPORT_KPI_CONFIG, else ./support_kpi.toml if present, else none."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise SettingsError(f"--config: no such file {path}")
        return path.resolve()
    from_env = environ.get(CONFIG_ENV, "").strip()
    if from_env:
        path = Path(from_env)
        if not path.is_file():
            raise SettingsError(f"{CONFIG_ENV}: no such file {path}")
        return path.resolve()
    local = Path.cwd() / CONFIG_FILE_NAME
    return local.resolve() if local.is_file() else None


def _toml_text(key: str, value: Any, path: Path) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return ",".join(str(item) for item in value)
    if isinstance(value, dict):
        return ",".join(f"{k}={v}" for k, v in value.items())
    raise SettingsError(f"{path}: {key} must be a string, a number or a list, got {type(value).__name__}")


def _read_toml(path: Path) -> dict[str, str]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"{path}: not a readable TOML file ({error})") from error
    known = {f.key for f in fields()}
    texts: dict[str, str] = {}
    for key, value in _toml_items(data):
        # A mapping (channel map, statuses...) may be written as a toml table under its key.
        head = next((k for k in known if key.startswith(k + ".")), None)
        if head is not None:
            item = key[len(head) + 1 :]
            texts[head] = ",".join(filter(None, [texts.get(head, ""), f"{item}={value}"]))
            continue
        if key not in known:
            raise SettingsError(f"{path}: unknown setting {key!r}")
        texts[key] = _toml_text(key, value, path)
    return texts


def load_resolved(
    config: Path | str | None = None,
    cli: Mapping[str, str | Path | None] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Resolved:
    """Defaults, then the toml file, then the environment, then `cli` (setting key -> value,
    None meaning not given); every value checked (SettingsError names the setting and its source)."""
    env = os.environ if environ is None else environ
    path = config_file(config, env)
    from_toml = _read_toml(path) if path is not None else {}
    values: dict[str, Value] = {}
    for f in fields():
        value = Value(f.default, "default")
        if f.key in from_toml:
            value = Value(from_toml[f.key], str(path))
        if f.env in env:
            value = Value(env[f.env], f"env {f.env}")
        given = (cli or {}).get(f.key)
        if given is not None:
            value = Value(str(given), "--" + f.key.split(".")[-1].replace("_", "-"))
        if value.text is not None and f.check is not None and value.text.strip():
            problem = f.check(value.text.strip())
            if problem:
                shown = MASK if f.secret else value.text
                raise SettingsError(f"{f.key} {problem.replace(repr(value.text.strip()), repr(shown))} "
                                    f"(from {value.source})")
        values[f.key] = value
    unknown_cli = set(cli or {}) - {f.key for f in fields()}
    if unknown_cli:
        raise SettingsError(f"unknown setting(s) {', '.join(sorted(unknown_cli))}")
    return Resolved(values, path)


def load(
    config: Path | str | None = None,
    cli: Mapping[str, str | Path | None] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """The settings, every section built and checked once (errors name the setting and source)."""
    from dagster_project.settings import Settings

    resolved = load_resolved(config, cli, environ)
    settings = Settings.from_resolved(resolved)
    try:
        settings.check()
    except SettingsError:
        raise
    except ValueError as error:
        raise SettingsError(_with_source(str(error), resolved)) from error
    return settings


def _with_source(message: str, resolved: Resolved) -> str:
    """A section's own error names its env variable: add the setting key and where it came from."""
    for f in fields():
        if f.env in message:
            value = resolved.values[f.key]
            return f"{f.key}: {message} (from {value.source})"
    return message


_RELEVANT = re.compile(r"^(SUPPORT_KPI_|ZENDESK_|FRESHDESK_)")


@lru_cache(maxsize=8)
def _cached(snapshot: tuple[tuple[str, str], ...], config: str | None, mtime: int) -> Settings:
    from dagster_project.settings import Settings

    return Settings.from_resolved(load_resolved(config=config, environ=dict(snapshot)))


def current() -> Settings:
    """The settings of this process's environment, for code that is handed none. Loaded once per
    distinct environment and toml file (a test that changes a variable gets a fresh load). Its
    sections are built on first use, so a bad vendor value fails where that vendor is used."""
    snapshot = tuple(sorted((k, v) for k, v in os.environ.items() if _RELEVANT.match(k)))
    path = config_file(None, os.environ)
    mtime = path.stat().st_mtime_ns if path is not None else 0
    return _cached(snapshot, str(path) if path else None, mtime)


def default_settings() -> Settings:
    """Every setting at its default (no toml, no environment): what files loaded before the
    settings were recorded in the ledger were read under, as far as the ledger knows."""
    from dagster_project.settings import Settings

    values = {f.key: Value(f.default, "default") for f in fields()}
    return Settings.from_resolved(Resolved(values))


def current_env() -> Mapping[str, str]:
    """`current()`'s explicitly set values by variable name (what the vendor sections parse)."""
    return current().values().env_view()


# --- what child processes need ----------------------------------------------------------------


def child_env_without_dbt(**overrides: str) -> dict[str, str]:
    """This process's environment without dbt's own variables (DBT_*, which would point a child
    dbt or `mf` at another profile, target or project), plus ``overrides``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DBT_")}
    env.update(overrides)
    return env



@contextmanager
def environment_for_children(name: str, value: str) -> Iterator[None]:
    """``name`` set in this process's environment while a child is started from it (dagster-dbt
    hands dbt the process environment), restored afterwards."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def export(settings: Settings) -> None:
    """Hand the effective paths and toml file to child processes (Dagster code servers, dbt's
    pseudonym plugin): they load the same settings."""
    os.environ["SUPPORT_KPI_LANDING"] = str(settings.landing_dir)
    os.environ["SUPPORT_KPI_DATA_DIR"] = str(settings.data_dir)
    os.environ["SUPPORT_KPI_WAREHOUSE"] = str(settings.warehouse_path)
    if settings.resolved is not None and settings.resolved.config_path is not None:
        os.environ[CONFIG_ENV] = str(settings.resolved.config_path)


def use_config_file(path: Path | str) -> Path:
    """`--config PATH`: this process and its children load their settings from PATH."""
    resolved = config_file(path, {})
    assert resolved is not None
    os.environ[CONFIG_ENV] = str(resolved)
    return resolved


def dagster_home(default: Path | None = None) -> Path | None:
    """Env DAGSTER_HOME (Dagster's own variable); set to `default` when unset and given."""
    if default is not None:
        return Path(os.environ.setdefault("DAGSTER_HOME", str(default)))
    value = os.environ.get("DAGSTER_HOME")
    return Path(value) if value else None


def disable_gx_analytics() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


def ensure_dbt_on_path() -> None:
    """dagster-dbt runs `dbt` from PATH: with an unactivated venv, put the interpreter's bin first."""
    if shutil.which("dbt") is None:
        os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


# --- fingerprints -----------------------------------------------------------------------------


def _file_digest(text: str) -> str:
    path = Path(text)
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return "missing"


def fingerprint_values(settings: Settings, keys: list[str] | None = None) -> dict[str, str]:
    """Setting key -> what the fingerprint records for every mart-shaping setting (or `keys`).
    Secrets are a keyed hash (HMAC of a fixed text under the secret), never the secret."""
    resolved = settings.values()
    out: dict[str, str] = {}
    for f in fields():
        if not f.shapes_mart or (keys is not None and f.key not in keys):
            continue
        text = resolved.text(f.key)
        if f.key == "pseudonym.key":
            key = settings.pseudonym_key_text()
            out[f.key] = "hmac:" + hmac.new(key.encode(), b"support-kpi settings", hashlib.sha256).hexdigest()[:16] \
                if key else "(none)"
            continue
        if text is None:
            out[f.key] = "(default)"
        elif f.is_file:
            out[f.key] = f"{text} sha256:{_file_digest(text)}"
        elif f.key.startswith("dbt.vars."):
            out[f.key] = str(settings.dbt_vars()[f.key.removeprefix("dbt.vars.")])
        elif f.key == "reporting.currency":
            out[f.key] = text.strip().upper()
        else:
            out[f.key] = text.strip()
    # The default question map is a seed (already in the dbt project fingerprint), but the survey
    # adapters read it: its content is part of their mapping.
    if (keys is None or "survey.question_map" in keys) and resolved.text("survey.question_map") is None:
        from dagster_project.adapters.survey_mapping import DEFAULT_MAP

        out["survey.question_map"] = f"(default) sha256:{_file_digest(str(DEFAULT_MAP))}"
    return out


def shown_fingerprint_value(key: str, value: str | None) -> str:
    if value is None:
        return "(not recorded)"
    return MASK if field_by_key(key).secret else value


def adapter_fingerprint(settings: Settings, adapter: str) -> dict[str, str]:
    """The settings an adapter's reading depends on (key -> fingerprint value)."""
    keys = [f.key for f in fields() if adapter in f.adapters]
    return fingerprint_values(settings, keys) if keys else {}


def digest(values: Mapping[str, str]) -> str:
    return hashlib.sha256(json.dumps(dict(sorted(values.items()))).encode()).hexdigest()


@dataclass(frozen=True)
class Change:
    key: str
    old: str | None
    new: str | None

    def __str__(self) -> str:
        old, new = shown_fingerprint_value(self.key, self.old), shown_fingerprint_value(self.key, self.new)
        return f"{self.key} {old} → {new}"


def changes(old: Mapping[str, str], new: Mapping[str, str]) -> list[Change]:
    return [Change(k, old.get(k), new.get(k)) for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]


def describe_changes(found: list[Change]) -> str:
    return "settings changed: " + "; ".join(str(change) for change in found)


@dataclass(frozen=True)
class Listing:
    key: str
    env: str
    value: str
    source: str
    secret: bool
    shapes: list[str] = field(default_factory=list)


def listing(settings: Settings) -> list[Listing]:
    """Every setting as `support-kpi config` shows it (secrets masked)."""
    resolved = settings.values()
    return [
        Listing(f.key, f.env, resolved.shown(f.key), resolved.source(f.key), f.secret, list(f.shapes))
        for f in fields()
    ]
