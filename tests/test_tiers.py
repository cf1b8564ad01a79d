"""``Selector.matches`` interprets first and compiles once reused; both tiers agree."""

from __future__ import annotations

import threading
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import labelselector as ls
from labelselector import Selector
from labelselector._compile import TIER_UP_CALLS, compile_requirements, evaluate, is_interpreted

from .test_label_types import NOT_A_MAPPING, label_sets, requirements


def _outcome(fn: Any, labels: Any) -> bool | str:
    try:
        return bool(fn(labels))
    except TypeError as exc:
        return f"TypeError: {exc}"


@settings(max_examples=300, deadline=None)
@given(st.lists(requirements, min_size=1, max_size=4), st.lists(st.one_of(label_sets, st.sampled_from(NOT_A_MAPPING)), min_size=1, max_size=3))
def test_interpreted_tier_equals_compiled(reqs: list[Any], many: list[Any]) -> None:
    sel = Selector(reqs)
    compiled = compile_requirements(sel.requirements)
    m = sel.matches  # taken before any call: the interpreted function
    assert is_interpreted(m)
    for labels in many:
        assert _outcome(m, labels) == _outcome(compiled, labels)
    for labels in many:
        assert _outcome(lambda lab: evaluate(m.__globals__["_ordered_requirements"], lab), labels) == _outcome(compiled, labels)


def test_a_selector_compiles_once_reused_and_early_references_follow() -> None:
    sel = ls.parse("env=prod,tier in (web,api),!canary,version>3")
    early = sel.matches
    labels = {"env": "prod", "tier": "web", "version": "4"}
    for _ in range(TIER_UP_CALLS):
        assert early(labels)
    assert is_interpreted(early)
    assert early(labels)  # this call compiles
    assert not is_interpreted(early)
    assert sel.matches is early
    assert early.__code__ is sel.predicate.__code__
    assert not early({**labels, "canary": ""})


def test_bulk_paths_compile_at_once() -> None:
    sel = ls.parse("a=b,c")
    m = sel.matches
    assert is_interpreted(m)
    assert ls.select(sel, [{"a": "b", "c": ""}, {"a": "x"}]) == [0]
    assert not is_interpreted(m)  # select took the predicate: compiled in place


def test_everything_and_nothing_need_no_tiers() -> None:
    assert Selector.everything().matches({}) is True
    assert Selector.nothing().matches({}) is False
    assert not is_interpreted(Selector.everything().matches)


def test_tier_up_from_many_threads() -> None:
    sel = ls.parse("x in (a,b),y!=c,z")
    m = sel.matches
    labels = [{"x": "a", "z": ""}, {"x": "c", "z": ""}, {"x": "b", "y": "c", "z": ""}]
    expected = [True, False, False]
    errors: list[BaseException] = []

    def run() -> None:
        try:
            for _ in range(200):
                assert [m(lab) for lab in labels] == expected
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert not is_interpreted(m)
