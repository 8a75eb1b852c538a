"""One asset per helpdesk vendor API: pull new pages into ``<landing>/helpdesk/<vendor>/``.

The raw helpdesk assets depend on them, so ``daily_kpi_job`` pulls first, then loads the pages.
Without an account in the environment (``ZENDESK_SUBDOMAIN`` / ``FRESHDESK_DOMAIN``) an asset does
nothing and says so in its metadata. Credentials never reach the metadata or the logs.
"""

import dagster as dg

from dagster_project.connectors import VENDORS, pull_vendor
from dagster_project.defs.resources import PipelineSettings

PULL_ASSET_KEYS: tuple[dg.AssetKey, ...] = tuple(dg.AssetKey(["connectors", vendor]) for vendor in VENDORS)


def pull_metadata(metadata: dict) -> dict[str, object]:
    """Dagster metadata of a pull: numbers as they are, nested values as JSON."""
    return {
        name: dg.MetadataValue.json(value) if isinstance(value, dict | list) else value
        for name, value in metadata.items()
    }


def build_pull_asset(vendor: str) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey(["connectors", vendor]),
        group_name="helpdesk",
        kinds={"python", vendor},
        description=(
            f"Pulls {vendor.capitalize()} through its incremental API into `<landing>/helpdesk/{vendor}/` "
            f"(one file per response page); cursor state in `<data-dir>/connectors/{vendor}.json`. "
            "A no-op when the account is not configured. See docs/connectors.md."
        ),
        tags={"layer": "source"},
    )
    def _pull(context: dg.AssetExecutionContext, pipeline: PipelineSettings) -> dg.MaterializeResult:
        settings = pipeline.settings()
        result = pull_vendor(vendor, settings.landing_dir, settings.data_dir, log=context.log)
        if not result.configured:
            context.log.info(f"{vendor}: {result.reason}")
        return dg.MaterializeResult(metadata=pull_metadata(result.metadata()))

    return _pull


pull_assets = [build_pull_asset(vendor) for vendor in VENDORS]


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=pull_assets)
