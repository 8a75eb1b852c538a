"""``python -m dagster_project.dbt_in_data_dir <data-dir> <dbt args>``: dbt run in the data dir.

The pipeline's profile names the warehouse by a path relative to the data dir (``warehouse.duckdb``,
dbt_profile.py), so the profile is the same text for every data dir with the same settings. dbt's
partial parsing hashes the profile's connection fields, the warehouse path among them: with an
absolute path, every new data dir made dbt parse the whole project again (~5-9 s of a first run),
and a parse saved by one data dir could not serve another (dbt_parse_cache.py).

dagster-dbt starts dbt with the dbt project as working folder and names the project in
``DBT_PROJECT_DIR``, which dbt reads for ``--project-dir``; this entry point moves into the data
dir, then runs dbt's own command line, as the ``dbt`` console script does.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    folder, *args = sys.argv[1:] if argv is None else argv
    os.chdir(folder)
    from dbt.cli.main import cli

    sys.argv = ["dbt", *args]
    sys.exit(cli())


if __name__ == "__main__":
    main()
