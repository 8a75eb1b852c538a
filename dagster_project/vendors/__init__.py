"""One folder per vendor, as dlt's verified sources keep them: everything that knows a vendor's
format lives in its folder — the file adapter that turns its exports into landing-contract rows
(`adapter.py`, registered in `dagster_project/adapters/registry.py`), its API pull when it has one
(`api.py`, registered in `dagster_project/connectors/`), and its settings (`settings.py`).

- `zendesk/`, `freshdesk/`: helpdesk exports and incremental APIs (docs/zendesk.md, docs/freshdesk.md)
- `asterisk/`: queue_log and CDR files (docs/asterisk.md)
- `qualtrics/`, `surveymonkey/`: survey exports (docs/surveys.md; shared export helpers in
  `dagster_project/adapters/survey_export.py` and `survey_mapping.py`)
- `ga4/`: Google Analytics 4 BigQuery export (docs/ga4.md)
"""
