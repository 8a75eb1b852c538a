"""Asterisk: queue_log adapter (`queue_log*.py`), CDR adapter (`cdr.py`, `cdr_layout.py`), settings
(`settings.py`). docs/asterisk.md.
"""
