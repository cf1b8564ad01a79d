"""A spark-submit job: filter a Parquet table of objects by a label selector.

    spark-submit examples/scaleout/spark_job.py INPUT.parquet OUTPUT.parquet SELECTOR [COLUMN]

INPUT has a ``MAP<STRING,STRING>`` labels column (default name ``labels``); the
rows whose labels match SELECTOR are written to OUTPUT. Runs the same on a laptop
(``--master local[2]``) and on a cluster; ship the library with
``--py-files`` (a wheel or zip of labelselector) or install it on the executors.
Both spellings are shown: SQL text with named parameters, and the Column API.
"""

from __future__ import annotations

import sys

from pyspark.sql import SparkSession

from labelselector.spark import to_column
from labelselector.sql import to_sql


def main(src: str, dst: str, selector: str, column: str = "labels") -> int:
    """Copy the rows of src whose labels match selector to dst."""
    spark = SparkSession.builder.appName("labelselector-filter").getOrCreate()
    spark.read.parquet(src).createOrReplaceTempView("objects")

    sql, params = to_sql(selector, "spark", column=column)
    matched = spark.sql(f"SELECT * FROM objects WHERE {sql}", args=params)

    # The same predicate as a Column, for DataFrame code:
    assert matched.count() == spark.table("objects").filter(to_column(selector, column)).count()

    matched.write.mode("overwrite").parquet(dst)
    print(f"{matched.count()} rows match {selector!r} -> {dst}")
    spark.stop()
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:5]))
