"""Selectors as dataframe expressions: :func:`to_polars` and :func:`to_arrow`.

Same guarantees as :mod:`labelselector.sql`: every expression is TRUE or FALSE,
never null (a null labels value is the empty label set), ``Selector.everything()``
is a literal TRUE and ``Selector.nothing()`` a literal FALSE, keys and values are
library literals (never parsed as column names or patterns), and ``k>n``/``k<n``
follow Go's ``strconv.ParseInt`` exactly.

polars needs the ``polars`` extra and pyarrow the ``arrow`` extra; each is imported
only when its function is called.
"""

from __future__ import annotations

from ._arrow import to_arrow
from ._polars import polars_labels, to_polars

__all__ = ["to_polars", "to_arrow", "polars_labels"]
