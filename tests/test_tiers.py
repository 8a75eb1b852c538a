"""The test tiers of tests/conftest.py: the fast tier never starts a pipeline, and the lists that
decide the tiers (and the xdist groups) name every fixture and test that builds a warehouse."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests import conftest
from tests.conftest import MODULE_BUILDS, PIPELINE_TESTS, SESSION_BUILDS, run_pipeline, support_kpi

TESTS = Path(__file__).resolve().parent
# Calls that start `support-kpi run` (or, in test_staffing, a dbt build of the project).
PIPELINE_CALLS = ("run_pipeline(", "run_pipeline_on(", "_published(", "_start(", "_dbt(", 'support_kpi("run"')


def _fixture_scope(node: ast.FunctionDef) -> str | None:
    """The scope of a @pytest.fixture ("function", "module", "session"), None for anything else."""
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        target = call.func if call else decorator
        if isinstance(target, ast.Attribute) and target.attr == "fixture":
            for keyword in call.keywords if call else []:
                if keyword.arg == "scope" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
            return "function"
    return None


def _scan() -> tuple[dict[str, tuple[str, set[str], bool]], dict[str, tuple[set[str], bool]]]:
    """Fixtures (name -> scope, arguments, starts a pipeline itself) and tests (node id ->
    arguments, starts a pipeline itself) of every module under tests/."""
    fixtures: dict[str, tuple[str, set[str], bool]] = {}
    tests: dict[str, tuple[set[str], bool]] = {}
    for path in sorted(TESTS.glob("*.py")):
        if path.name == "test_tiers.py":  # starts pipelines on purpose, to see the guard refuse
            continue
        source = path.read_text()
        for node in ast.parse(source).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            body = ast.get_source_segment(source, node) or ""
            runs = node.name != "run_pipeline" and any(call in body for call in PIPELINE_CALLS)
            args = {arg.arg for arg in node.args.args}
            scope = _fixture_scope(node)
            if scope is not None:
                fixtures[node.name] = (scope, args, runs)
            elif node.name.startswith("test_") and path.name.startswith("test_"):
                tests[f"tests/{path.name}::{node.name}"] = (args, runs)
    return fixtures, tests


def _closure(names: set[str], fixtures: dict[str, tuple[str, set[str], bool]]) -> set[str]:
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen or name not in fixtures:
            continue
        seen.add(name)
        todo.extend(fixtures[name][1])
    return seen


def test_every_building_fixture_is_listed_with_its_scope() -> None:
    fixtures, _ = _scan()
    building = {name for name, (_, _, runs) in fixtures.items() if runs}
    # The static scan finds what the lists name; the lists add nothing the scan does not see,
    # except fixtures that build only through another listed fixture.
    assert building, "the scan finds no fixture that runs the pipeline: it is broken"
    assert building <= SESSION_BUILDS | MODULE_BUILDS, building - (SESSION_BUILDS | MODULE_BUILDS)
    for name in SESSION_BUILDS | MODULE_BUILDS:
        assert name in fixtures, f"{name} is listed in tests/conftest.py but defined nowhere"
        scope = fixtures[name][0]
        expected = "session" if name in SESSION_BUILDS else "module"
        assert scope == expected, f"{name} is {scope}-scoped but listed as {expected}"


def test_every_test_that_starts_a_pipeline_is_in_the_pipeline_tier() -> None:
    fixtures, tests = _scan()
    builds = SESSION_BUILDS | MODULE_BUILDS
    unlisted = [
        nodeid
        for nodeid, (args, runs) in tests.items()
        if runs and nodeid not in PIPELINE_TESTS and not _closure(args, fixtures) & builds
    ]
    assert unlisted == []
    for nodeid in PIPELINE_TESTS:
        assert nodeid in tests, f"{nodeid} is listed in tests/conftest.py but is no test"
        assert tests[nodeid][1], f"{nodeid} is listed as a pipeline test but starts no pipeline"


def test_the_fast_tier_refuses_to_start_a_pipeline(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("fast") is not None
    assert request.node.get_closest_marker("pipeline") is None
    # Were the guard broken, these would start real (failing, quick) runs and return normally.
    with pytest.raises(pytest.fail.Exception, match="fast tier"):
        run_pipeline(tmp_path / "no-landing", tmp_path / "data")
    with pytest.raises(pytest.fail.Exception, match="fast tier"):
        support_kpi("run", "--landing", str(tmp_path / "no-landing"), "--data-dir", str(tmp_path / "data"))
    # Other commands stay allowed.
    assert support_kpi("--help").returncode == 0


def test_collected_tests_get_one_tier_and_shared_builds_one_group(request: pytest.FixtureRequest) -> None:
    items = request.session.items
    for item in items:
        tiers = {name for name in ("fast", "pipeline") if item.get_closest_marker(name)}
        assert tiers == {conftest.tier_of(item)}, item.nodeid
    groups: dict[str, set[str]] = {}
    for item in items:
        group = item.get_closest_marker("xdist_group")
        for name in set(getattr(item, "fixturenames", ())) & SESSION_BUILDS:
            assert group is not None, f"{item.nodeid} uses {name} but has no xdist group"
            groups.setdefault(name, set()).add(group.kwargs["name"])
    assert all(len(names) == 1 for names in groups.values()), groups


def test_grouping_joins_tests_that_share_any_build() -> None:
    class Item:
        def __init__(self, nodeid: str, *fixturenames: str) -> None:
            self.nodeid, self.fixturenames = nodeid, list(fixturenames)

    items = [
        Item("tests/test_a.py::one", "golden_run"),
        Item("tests/test_b.py::two", "golden_run", "demo_run"),
        Item("tests/test_c.py::three", "demo_run"),
        Item("tests/test_d.py::four", "chain"),
        Item("tests/test_d.py::five", "chain", "tmp_path"),
        Item("tests/test_e.py::six", "asterisk_mart"),
        Item("tests/test_f.py::seven", "tmp_path"),
    ]
    groups = conftest._build_groups(items)  # type: ignore[arg-type]
    assert groups["tests/test_a.py::one"] == groups["tests/test_b.py::two"] == groups["tests/test_c.py::three"]
    assert groups["tests/test_d.py::four"] == groups["tests/test_d.py::five"] == "tests/test_d.py"
    assert len({groups["tests/test_a.py::one"], groups["tests/test_d.py::four"], groups["tests/test_e.py::six"]}) == 3
    assert "tests/test_f.py::seven" not in groups


class _Item:
    """What longest_first reads of a pytest item: its node id and markers."""

    def __init__(self, nodeid: str, *markers: str) -> None:
        self.nodeid = nodeid
        self.markers = set(markers)

    def get_closest_marker(self, name: str) -> str | None:
        return name if name in self.markers else None


def test_workers_take_the_spark_units_first_then_the_larger_pipeline_units() -> None:
    items = [
        _Item("tests/test_a.py::test_fast_1", "fast"),
        _Item("tests/test_b.py::test_small_group", "pipeline"),
        _Item("tests/test_c.py::test_big_group_1", "pipeline"),
        _Item("tests/test_d.py::test_fast_2", "fast"),
        _Item("tests/test_e.py::test_spark_alone", "pipeline", "spark"),
        _Item("tests/test_c.py::test_big_group_2", "pipeline"),
        _Item("tests/test_f.py::test_spark_in_big_group", "pipeline", "spark"),
        _Item("tests/test_g.py::test_pipeline_alone", "pipeline"),
    ]
    groups = {
        "tests/test_b.py::test_small_group": "small",
        "tests/test_c.py::test_big_group_1": "big",
        "tests/test_c.py::test_big_group_2": "big",
        "tests/test_f.py::test_spark_in_big_group": "big",
    }
    ordered = [item.nodeid.split("::")[1] for item in conftest.longest_first(items, groups)]  # type: ignore[arg-type]
    # a unit with a Spark test is a Spark unit, all its tests together, in collection order
    assert ordered == [
        "test_big_group_1",
        "test_big_group_2",
        "test_spark_in_big_group",
        "test_spark_alone",
        "test_small_group",
        "test_pipeline_alone",
        "test_fast_1",
        "test_fast_2",
    ]
