"""Quality gates: Great Expectations suites derived from the contract, run as blocking asset checks.

Nothing is imported here: `loading.schema` imports `gates.store`, and GX is imported lazily.
"""
