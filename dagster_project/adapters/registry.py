"""Every adapter, and which of them feed a contract entity."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from dagster_project.adapters.base import Adapter, AdapterOutput, UnreadableFile
from dagster_project.contract import Entity
from dagster_project.vendors.asterisk import cdr as asterisk_cdr
from dagster_project.vendors.asterisk import queue_log as asterisk_queue_log
from dagster_project.vendors.freshdesk import adapter as freshdesk
from dagster_project.vendors.freshdesk.settings import FreshdeskSettingsError
from dagster_project.vendors.ga4 import adapter as ga4
from dagster_project.vendors.ga4.settings import Ga4SettingsError
from dagster_project.vendors.qualtrics import adapter as qualtrics
from dagster_project.vendors.surveymonkey import adapter as surveymonkey
from dagster_project.vendors.zendesk import adapter as zendesk
from dagster_project.vendors.zendesk import evidence as zendesk_evidence
from dagster_project.vendors.zendesk.settings import ZendeskSettingsError

if TYPE_CHECKING:
    from dagster_project.settings import Settings

# Each reader gets the loaded settings (the loader passes them) and hands its vendor's section to
# the adapter; without them the adapter falls back to config.current().


def _section(settings: Settings | None, name: str, unreadable: type[Exception] | None = None) -> Any:
    """The vendor's section; a bad value of an adapter that reports it per file (as when it
    builds the section itself) makes the file unreadable, naming the variable."""
    if settings is None:
        return None
    if unreadable is None:
        return getattr(settings, name)
    try:
        return getattr(settings, name)
    except unreadable as error:
        raise UnreadableFile(str(error)) from error


def _read_queue_log(path: Path, entity: str, settings: Settings | None = None) -> AdapterOutput:
    return asterisk_queue_log.read_queue_log(path, entity, _section(settings, "asterisk"))


def _read_cdr(path: Path, entity: str, settings: Settings | None = None) -> AdapterOutput:
    return asterisk_cdr.read_cdr(path, entity, _section(settings, "asterisk"))


def _read_ga4(path: Path, entity: str, settings: Settings | None = None) -> AdapterOutput:
    return ga4.read_ga4(path, entity, _section(settings, "ga4", Ga4SettingsError))


def _read_freshdesk(path: Path, entity: str, settings: Settings | None = None) -> AdapterOutput:
    return freshdesk.read_freshdesk(path, entity, _section(settings, "freshdesk", FreshdeskSettingsError))


def _read_zendesk(path: Path, entity: str, settings: Settings | None = None) -> AdapterOutput:
    return zendesk.read_zendesk(path, entity, _section(settings, "zendesk", ZendeskSettingsError))


def _read_qualtrics(path: Path, entity: str, settings: Settings | None = None) -> AdapterOutput:
    return qualtrics.read_qualtrics(path, entity)


def _read_surveymonkey(path: Path, entity: str, settings: Settings | None = None) -> AdapterOutput:
    return surveymonkey.read_surveymonkey(path, entity)


# Load order within an entity: the queue_log before the CDR, so a CDR line of a call the queue_log
# already described is recognised and left out.
ADAPTERS: tuple[Adapter, ...] = (
    Adapter(
        name=asterisk_queue_log.NAME,
        source="telephony",
        entities=asterisk_queue_log.ENTITIES,
        read=_read_queue_log,
        takes_settings=True,
    ),
    Adapter(
        name=asterisk_cdr.NAME,
        source="telephony",
        entities=asterisk_cdr.ENTITIES,
        read=_read_cdr,
        takes_settings=True,
        yields_to=(asterisk_queue_log.NAME,),
    ),
    # Survey exports: survey/qualtrics/ then survey/surveymonkey/ (docs/surveys.md).
    Adapter(
        name=qualtrics.NAME,
        source="survey",
        entities=qualtrics.ENTITIES,
        read=_read_qualtrics,
        takes_settings=True,
    ),
    Adapter(
        name=surveymonkey.NAME,
        source="survey",
        entities=surveymonkey.ENTITIES,
        read=_read_surveymonkey,
        takes_settings=True,
    ),
    # Google Analytics 4 BigQuery export: web/ga4/ (docs/ga4.md).
    Adapter(
        name=ga4.NAME,
        source="web",
        entities=ga4.ENTITIES,
        read=_read_ga4,
        takes_settings=True,
    ),
    # Freshdesk API responses / exports: helpdesk/freshdesk/ (docs/freshdesk.md).
    Adapter(
        name=freshdesk.NAME,
        source="helpdesk",
        entities=freshdesk.ENTITIES,
        read=_read_freshdesk,
        takes_settings=True,
    ),
    # Zendesk API responses / exports: helpdesk/zendesk/ (docs/zendesk.md).
    Adapter(
        name=zendesk.NAME,
        source="helpdesk",
        entities=zendesk.ENTITIES,
        read=_read_zendesk,
        takes_settings=True,
        context=zendesk_evidence.context_fingerprint,
    ),
)

_BY_NAME = {adapter.name: adapter for adapter in ADAPTERS}


def adapters_for(entity: Entity) -> list[Adapter]:
    return [a for a in ADAPTERS if a.source == entity.source and entity.name in a.entities]


def get_adapter(name: str) -> Adapter | None:
    return _BY_NAME.get(name)
