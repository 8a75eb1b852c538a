"""The dbt project on Apache Spark (issue 17): raw tables as Parquet, `dbt build` on the `spark`
target (`method: session`, local mode), the mart read back as Parquet.

dbt-spark and pyspark live in their own virtual environment (`make spark`: `.venv-spark/`), not
beside the pipeline: with pyspark importable, Great Expectations imports pyspark's Connect
client, which ends a pytest-xdist worker. The pipeline reaches that dbt as a command.
"""
