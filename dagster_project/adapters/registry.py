"""Every adapter, and which of them feed a contract entity."""

from __future__ import annotations

from pathlib import Path

from dagster_project.adapters.base import Adapter, AdapterOutput
from dagster_project.contract import Entity
from dagster_project.vendors.asterisk import cdr as asterisk_cdr
from dagster_project.vendors.asterisk import queue_log as asterisk_queue_log
from dagster_project.vendors.freshdesk import adapter as freshdesk
from dagster_project.vendors.ga4 import adapter as ga4
from dagster_project.vendors.qualtrics import adapter as qualtrics
from dagster_project.vendors.surveymonkey import adapter as surveymonkey
from dagster_project.vendors.zendesk import adapter as zendesk
from dagster_project.vendors.zendesk import evidence as zendesk_evidence


def _read_queue_log(path: Path, entity: str) -> AdapterOutput:
    return asterisk_queue_log.read_queue_log(path, entity)


def _read_cdr(path: Path, entity: str) -> AdapterOutput:
    return asterisk_cdr.read_cdr(path, entity)


def _read_ga4(path: Path, entity: str) -> AdapterOutput:
    return ga4.read_ga4(path, entity)


# Load order within an entity: the queue_log before the CDR, so a CDR line of a call the queue_log
# already described is recognised and left out.
ADAPTERS: tuple[Adapter, ...] = (
    Adapter(
        name=asterisk_queue_log.NAME,
        source="telephony",
        entities=asterisk_queue_log.ENTITIES,
        read=_read_queue_log,
    ),
    Adapter(
        name=asterisk_cdr.NAME,
        source="telephony",
        entities=asterisk_cdr.ENTITIES,
        read=_read_cdr,
        yields_to=(asterisk_queue_log.NAME,),
    ),
    # Survey exports: survey/qualtrics/ then survey/surveymonkey/ (docs/surveys.md).
    Adapter(
        name=qualtrics.NAME,
        source="survey",
        entities=qualtrics.ENTITIES,
        read=qualtrics.read_qualtrics,
    ),
    Adapter(
        name=surveymonkey.NAME,
        source="survey",
        entities=surveymonkey.ENTITIES,
        read=surveymonkey.read_surveymonkey,
    ),
    # Google Analytics 4 BigQuery export: web/ga4/ (docs/ga4.md).
    Adapter(
        name=ga4.NAME,
        source="web",
        entities=ga4.ENTITIES,
        read=_read_ga4,
    ),
    # Freshdesk API responses / exports: helpdesk/freshdesk/ (docs/freshdesk.md).
    Adapter(
        name=freshdesk.NAME,
        source="helpdesk",
        entities=freshdesk.ENTITIES,
        read=freshdesk.read_freshdesk,
    ),
    # Zendesk API responses / exports: helpdesk/zendesk/ (docs/zendesk.md).
    Adapter(
        name=zendesk.NAME,
        source="helpdesk",
        entities=zendesk.ENTITIES,
        read=zendesk.read_zendesk,
        context=zendesk_evidence.context_fingerprint,
    ),
)

_BY_NAME = {adapter.name: adapter for adapter in ADAPTERS}


def adapters_for(entity: Entity) -> list[Adapter]:
    return [a for a in ADAPTERS if a.source == entity.source and entity.name in a.entities]


def get_adapter(name: str) -> Adapter | None:
    return _BY_NAME.get(name)
