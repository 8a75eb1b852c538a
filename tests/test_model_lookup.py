"""Macro model_relation (dbt_project/macros/affected_rows.sql): the one lookup of a model named
in Jinja rather than ref()'d, behind meta.affected_by and previous_build_of. A name that matches
no model is a compile error naming who asked, not an empty relation read silently."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import dbt

MISNAMED = """\
{%- set stored = previous_build_of('int_tickets__slaa') %}
select 1 as one
"""


def test_previous_build_of_a_model_that_does_not_exist_fails_the_compile(project_copy: Path, tmp_path: Path) -> None:
    project = project_copy
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
