"""Entry points: :func:`parse` (cached), :func:`as_selector` and :func:`matches`."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ._fastparse import fast_parse
from .convert import from_label_selector
from .selector import Labels, Selector

__all__ = ["parse", "as_selector", "matches", "PARSE_CACHE_SIZE", "PARSE_CACHE_MAX_LENGTH"]

PARSE_CACHE_SIZE = 4096
"""How many distinct selector strings :func:`parse` remembers (least recently used go first)."""

PARSE_CACHE_MAX_LENGTH = 4096
"""Longer selector strings are parsed every time, never cached: the cache then holds at
most ``PARSE_CACHE_SIZE * PARSE_CACHE_MAX_LENGTH`` characters of input, whatever comes."""


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def _parse_cached(text: str) -> Selector:
    # The hand-written parser, proven equal to the pyparsing grammar (the language's
    # definition, labelselector.grammar) by tests/test_fastparse.py; about 15x faster.
    return fast_parse(text)


def parse(text: str) -> Selector:
    """Parse a selector string, exactly as Kubernetes' ``labels.Parse`` does.

    Results are cached (selectors are immutable, so sharing them is safe). Errors
    are :class:`~labelselector.errors.SelectorSyntaxError` or
    :class:`~labelselector.errors.SelectorValidationError`, whose ``message`` is
    Kubernetes' text and whose ``str()`` puts a caret under the offending part.

    >>> str(parse("tier in (web, api), env=prod, !canary"))
    '!canary,env=prod,tier in (api,web)'
    """
    if not isinstance(text, str):
        raise TypeError(f"parse() takes a str, not {type(text).__name__}")
    if len(text) > PARSE_CACHE_MAX_LENGTH:
        return fast_parse(text)
    return _parse_cached(text)


def as_selector(obj: Any) -> Selector:
    """Coerce what users pass as "a selector" into a :class:`Selector`.

    A :class:`Selector` is returned as is, a ``str`` is parsed (cached), and
    anything else goes through :func:`~labelselector.convert.from_label_selector`
    (``None``, LabelSelector dicts, kubernetes-client objects, protobuf messages).
    """
    if isinstance(obj, Selector):
        return obj
    if isinstance(obj, str):
        return parse(obj)
    return from_label_selector(obj)


def matches(selector: Any, labels: Labels) -> bool:
    """Whether ``labels`` satisfy ``selector`` (anything :func:`as_selector` accepts).

    ``labels`` is a mapping of label keys to ``str`` values; anything else (a ``str``,
    a list, a non-``str`` value that a requirement compares) raises ``TypeError``.

    >>> matches("env=prod,!canary", {"env": "prod"})
    True
    >>> matches({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["db"]}]}, {})
    True
    """
    return as_selector(selector).matches(labels)
