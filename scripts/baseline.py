"""Run scripts/baseline_helpdesk.sql (the single-script helpdesk baseline) over a landing dir."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import duckdb

SCRIPT = Path(__file__).resolve().parent / "baseline_helpdesk.sql"


ENTITIES = ("tickets", "ticket_events")


def reader(folder: Path) -> str:
    """A DuckDB table function reading every landing file of one helpdesk entity folder."""
    if not folder.is_dir():
        raise FileNotFoundError(f"baseline: no folder {folder} (landing dir without helpdesk {folder.name})")
    quoted = str(folder.resolve()).replace("'", "''")
    if any(folder.glob("*.parquet")):
        if any(folder.glob("*.csv*")):
            raise ValueError(f"baseline: {folder} mixes .parquet and .csv files; the baseline reads one format")
        return f"read_parquet('{quoted}/*.parquet', filename = true, union_by_name = true)"
    if any(folder.glob("*.csv*")):
        return f"read_csv('{quoted}/*.csv*', all_varchar = true, filename = true, union_by_name = true)"
    raise FileNotFoundError(f"baseline: no .parquet or .csv files in {folder}")


def baseline_sql(landing: Path) -> str:
    """The script with {tickets} / {ticket_events} replaced by readers of the landing folders."""
    sql = SCRIPT.read_text()
    for entity in ENTITIES:
        sql = sql.replace("{" + entity + "}", reader(landing / "helpdesk" / entity))
    return sql


def run_baseline(landing: Path) -> list[tuple[dt.date, str, float]]:
    """Execute the baseline script in memory and return its (month, kpi_id, value) rows."""
    code = "\n".join(line for line in baseline_sql(landing).splitlines() if not line.lstrip().startswith("--"))
    statements = [s for s in code.split(";") if s.strip()]
    con = duckdb.connect()
    try:
        for statement in statements[:-1]:
            con.execute(statement)
        return [(row[0], row[1], float(row[2])) for row in con.execute(statements[-1]).fetchall()]
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--landing", type=Path, required=True)
    args = parser.parse_args()
    for month, kpi_id, value in run_baseline(args.landing):
        print(f"{month}\t{kpi_id}\t{value!r}")


if __name__ == "__main__":
    main()
