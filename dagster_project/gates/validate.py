"""Run gate suites on pandas frames with Great Expectations 1.x and write the run's Data Docs.

One `GxSession` per check: an ephemeral GX context with a pandas data source and a Data Docs site
under the check's docs folder. Every validation goes through a checkpoint, so its result lands
in the context's result store and in the Data Docs built at the end.
"""

from __future__ import annotations

import contextlib
import logging
import math
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dagster_project.config import disable_gx_analytics
from dagster_project.gates.suites import GateExpectation, build_suite

# GX logs every metric calculation and data-docs page at INFO/WARNING; keep the pipeline log readable.
for _name in ("great_expectations", "great_expectations.core", "great_expectations.data_context"):
    logging.getLogger(_name).setLevel(logging.ERROR)


@dataclass
class ExpectationOutcome:
    """One expectation on one frame: GX's verdict and the failing rows it reported."""

    expectation: GateExpectation
    success: bool
    element_count: int
    unexpected_count: int
    # Failing rows as {column: value} (index columns + checked columns), all of them
    unexpected_rows: list[dict[str, Any]] = field(default_factory=list)
    observed_value: Any = None
    exception: str | None = None


def json_safe(value: Any) -> Any:
    """numpy / pandas scalars and timestamps as plain JSON values (NaN/NaT/NA -> None)."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        with contextlib.suppress(ValueError, TypeError):
            value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (datetime, date)):
        text = value.isoformat()  # pandas' NaT is a datetime whose isoformat() is "NaT"
        return None if text == "NaT" else text
    if isinstance(value, (bool, int, float, str)):
        return value
    text = str(value)
    return None if text in ("NaT", "<NA>", "nan") else text


class GxSession:
    """Ephemeral GX context for one gate check; Data Docs go to `docs_dir`."""

    SITE = "gates"

    def __init__(self, docs_dir: Path | None) -> None:
        # No usage statistics sent from the pipeline; no deprecation noise from GX's imports.
        disable_gx_analytics()
        warnings.filterwarnings("ignore", message="module 'sre_", category=DeprecationWarning)
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig
        from great_expectations.execution_engine import pandas_execution_engine

        # GX labels every pandas batch below 1 GB with an md5 of the whole frame (the batch marker
        # `pandas_data_fingerprint`), which nothing here reads: it cost a quarter of the
        # ticket_events gate at scale 10 (25.1 -> 17.3 s). A threshold of 0 skips it.
        pandas_execution_engine.HASH_THRESHOLD = 0
        self._gx = gx
        self.context = gx.get_context(mode="ephemeral")
        # No tqdm progress bars in the pipeline log.
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        self.docs_dir = docs_dir
        if docs_dir is not None:
            docs_dir.mkdir(parents=True, exist_ok=True)
            self.context.add_data_docs_site(
                site_name=self.SITE,
                site_config={
                    "class_name": "SiteBuilder",
                    "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                    "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                },
            )
        self._asset = self.context.data_sources.add_pandas("gates").add_dataframe_asset("frame")
        self._batch_definition = self._asset.add_batch_definition_whole_dataframe("whole_frame")
        self._checkpoints: dict[str, Any] = {}

    def _checkpoint(self, suite_name: str, expectations: list[GateExpectation], index_columns: list[str]) -> Any:
        if suite_name not in self._checkpoints:
            gx = self._gx
            suite = self.context.suites.add(build_suite(suite_name, expectations))
            definition = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=suite_name, data=self._batch_definition, suite=suite)
            )
            self._checkpoints[suite_name] = self.context.checkpoints.add(
                gx.Checkpoint(
                    name=suite_name,
                    validation_definitions=[definition],
                    result_format={"result_format": "COMPLETE", "unexpected_index_column_names": index_columns},
                )
            )
        return self._checkpoints[suite_name]

    def validate(
        self,
        suite_name: str,
        expectations: list[GateExpectation],
        frame: Any,
        index_columns: list[str],
    ) -> list[ExpectationOutcome]:
        """Validate `frame` (a pandas DataFrame) with the suite; outcomes in the suite's order."""
        checkpoint = self._checkpoint(suite_name, expectations, index_columns)
        result = checkpoint.run(batch_parameters={"dataframe": frame})
        by_label = {item.label: item for item in expectations}
        outcomes: list[ExpectationOutcome] = []
        for validation in result.run_results.values():
            for item in validation.results:
                label = (item.expectation_config.meta or {}).get("label")
                declared = by_label[label]
                details = item.result or {}
                exception = None
                if item.exception_info and item.exception_info.get("raised_exception"):
                    exception = str(item.exception_info.get("exception_message"))
                rows = [
                    {key: json_safe(value) for key, value in row.items()}
                    for row in details.get("unexpected_index_list") or []
                    if isinstance(row, dict)
                ]
                outcomes.append(
                    ExpectationOutcome(
                        expectation=declared,
                        success=bool(item.success),
                        element_count=int(details.get("element_count") or len(frame)),
                        unexpected_count=int(details.get("unexpected_count") or 0),
                        unexpected_rows=rows,
                        observed_value=json_safe(details.get("observed_value")),
                        exception=exception,
                    )
                )
        return outcomes

    def build_docs(self) -> Path | None:
        """Write the Data Docs site; the path of its index.html (None without a docs folder)."""
        if self.docs_dir is None:
            return None
        self.context.build_data_docs(site_names=[self.SITE])
        return self.docs_dir / "index.html"
