"""polars expressions for a selector, over ``Map``, ``List(Struct{key, value})`` or ``Struct`` columns.

Arrow/Parquet maps load as ``Map(String, String)`` in polars releases that have a
map type (2.x) and as ``List(Struct{key, value})`` in those that do not (1.x); the
default layout is the one the installed polars uses, which is also what
:func:`polars_labels` builds. Pass ``dtype`` (e.g. ``df.schema["labels"]``) to pick. A ``Struct`` column (one field per label key, null =
absent) is the fast layout, but its fields must be known when the expression is
built: pass its dtype (``dtype=df.schema["labels"]``); a key without a field is
absent everywhere and compiles to a constant.

Build label columns with :func:`polars_labels` rather than letting polars infer a
struct from dicts: inference looks at the first rows only and silently drops keys
that first appear later.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from ..api import as_selector
from ..selector import Operator
from ..sql._base import INT64_MAX, INT64_MIN, INT64_RE_BODY

if TYPE_CHECKING:
    import polars

__all__ = ["to_polars", "polars_labels", "LABELS_DTYPE_DOC"]

LABELS_DTYPE_DOC = "List(Struct({'key': String, 'value': String}))"
"""The default label column type (how polars holds an Arrow map)."""

_INT_RE = "^" + INT64_RE_BODY + "$"  # Rust regex: $ is the very end without the m flag


def _import_polars() -> Any:
    try:
        import polars
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("to_polars needs polars: pip install 'labelselector[polars]'") from exc
    return polars


def polars_labels(label_sets: Iterable[Mapping[str, str] | None], name: str = "labels") -> polars.Series:
    """A label series holding ``label_sets`` (None stays null) with no key lost.

    ``Map(String, String)`` where polars has it, else ``List(Struct{key, value})``.
    """
    pl = _import_polars()
    if hasattr(pl, "Map"):
        data: list[Any] = [None if ls is None else dict(ls) for ls in label_sets]
        return cast("polars.Series", pl.Series(name, data, dtype=pl.Map(pl.String, pl.String)))
    dtype = pl.List(pl.Struct({"key": pl.String, "value": pl.String}))
    data = [None if ls is None else [{"key": k, "value": v} for k, v in ls.items()] for ls in label_sets]
    return cast("polars.Series", pl.Series(name, data, dtype=dtype))


class _Layout:
    def __init__(self, pl: Any, column: str) -> None:
        self.pl = pl
        self.col = pl.col(column)

    def has(self, key: str) -> Any:
        raise NotImplementedError

    def value(self, key: str) -> Any:
        raise NotImplementedError


class _Entries(_Layout):
    """``List(Struct{key, value})``."""

    def has(self, key: str) -> Any:
        pl = self.pl
        return self.col.list.eval(pl.element().struct.field("key") == pl.lit(key, pl.String)).list.any()

    def value(self, key: str) -> Any:
        pl = self.pl
        el = pl.element()
        return self.col.list.eval(el.filter(el.struct.field("key") == pl.lit(key, pl.String)).struct.field("value")).list.first()


class _Map(_Layout):
    """``Map(String, String)`` (polars 2.x)."""

    def has(self, key: str) -> Any:
        return self.col.map.contains_key(self.pl.lit(key, self.pl.String))

    def value(self, key: str) -> Any:
        return self.col.map.get(self.pl.lit(key, self.pl.String))


class _Fields(_Layout):
    """``Struct`` with one field per key."""

    def __init__(self, pl: Any, column: str, fields: Sequence[str]) -> None:
        super().__init__(pl, column)
        self.fields = frozenset(fields)

    def has(self, key: str) -> Any:
        return self.value(key).is_not_null() if key in self.fields else None

    def value(self, key: str) -> Any:
        return self.col.struct.field(key) if key in self.fields else None


def _int_test(pl: Any, v: Any, lo: int, hi: int) -> Any:
    n = v.str.to_integer(base=10, strict=False)
    return pl.when(v.str.contains(_INT_RE)).then(n.is_between(lo, hi)).otherwise(False)


def to_polars(selector: Any, column: str = "labels", dtype: Any = None) -> polars.Expr:
    """A boolean ``polars.Expr`` selecting the rows whose ``column`` satisfies ``selector``.

    ``dtype`` None means the installed polars' map representation (``Map`` in 2.x,
    ``List(Struct{key, value})`` in 1.x); a ``polars.Struct`` dtype means one field
    per key.
    """
    pl = _import_polars()
    sel = as_selector(selector)
    if sel.is_nothing:
        return cast("polars.Expr", pl.lit(False))
    has_map = hasattr(pl, "Map")
    if dtype is None and has_map or has_map and isinstance(dtype, pl.Map):
        layout: _Layout = _Map(pl, column)
    elif dtype is None or (isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct)):
        layout = _Entries(pl, column)
    elif isinstance(dtype, pl.Struct):
        layout = _Fields(pl, column, [f.name for f in dtype.fields])
    else:
        raise ValueError(f"to_polars reads Map, List(Struct{{key, value}}) or Struct columns, not {dtype}")
    terms = []
    for r in sel.requirements:
        op = r.operator
        if op in (Operator.EXISTS, Operator.DOES_NOT_EXIST):
            t = layout.has(r.key)
            term = pl.lit(False) if t is None else t.fill_null(False)
            terms.append(term if op is Operator.EXISTS else ~term)
            continue
        v = layout.value(r.key)
        if op in (Operator.IN, Operator.NOT_IN):
            term = pl.lit(False)
            if v is not None:  # ORed equalities: is_in's list handling differs across polars versions
                for value in dict.fromkeys(r.values):
                    term = term | (v == pl.lit(value, pl.String)).fill_null(False)
            terms.append(term if op is Operator.IN else ~term)
            continue
        t = r.threshold
        lo, hi = (t + 1, INT64_MAX) if op is Operator.GT else (INT64_MIN, t - 1)
        if v is None or lo > hi:
            terms.append(pl.lit(False))
        else:
            terms.append(_int_test(pl, v, lo, hi).fill_null(False))
    out = pl.lit(True)
    for term in terms:
        out = out & term
    return cast("polars.Expr", out)
