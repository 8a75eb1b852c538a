"""Run scripts/baseline_helpdesk.sql (the single-script helpdesk baseline) over a landing dir."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import duckdb

SCRIPT = Path(__file__).resolve().parent / "baseline_helpdesk.sql"


def baseline_sql(landing: Path) -> str:
    """The script with {landing} replaced by the landing directory (single quotes escaped)."""
    if not (landing / "helpdesk" / "tickets").is_dir():
        raise FileNotFoundError(f"baseline: no helpdesk/tickets folder under landing dir {landing}")
    return SCRIPT.read_text().replace("{landing}", str(landing.resolve()).replace("'", "''"))


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
