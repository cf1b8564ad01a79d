"""to_sql without an engine: API shape, constants, errors, and injection-proof text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labelselector import Operator, Requirement, Selector
from labelselector.sql import DIALECTS, SqlFragment, to_sql

from .scaleout_strategies import selectors

LAYOUTS = [
    ("duckdb", None), ("duckdb", "json"), ("duckdb", {"a": "col_a"}),
    ("sqlite", None), ("sqlite", {"a": "col_a"}),
    ("postgres", None), ("postgres", "hstore"), ("postgres", {"a": "col_a"}),
    ("spark", None), ("spark", {"a": "col_a"}),
]  # fmt: skip


def test_fragment_unpacks() -> None:
    frag = to_sql("env=prod", "postgres")
    assert isinstance(frag, SqlFragment)
    sql, params = frag
    assert (sql, params) == (frag.sql, frag.params) == ("(labels IS NOT NULL AND (labels @> %s::jsonb))", ['{"env": "prod"}'])
    assert to_sql("env=prod", "spark").params == {"ls0": "env", "ls1": "prod"}
    assert to_sql("env=prod", "sqlite", column="t.lbl").sql.count("json_each(t.lbl)") == 1


@pytest.mark.parametrize(("dialect", "layout"), LAYOUTS)
def test_everything_and_nothing(dialect: str, layout: object) -> None:
    assert tuple(to_sql(Selector.everything(), dialect, layout=layout)) == ("TRUE", [] if dialect != "spark" else {})
    assert to_sql(None, dialect, layout=layout).sql == "FALSE"
    assert to_sql("", dialect, layout=layout).sql == "TRUE"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_columns_layout_unknown_key_is_constant(dialect: str) -> None:
    layout = {"a": "col_a"}
    assert to_sql("zz", dialect, layout=layout).sql == "FALSE"
    assert to_sql("!zz,zz notin (1),zz!=2", dialect, layout=layout).sql == "TRUE"
    assert to_sql("zz=1,a", dialect, layout=layout).sql == "FALSE"
    assert to_sql("zz>1", dialect, layout=layout).sql == "FALSE"
    assert to_sql("a>9223372036854775807", dialect).sql == "FALSE"


def test_errors_name_the_problem() -> None:
    with pytest.raises(ValueError, match="unknown SQL dialect 'oracle'; expected one of duckdb, sqlite, postgres, spark"):
        to_sql("a", "oracle")
    with pytest.raises(ValueError, match="sqlite layouts are 'json'"):
        to_sql("a", "sqlite", layout="hstore")
    with pytest.raises(ValueError, match="column must be a non-empty SQL expression"):
        to_sql("a", "duckdb", column="")
    with pytest.raises(TypeError, match="layout maps label keys to column expressions"):
        to_sql("a", "duckdb", layout={"a": 3})  # type: ignore[dict-item]


def _renamed(sel: Selector) -> tuple[Selector, dict[str, str]]:
    """The same selector with every key and value replaced by a bland, distinct name.

    Names are numbered in order, zero-padded, so renamed keys sort like the originals.
    """
    names: dict[str, str] = {}

    def name(s: str) -> str:
        return names.setdefault(s, f"n{len(names):04d}")

    if sel.is_nothing:
        return sel, names
    for r in sel.requirements:  # keys first, in order
        name(r.key)
    reqs = []
    for r in sel.requirements:
        key = name(r.key)
        if r.operator in (Operator.GT, Operator.LT):
            reqs.append(Requirement(key, r.operator, r.values))
        else:
            reqs.append(Requirement(key, r.operator, [name(v) for v in r.values]))
    return Selector(reqs), names


def _has_nul(sel: Selector) -> bool:
    return any("\x00" in r.key or any("\x00" in v for v in r.values) for r in sel.requirements)


@pytest.mark.parametrize(("dialect", "layout"), LAYOUTS)
@settings(max_examples=60, deadline=None)
@given(sel=selectors, data=st.data())
def test_sql_text_never_depends_on_keys_or_values(dialect: str, layout: object, sel: Selector, data: st.DataObject) -> None:
    """Injection-proof: keys and values only change the parameters, never the SQL text."""
    if dialect in ("postgres", "sqlite") and _has_nul(sel):
        return  # decided while compiling: see test_sql_pitfalls
    bland, names = _renamed(sel)
    bland_layout = layout
    if isinstance(layout, dict):  # some of the selector's keys have columns
        with_column = data.draw(st.lists(st.sampled_from(sorted(sel.keys()) or ["a"]), unique=True))
        layout = {k: f"col_{i}" for i, k in enumerate(with_column)}
        bland_layout = {names.get(k, k): c for k, c in layout.items()}
    frag = to_sql(sel, dialect, layout=layout)  # type: ignore[arg-type]
    plain = to_sql(bland, dialect, layout=bland_layout)  # type: ignore[arg-type]
    assert frag.sql == plain.sql
    assert type(frag.params) is type(plain.params)
    assert len(frag.params) == len(plain.params)
