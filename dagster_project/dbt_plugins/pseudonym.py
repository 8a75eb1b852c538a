"""dbt-duckdb plugin: registers `pseudonym_hmac(varchar) -> varchar` on every dbt connection.

The key is resolved here, inside the dbt process: setting pseudonym.key, loaded by the same
settings loader as the pipeline (dagster_project.config; the profile the pipeline renders passes
its toml file as plugin config ``config_path``), else `pseudonym.key` next to the warehouse file,
i.e. in the data dir (dagster_project.pseudonym.resolve_key). It lives only in this function's
closure: the SQL dbt compiles says `pseudonym_hmac(x)`, so the key is in no compiled model,
manifest, run result or log. Null in, null out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection
from duckdb.sqltypes import VARCHAR

from dagster_project.config import load_resolved
from dagster_project.pseudonym import SQL_FUNCTION, pseudonym, resolve_key


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self._key: bytes | None = None
        self._config_path: str | None = (plugin_config or {}).get("config_path")

    def _data_dir(self) -> Path:
        path = getattr(self.creds, "path", None)
        if not path or str(path) == ":memory:":
            raise RuntimeError("pseudonym plugin: the warehouse has no file path, so no data dir for the key")
        return Path(str(path)).resolve().parent

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        plugin = self

        def hmac_text(value: str) -> str:
            if plugin._key is None:
                configured = load_resolved(config=plugin._config_path).text("pseudonym.key") or ""
                plugin._key = resolve_key(plugin._data_dir(), configured)
            return pseudonym(plugin._key, value)

        conn.create_function(SQL_FUNCTION, hmac_text, [VARCHAR], VARCHAR, side_effects=False)
