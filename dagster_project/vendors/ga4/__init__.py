"""Google Analytics 4 BigQuery export: file adapter (`adapter.py`) and settings (`settings.py`). docs/ga4.md."""
