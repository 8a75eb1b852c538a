"""Freshdesk: export/API file adapter (`adapter.py`), API pull (`api.py`), settings
(`settings.py`). docs/freshdesk.md.
"""
