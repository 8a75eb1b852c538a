"""dbt's saved parse shared by new data dirs (dagster_project/dbt_parse_cache.py), and dbt run in the
data dir so that the profile naming the warehouse relatively is the same text for every data dir.
That dbt accepts a seeded parse and builds the same mart from it: tests/test_determinism.py."""

from __future__ import annotations

from pathlib import Path

from dagster_project import dbt_parse_cache as parse_cache
from dagster_project.dbt_cli import PipelineDbtCliResource
from dagster_project.dbt_profile import dbt_vars, profile, profile_text, write_profile
from dagster_project.project import dbt_project
from dagster_project.settings import Settings


def test_the_key_follows_the_profile_and_the_vars() -> None:
    key = parse_cache.cache_key("profile a", '{"x": 1}')
    assert key == parse_cache.cache_key("profile a", '{"x": 1}')
    assert key != parse_cache.cache_key("profile b", '{"x": 1}')
    assert key != parse_cache.cache_key("profile a", '{"x": 2}')


def test_two_data_dirs_have_the_same_profile_and_vars(tmp_path: Path) -> None:
    """The warehouse path in the profile is relative (dbt runs in the data dir), so the cache key of
    two data dirs with the same settings is the same."""
    first = Settings.from_env(data_dir=tmp_path / "a")
    second = Settings.from_env(data_dir=tmp_path / "b")
    assert profile(first)["support_kpi"]["outputs"]["dev"]["path"] == "warehouse.duckdb"
    assert first.warehouse_path.name == "warehouse.duckdb"
    assert profile_text(first) == profile_text(second)
    assert dbt_vars(first) == dbt_vars(second)


def test_seed_copies_only_into_a_target_without_a_parse(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    target = tmp_path / "target"
    assert not parse_cache.seed(target, "k", cache)  # nothing cached
    cache.mkdir()
    (cache / "k.msgpack").write_bytes(b"cached parse")
    assert parse_cache.seed(target, "k", cache)
    assert (target / parse_cache.PARSE_FILE).read_bytes() == b"cached parse"
    (target / parse_cache.PARSE_FILE).write_bytes(b"this data dir's own parse")
    assert not parse_cache.seed(target, "k", cache)  # a data dir's own parse is never replaced
    assert (target / parse_cache.PARSE_FILE).read_bytes() == b"this data dir's own parse"
    assert not parse_cache.seed(tmp_path / "other", "another key", cache)


def test_keep_saves_a_new_parse_and_leaves_an_equal_one(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    target = tmp_path / "target"
    assert parse_cache.keep(target, "k", cache) == "no saved parse to keep"
    target.mkdir()
    (target / parse_cache.PARSE_FILE).write_bytes(b"parse 1")
    assert parse_cache.keep(target, "k", cache).startswith("saved to ")
    assert (cache / "k.msgpack").read_bytes() == b"parse 1"
    assert parse_cache.keep(target, "k", cache) == "unchanged"
    (target / parse_cache.PARSE_FILE).write_bytes(b"parse 2, after a changed model")
    assert parse_cache.keep(target, "k", cache).startswith("saved to ")
    assert (cache / "k.msgpack").read_bytes() == b"parse 2, after a changed model"
    assert sorted(path.name for path in cache.iterdir()) == ["k.msgpack"]  # no partial file left


def test_keep_reports_a_cache_it_cannot_write(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / parse_cache.PARSE_FILE).write_bytes(b"parse")
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    assert parse_cache.keep(target, "k", blocked).startswith("not saved (")


def test_dbt_runs_in_the_data_dir(tmp_path: Path) -> None:
    """The resource the pipeline builds with runs dbt with the data dir as working folder: `dbt
    debug` there finds the profile's relative warehouse path in that folder."""
    data_dir = tmp_path / "data"
    settings = Settings.from_env(data_dir=data_dir)
    profiles = write_profile(settings)
    resource = PipelineDbtCliResource.in_data_dir(dbt_project, data_dir)
    # its dbt version is answered without a probe, and is the installed one
    assert resource._cli_version == PipelineDbtCliResource(project_dir=dbt_project)._cli_version
    invocation = resource.cli(
        ["debug", "--profiles-dir", str(profiles), "--vars", dbt_vars(settings)],
        raise_on_error=False,
        target_path=tmp_path / "target",
    )
    output = "\n".join(str(event.raw_event.get("info", {}).get("msg", "")) for event in invocation.stream_raw_events())
    assert invocation.is_successful(), output
    assert (data_dir / "warehouse.duckdb").exists()
