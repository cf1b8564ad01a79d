"""pyarrow compute expressions for a selector over a ``map<string, string>`` column.

The result is a ``pyarrow.compute.Expression``, usable as
``dataset.to_table(filter=...)`` (Parquet included) or ``table.filter(...)``.

Arrow evaluates both sides of ``if_else`` and its string-to-int64 cast raises on
what it cannot read (``'+5'``, out of range) while accepting what Go rejects
(``'0x10'``). So the int64 test first checks Go's syntax with an RE2 full match,
then rewrites the text into a form the cast always reads (no ``+``, no leading
zeros, ``'0'`` for anything rejected, range checked as text), and only then casts.
"""

from __future__ import annotations

from typing import Any

from ..api import as_selector
from ..selector import Operator
from ..sql._base import INT64_MAX, INT64_MIN, INT64_RE_BODY

__all__ = ["to_arrow"]

_INT_RE = "^" + INT64_RE_BODY + "$"  # RE2: $ is the very end


def _import_arrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("to_arrow needs pyarrow: pip install 'labelselector[arrow]'") from exc
    return pa, pc


def _int_test(pa: Any, pc: Any, v: Any, lo: int, hi: int) -> Any:
    ok = pc.match_substring_regex(v, _INT_RE)
    signed = pc.replace_substring_regex(pc.if_else(ok, v, "0"), pattern=r"^\+", replacement="")
    neg = pc.starts_with(signed, "-")
    digits = pc.replace_substring_regex(signed, pattern=r"^-?0*([0-9])", replacement=r"\1")
    short = pc.less(pc.utf8_length(digits), 19)
    within = pc.if_else(neg, pc.less_equal(digits, str(-INT64_MIN)), pc.less_equal(digits, str(INT64_MAX)))
    ok = pc.and_kleene(ok, pc.or_kleene(short, within))
    text = pc.if_else(ok, pc.binary_join_element_wise(pc.if_else(neg, "-", ""), digits, ""), "0")
    n = text.cast(pa.int64())
    hit = pc.and_kleene(ok, pc.and_kleene(pc.greater_equal(n, lo), pc.less_equal(n, hi)))
    return pc.coalesce(hit, False)


def to_arrow(selector: Any, column: str = "labels") -> Any:
    """A boolean ``pyarrow.compute.Expression`` over the ``map<string, string>`` ``column``."""
    pa, pc = _import_arrow()
    sel = as_selector(selector)
    if sel.is_nothing:
        return pc.scalar(False)
    col = pc.field(column)
    out = pc.scalar(True)
    for r in sel.requirements:
        op = r.operator
        v = pc.map_lookup(col, pa.scalar(r.key, pa.string()), "first")
        if op in (Operator.EXISTS, Operator.DOES_NOT_EXIST):
            term = pc.is_valid(v)
            term = term if op is Operator.EXISTS else pc.invert(term)
        elif op in (Operator.IN, Operator.NOT_IN):
            term = pc.is_in(v, value_set=pa.array(list(dict.fromkeys(r.values)), pa.string()))
            term = term if op is Operator.IN else pc.invert(term)
        else:
            t = r.threshold
            lo, hi = (t + 1, INT64_MAX) if op is Operator.GT else (INT64_MIN, t - 1)
            term = pc.scalar(False) if lo > hi else _int_test(pa, pc, v, lo, hi)
        out = pc.and_kleene(out, term)
    return out
