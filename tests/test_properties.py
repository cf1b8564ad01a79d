"""Property tests: printer/parser round trips and the compiled matcher vs the reference."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from labelselector import Selector, SelectorError, parse
from labelselector.grammar import WHITESPACE, parse_with_grammar

from .strategies import label_sets, selectors


def reference_matches(sel: Selector, labels: dict[str, str]) -> bool:
    """The plain reading of Kubernetes' Matches: AND of every requirement."""
    if sel.is_nothing:
        return False
    return all(r.matches(labels) for r in sel.requirements)


@given(selectors())
def test_parse_str_round_trip(sel: Selector) -> None:
    text = str(sel)
    back = parse(text)
    assert back == sel
    assert str(back) == text  # the canonical string is a fixed point


@given(selectors(), label_sets)
@example(Selector.nothing(), {})
@example(Selector.everything(), {})
def test_compiled_matcher_agrees_with_reference(sel: Selector, labels: dict[str, str]) -> None:
    assert sel.matches(labels) is reference_matches(sel, labels)
    assert Selector(sel.requirements).matches(labels) is reference_matches(Selector(sel.requirements), labels)


@given(selectors(), st.lists(st.sampled_from(list(WHITESPACE)), max_size=3))
def test_whitespace_around_tokens_does_not_matter(sel: Selector, ws: list[str]) -> None:
    pad = "".join(ws)
    text = pad + f"{pad},{pad}".join(str(r).replace(" in (", f"{pad} in{pad}(").replace(",", f",{pad}") for r in sel.requirements) + pad
    assert parse(text) == sel


_alphabet = st.sampled_from(list("ax=!(),<> \t\n-./1") + ["in", "notin", "é", "\x00"])


@given(st.lists(_alphabet, max_size=25).map("".join))
def test_arbitrary_input_parses_or_raises_selector_error(text: str) -> None:
    # Never anything but a SelectorError, and a parsed result always re-parses to itself.
    try:
        sel = parse_with_grammar(text)
    except SelectorError as err:
        assert err.pos is not None and 0 <= err.pos <= len(text)
        assert err.end is not None and err.pos <= err.end <= len(text)
        assert err.message
        return
    assert parse_with_grammar(str(sel)) == sel
