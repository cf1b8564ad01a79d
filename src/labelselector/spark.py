"""Selectors as PySpark columns: :func:`to_column`.

The Column API twin of ``to_sql(selector, "spark")``, for DataFrame code:
``df.filter(to_column("env=prod,!canary"))``. Same rules: every term is TRUE or
FALSE (a NULL map is the empty label set), keys and values are literals, and
``k>n``/``k<n`` accept exactly Go's int64 strings (the regex is anchored with
``\\z``: Java's ``$`` also matches before a final newline; the cast sits behind it
because Spark's casts trim whitespace and NUL). Needs the ``spark`` extra.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .api import as_selector
from .selector import Operator
from .sql._base import INT64_MAX, INT64_MIN
from .sql.spark import INT64_JAVA_RE

if TYPE_CHECKING:
    import pyspark.sql

__all__ = ["to_column"]


def to_column(selector: Any, column: str = "labels") -> pyspark.sql.Column:
    """A boolean ``pyspark.sql.Column`` over the ``MAP<STRING,STRING>`` ``column``."""
    try:
        from pyspark.sql import functions as F
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("to_column needs pyspark: pip install 'labelselector[spark]'") from exc
    sel = as_selector(selector)
    false: pyspark.sql.Column = F.lit(False)
    if sel.is_nothing:
        return false
    labels = F.col(column)
    out: pyspark.sql.Column = F.lit(True)
    for r in sel.requirements:
        op = r.operator
        key = F.lit(r.key)
        if op in (Operator.EXISTS, Operator.DOES_NOT_EXIST):
            term = F.coalesce(F.map_contains_key(labels, key), false)
            term = term if op is Operator.EXISTS else ~term
        else:
            value = F.try_element_at(labels, key)
            if op in (Operator.IN, Operator.NOT_IN):
                term = F.coalesce(value.isin([F.lit(v) for v in dict.fromkeys(r.values)]), false)
                term = term if op is Operator.IN else ~term
            else:
                t = r.threshold
                lo, hi = (t + 1, INT64_MAX) if op is Operator.GT else (INT64_MIN, t - 1)
                if lo > hi:
                    term = false
                else:
                    # After the regex at most 19 significant digits remain: DECIMAL(20,0)
                    # holds every one of them, so the cast cannot fail, even in ANSI mode.
                    number = value.cast("decimal(20,0)")
                    term = F.when(value.rlike(INT64_JAVA_RE), F.coalesce(number.between(lo, hi), false)).otherwise(false)
        out = out & term
    return out
