"""TEST-ONLY hooks compiled into the runtime package because they must fire inside a real run.

Inert unless a test sets their environment variable (see `faults.py`); never set it in production.
Reference implementations used only by tests live in `tests/`, and the demo data generator (with its
Erlang C staffing model) in the top-level `demo_generator/` package, apart from the pipeline.
"""
