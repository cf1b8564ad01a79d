"""The fast parser accepts, rejects and builds exactly what the pyparsing grammar does."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from labelselector import Selector, SelectorError
from labelselector._fastparse import fast_parse
from labelselector.grammar import parse_with_grammar

from .strategies import selectors
from .test_parse import _corpus_lines


def outcome(fn: object, text: str) -> tuple[object, ...]:
    try:
        sel = fn(text)  # type: ignore[operator]
    except SelectorError as err:
        return ("error", type(err).__name__, err.message, err.pos, err.end)
    assert isinstance(sel, Selector)
    # Compare what was built, including spelling and order (str), not only semantics.
    return ("ok", str(sel), sel.requirements, tuple(r.spelling for r in sel.requirements))


def same(text: str) -> None:
    assert outcome(fast_parse, text) == outcome(parse_with_grammar, text), repr(text)


TOKENS = ["x", "y", "a", "in", "notin", "In", "-k", "é", "1", "01", "-1", "a b", "", " ", "\t", "\n", "\v",
          "=", "==", "!=", "!", "(", ")", ",", ">", "<", "a||b", "example.com/k", "\x00"]


@given(st.lists(st.sampled_from(TOKENS), max_size=14).map("".join))
@example("x in (a,,)")
@example("!x=a")
@example("x>-a")
def test_token_soup(text: str) -> None:
    same(text)


@given(st.text(alphabet=st.sampled_from(list("xa1=!(),<> \t-/.")), max_size=20))
def test_character_soup(text: str) -> None:
    same(text)


@given(selectors())
def test_canonical_strings(sel: Selector) -> None:
    same(str(sel))


def test_corpus_both_ways() -> None:
    for name in ("selectors.txt", "invalid-selectors.txt"):
        for text, _ in _corpus_lines(name):
            same(text)
