"""The package layout shows the architecture (issue 13 item 3): vendor code in one folder per vendor,
the demo generator apart from the pipeline, test-only hooks marked."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PIPELINE = REPO / "dagster_project"
VENDORS = ("zendesk", "freshdesk", "asterisk", "qualtrics", "surveymonkey", "ga4")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_pipeline_never_imports_the_demo_generator_except_the_generate_command() -> None:
    offenders = {
        str(path.relative_to(REPO))
        for path in PIPELINE.rglob("*.py")
        if any(name.split(".")[0] == "demo_generator" for name in _imports(path))
    }
    assert offenders == {"dagster_project/cli.py"}, offenders


def test_vendor_modules_live_in_their_vendor_folder() -> None:
    """No module named after a vendor outside `dagster_project/vendors/<vendor>/`."""
    misplaced = [
        str(path.relative_to(REPO))
        for path in PIPELINE.rglob("*.py")
        if "vendors" not in path.relative_to(PIPELINE).parts
        and any(path.stem.startswith(vendor) or path.stem.startswith("queue_log") for vendor in VENDORS)
    ]
    assert misplaced == []
    for vendor in VENDORS:
        assert (PIPELINE / "vendors" / vendor / "__init__.py").is_file(), vendor


def test_test_only_hooks_are_in_the_marked_testing_package() -> None:
    """The fault hook is imported from `dagster_project.testing` only, whose docstring says test-only."""
    import dagster_project.testing

    assert "TEST-ONLY" in (dagster_project.testing.__doc__ or "")
    assert not (PIPELINE / "faults.py").exists()
    assert not (PIPELINE / "staffing.py").exists()
