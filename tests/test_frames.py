"""to_polars / to_arrow against polars and pyarrow: exactly Selector.matches, never null."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labelselector import Operator, Requirement, Selector
from labelselector.frames import polars_labels, to_arrow, to_polars

from .engines import need
from .scaleout_strategies import TRICKY_INTS, label_sets, selectors

batches = st.tuples(st.lists(st.one_of(st.none(), label_sets), max_size=12), st.lists(selectors, min_size=1, max_size=8))
fast = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def expected(rows: Sequence[dict[str, str] | None], sel: Selector) -> list[bool]:
    return [sel.matches(r or {}) for r in rows]


@pytest.fixture(scope="module")
def pl() -> Any:
    return need("polars", "polars")


@pytest.fixture(scope="module")
def pa() -> Any:
    need("arrow", "pyarrow")
    import pyarrow

    return pyarrow


def arrow_table(pa: Any, rows: Sequence[dict[str, str] | None]) -> Any:
    labels = pa.array([None if r is None else list(r.items()) for r in rows], type=pa.map_(pa.string(), pa.string()))
    return pa.table({"id": pa.array(range(len(rows)), pa.int64()), "labels": labels})


def entries_series(pl: Any, rows: Sequence[dict[str, str] | None]) -> Any:
    dtype = pl.List(pl.Struct({"key": pl.String, "value": pl.String}))
    return pl.Series("labels", [None if r is None else [{"key": k, "value": v} for k, v in r.items()] for r in rows], dtype=dtype)


@pytest.mark.parametrize("layout", ["default", "entries"])
@fast
@given(batch=batches)
def test_polars_map_and_entries_match_reference(pl: Any, layout: str, batch: Any) -> None:
    rows, sels = batch
    series = polars_labels(rows) if layout == "default" else entries_series(pl, rows)
    df = pl.DataFrame([series]).with_row_index("id")
    for sel in sels:
        want = expected(rows, sel)
        expr = to_polars(sel, dtype=None if layout == "default" else df.schema["labels"])
        proj = df.with_columns(expr.alias("r"))["r"].to_list()
        assert proj == want, (str(sel), sel)
        assert df.filter(expr)["id"].to_list() == [i for i, w in enumerate(want) if w]


@fast
@given(batch=batches)
def test_polars_struct_matches_reference(pl: Any, batch: Any) -> None:
    rows, sels = batch
    keys = sorted({k for r in rows if r for k in r})
    dtype = pl.Struct({k: pl.String for k in keys})
    df = pl.DataFrame({"labels": [None if r is None else {k: r.get(k) for k in keys} for r in rows]}, schema={"labels": dtype})
    for sel in sels:
        proj = df.with_columns(to_polars(sel, dtype=df.schema["labels"]).alias("r"))["r"].to_list()
        assert proj == expected(rows, sel), (str(sel), sel)


@fast
@given(batch=batches)
def test_arrow_matches_reference(pa: Any, batch: Any) -> None:
    import pyarrow.dataset as ds

    rows, sels = batch
    table = arrow_table(pa, rows)
    dataset = ds.dataset(table)
    for sel in sels:
        want = expected(rows, sel)
        expr = to_arrow(sel)
        proj = dataset.to_table(columns={"r": expr}).column("r").to_pylist()
        assert proj == want, (str(sel), sel)
        assert dataset.to_table(filter=expr).column("id").to_pylist() == [i for i, w in enumerate(want) if w]


def test_arrow_cast_pitfalls(pa: Any) -> None:
    import pyarrow.compute as pc

    with pytest.raises(pa.ArrowInvalid):  # the pitfall: '+5' is an int64 to Go, not to Arrow
        pc.cast(pa.array(["+5"]), pa.int64())
    assert pc.cast(pa.array(["0x10"]), pa.int64()).to_pylist() == [16]  # and '0x10' the other way round
    rows = [{"n": v} for v in TRICKY_INTS]
    table = arrow_table(pa, rows)
    for t in (-1, 4, 5, 15, 16, 2**63 - 2):
        for op in (Operator.GT, Operator.LT):
            sel = Selector([Requirement("n", op, [str(t)])])
            assert table.filter(to_arrow(sel)).column("id").to_pylist() == [i for i, r in enumerate(rows) if sel.matches(r)]


def test_parquet_dataset_filter(pa: Any, tmp_path: Any) -> None:
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    rows = [{"app": "web", "n": "7"}, {"app": "db"}, None, {"n": "+9"}]
    pq.write_table(arrow_table(pa, rows), tmp_path / "pods.parquet")
    got = ds.dataset(tmp_path / "pods.parquet").to_table(filter=to_arrow("app!=db,n>5")).column("id").to_pylist()
    assert got == [0, 3]


def test_polars_reads_arrow_maps_as_loaded(pl: Any, pa: Any) -> None:
    table = arrow_table(pa, [{"a": "1", "n": "+7"}, None, {"b": "2"}])
    df = pl.from_arrow(table)
    got = df.with_columns(to_polars("a=1,n>6", dtype=df.schema["labels"]).alias("r"))["r"].to_list()
    assert got == [True, False, False]
    assert df.with_columns(to_polars("!a").alias("r"))["r"].to_list() == [False, True, True]


def test_polars_struct_inference_drops_late_keys(pl: Any) -> None:
    rows = [{"app": "web"}] * 200 + [{"app": "db", "canary": "true"}]
    inferred = pl.DataFrame({"labels": rows})
    assert "canary" not in [f.name for f in inferred.schema["labels"].fields]  # the pitfall
    df = pl.DataFrame([polars_labels(rows)])
    assert df.with_columns(to_polars("canary").alias("r"))["r"].to_list() == [False] * 200 + [True]


def test_polars_constants_and_errors(pl: Any) -> None:
    df = pl.DataFrame([polars_labels([{"a": "1"}, None])])
    assert df.with_columns(to_polars("").alias("r"))["r"].to_list() == [True, True]
    assert df.with_columns(to_polars(None).alias("r"))["r"].to_list() == [False, False]
    with pytest.raises(ValueError, match="to_polars reads Map, List"):
        to_polars("a", dtype=pl.String)

    struct = pl.DataFrame({"labels": [{"a": "1"}, None]}, schema={"labels": pl.Struct({"a": pl.String})})
    for text, want in [("zz,a", [False, False]), ("!zz,a", [True, False]), ("zz notin (1)", [True, True])]:
        assert struct.with_columns(to_polars(text, dtype=struct.schema["labels"]).alias("r"))["r"].to_list() == want
