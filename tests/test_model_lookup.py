"""Macro model_relation (dbt_project/macros/affected_rows.sql): the one lookup of a model named
in Jinja rather than ref()'d, behind meta.affected_by and previous_build_of. A name that matches
no model is a compile error naming who asked, not an empty relation read silently."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import REPO, dbt

MISNAMED = """\
{%- set stored = previous_build_of('int_tickets__slaa') %}
select 1 as one
"""


def test_previous_build_of_a_model_that_does_not_exist_fails_the_compile(tmp_path: Path) -> None:
    project = tmp_path / "dbt_project"
    shutil.copytree(REPO / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    (tmp_path / "seeds").symlink_to(REPO / "seeds")
    (project / "models" / "intermediate" / "incremental" / "int_misnamed_read.sql").write_text(MISNAMED)
    done = dbt(
        "compile",
        "--select",
        "int_misnamed_read",
        warehouse=tmp_path / "warehouse.duckdb",
        work=tmp_path,
        project=project,
    )
    assert done.returncode != 0, done.stdout[-2000:]
    assert "previous_build_of: no model named 'int_tickets__slaa'" in done.stdout, done.stdout[-2000:]
