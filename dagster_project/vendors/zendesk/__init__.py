"""Zendesk: export/API file adapter (`adapter.py`, `records.py`, `evidence.py`), incremental API
pull (`api.py`), settings (`settings.py`). docs/zendesk.md.
"""
