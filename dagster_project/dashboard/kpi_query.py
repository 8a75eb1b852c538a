"""A KPI of the registry by month and any dimensions of its semantic model, computed from its one
declaration: the semantic manifest published beside the mart (`<data-dir>/semantic_manifest.json`,
what MetricFlow reads). The dashboard never types a KPI's formula again: the measures' aggregates
and the metric's own expr come from the manifest, as `int_scorecard__registry` builds the scorecard
(macros/kpi_registry.sql)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_AGGREGATES = {
    "sum": "sum({})",
    "count": "count({})",
    "count_distinct": "count(distinct {})",
    "sum_boolean": "sum(cast({} as integer))",
    "min": "min({})",
    "max": "max({})",
}


class KpiQueryError(ValueError):
    """The KPI cannot be grouped this way (inputs from several semantic models, an unknown dimension)."""


@dataclass(frozen=True)
class _Input:
    metric: str
    aggregate: str
    table: str
    time_column: str
    semantic_model: dict[str, Any]


class KpiQuery:
    """SQL for a KPI's value (and its inputs) by month and dimensions, over the published mart."""

    def __init__(self, manifest: dict[str, Any]) -> None:
        self._metrics = {metric["name"]: metric for metric in manifest["metrics"]}
        self._measures = {
            measure["name"]: (measure, model) for model in manifest["semantic_models"] for measure in model["measures"]
        }

    @classmethod
    def from_file(cls, path: Path) -> KpiQuery:
        return cls(json.loads(path.read_text()))

    def kpi(self, kpi_id: str) -> dict[str, Any]:
        metric = self._metrics.get(kpi_id)
        if metric is None or not (metric.get("config") or {}).get("meta", {}).get("kpi"):
            raise KpiQueryError(f"{kpi_id} is not a KPI of the registry")
        return metric

    def _input(self, name: str) -> _Input:
        metric = self._metrics[name]
        measure, model = self._measures[metric["type_params"]["measure"]["name"]]
        time_dimension = measure.get("agg_time_dimension") or model["defaults"]["agg_time_dimension"]
        dimension = next(d for d in model["dimensions"] if d["name"] == time_dimension)
        relation = model["node_relation"]
        return _Input(
            metric=name,
            aggregate=_AGGREGATES[measure["agg"]].format(measure.get("expr") or measure["name"]),
            table=f"{relation['schema_name']}.{relation['alias']}",
            time_column=dimension.get("expr") or dimension["name"],
            semantic_model=model,
        )

    def sql(self, kpi_id: str, by: tuple[str, ...] = (), where: str = "") -> str:
        """``select month, <by...>, value`` of the KPI: each input's aggregate over the rows of a
        month (and group), the KPI's expr over them. ``by`` names dimensions or entities of the
        KPI's semantic model; ``where`` filters that model's rows (SQL over its columns)."""
        metric = self.kpi(kpi_id)
        if metric["type"] == "simple":
            names, value = [kpi_id], kpi_id
        else:
            if any(i.get("offset_window") for i in metric["type_params"]["metrics"]):
                raise KpiQueryError(f"{kpi_id} compares with the previous month: no grouping")
            names, value = sorted({i["name"] for i in metric["type_params"]["metrics"]}), metric["type_params"]["expr"]
        inputs = [self._input(name) for name in names]
        if len({(i.table, i.time_column) for i in inputs}) != 1:
            raise KpiQueryError(f"{kpi_id}: its inputs come from several tables or time dimensions")
        model = inputs[0].semantic_model
        columns = {d["name"]: d.get("expr") or d["name"] for d in model["dimensions"]}
        columns |= {e["name"]: e.get("expr") or e["name"] for e in model["entities"]}
        unknown = [name for name in by if name not in columns]
        if unknown:
            raise KpiQueryError(f"{kpi_id}: {model['name']} has no dimension {', '.join(unknown)}")
        grouped = "".join(f", {columns[name]} as {name}" for name in by)
        aggregates = ", ".join(f"{i.aggregate} as {i.metric}" for i in inputs)
        filters = f"{inputs[0].time_column} is not null" + (f" and ({where})" if where else "")
        listed = "".join(f", {name}" for name in by)
        return (
            f"select month{listed}, cast({value} as double) as value from ("
            f"select {inputs[0].time_column} as month{grouped}, {aggregates} "
            f"from {inputs[0].table} where {filters} group by all)"
        )
