"""Errors stay short and parsing stops at the first error, whatever the input's size."""

from __future__ import annotations

import tracemalloc

import pytest

import labelselector as ls
from labelselector._fastparse import fast_parse
from labelselector.errors import MAX_LINE, SelectorError, caret_lines, shorten


def test_first_error_stops_the_parse_without_reading_the_rest() -> None:
    text = "," * 2_000_000
    tracemalloc.start()
    try:
        with pytest.raises(ls.SelectorSyntaxError) as info:
            fast_parse(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.pos == 0
    # Eager tokenizing stored a tuple per comma (~200 MB here); lazily, almost nothing.
    assert peak < 1_000_000


def test_error_at_the_end_of_a_long_line_is_shown_in_a_window() -> None:
    text = "a=b," * 100_000 + "("
    with pytest.raises(ls.SelectorSyntaxError) as info:
        ls.parse(text)
    err = info.value
    assert err.message == "found '(', expected: identifier after ','"
    assert err.pos == len(text) - 1
    shown = str(err)
    assert len(shown) < 300
    line, marker = shown.splitlines()[1:]
    assert line.startswith("    ...") and line.endswith("a=b,(")
    assert marker.index("^") == line.index("(")


def test_short_lines_are_shown_whole() -> None:
    with pytest.raises(ls.SelectorSyntaxError) as info:
        ls.parse("x in (a,b), y notin")
    assert str(info.value) == (
        "unable to parse requirement: found '' expected: '('\n"
        "    x in (a,b), y notin\n"
        "                       ^"
    )


def test_long_span_is_marked_in_part() -> None:
    text = "z=" + "v" * 5000
    out = caret_lines(text, 2, len(text))
    line, marker = out.splitlines()
    assert len(line) < 200
    assert marker.strip().startswith("~") and marker.endswith("^")
    assert line.startswith("    z=v") and line.endswith("...")


def test_window_keeps_the_line_number() -> None:
    text = "a\n" + "b" * (MAX_LINE + 100) + "!"
    out = caret_lines(text, len(text) - 1, len(text))
    line, marker = out.splitlines()
    assert line.startswith("    line 2: ...")
    assert line[marker.index("^")] == "!"


def test_shorten_leaves_ordinary_messages_alone() -> None:
    msg = 'values[0][x]: Invalid value: "' + "a" * 64 + '": must be no more than 63 bytes'
    assert shorten(msg) == msg
    long = 'key: Invalid value: "' + "k" * 100_000 + '": name part must be ...'
    out = shorten(long)
    assert len(out) < 400
    assert out.startswith('key: Invalid value: "kkk') and "more characters]" in out
    assert out.endswith('": name part must be ...')


def test_message_keeps_kubernetes_text_whole() -> None:
    key = "k" * 100_000
    with pytest.raises(ls.SelectorValidationError) as info:
        ls.parse(key)
    assert key in info.value.message  # the exact text, as Go returns it
    assert len(str(info.value)) < 1000  # the display is bounded


def test_many_errors_are_bounded_in_str() -> None:
    err = SelectorError(", ".join(["x: Invalid value"] * 10_000))
    assert len(str(err)) < 2200


def test_long_selector_strings_are_not_cached() -> None:
    from labelselector.api import PARSE_CACHE_MAX_LENGTH, _parse_cached

    text = ",".join(f"k{i}=v" for i in range(PARSE_CACHE_MAX_LENGTH // 4))
    assert len(text) > PARSE_CACHE_MAX_LENGTH
    before = _parse_cached.cache_info().currsize
    a, b = ls.parse(text), ls.as_selector(text)
    assert a == b and a is not b
    assert _parse_cached.cache_info().currsize == before
    short = "app=web,tier=db"
    assert ls.parse(short) is ls.parse(short)
