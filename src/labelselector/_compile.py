"""Compile a selector's requirements into a straight-line predicate.

The generated function is what a person would write by hand for the same selector
(``l.get("env") == "prod" and "canary" not in l``), so the single-object path costs
about as much as a hand-written lambda. Keys and values enter the source only through
``repr()`` of ``str`` objects, so no input can inject code.

Type misuse (see :mod:`labelselector._labeltypes`) costs nothing on the hot path:

* requirements that read a value come first, so ``labels`` without ``.get`` (a ``str``,
  a list, ``None``) fail at once; a selector of only ``x``/``!x`` checks the type of
  ``labels`` up front (one identity test for a ``dict``);
* a non-``str`` value fails by itself wherever it is used as a string (``.isdigit()``,
  hashing a list); the function catches that and re-raises the clear ``TypeError``;
* where Python would compare quietly (``5 == "prod"``), the value goes through
  ``+ ""`` first: the same object back for a ``str``, a TypeError for anything else.

This module reads requirements through their attributes only and imports no other
module of the package but :mod:`~labelselector._int64` and
:mod:`~labelselector._labeltypes`, so :mod:`labelselector.selector` imports it freely.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from ._int64 import parse_int64
from ._labeltypes import labels_type_error, require_mapping

__all__ = ["compile_requirements", "never", "always"]

Labels = Mapping[str, str]


class RequirementLike(Protocol):
    """What the compiler reads of a requirement."""

    @property
    def key(self) -> str: ...  # noqa: D102

    @property
    def operator(self) -> str: ...  # noqa: D102

    @property
    def values(self) -> tuple[str, ...]: ...  # noqa: D102

    @property
    def value_set(self) -> frozenset[str]: ...  # noqa: D102

    @property
    def threshold(self) -> int: ...  # noqa: D102

    def matches(self, labels: Labels) -> bool: ...  # noqa: D102


def never(labels: Labels) -> bool:
    """The predicate of ``Selector.nothing()``."""
    if labels.__class__ is not dict:
        require_mapping(labels)
    return False


def always(labels: Labels) -> bool:
    """The predicate of the empty selector."""
    if labels.__class__ is not dict:
        require_mapping(labels)
    return True


# Plain ASCII digit strings shorter than this are below 10**18 < 2**63 - 1: in int64
# range, so the compiled fast path can call ``int()`` directly (never on long input).
_FAST_DIGITS = 19

# Operator values (``Operator`` is a str enum; its values are Kubernetes' names).
_IN, _NOT_IN, _EXISTS, _DOES_NOT_EXIST, _GT, _LT = "in", "notin", "exists", "!", "gt", "lt"


def _gt(value: str, threshold: int) -> bool:
    m = parse_int64(value)
    return m is not None and m > threshold


def _lt(value: str, threshold: int) -> bool:
    m = parse_int64(value)
    return m is not None and m < threshold


def diagnose(requirements: Sequence[RequirementLike], labels: object) -> None:
    """Raise the clear ``TypeError`` for a failed compiled call, if the input explains it.

    Walks the requirements in compiled order with the reference semantics (which check
    types), so the error names the first misused value the predicate reached.
    Returns normally when the input is well typed (the caller re-raises the original).
    """
    if not isinstance(labels, Mapping):
        raise labels_type_error(labels)
    for r in _ordered(requirements):
        if not r.matches(labels):
            return


def _reads_value(r: RequirementLike) -> bool:
    return r.operator not in (_EXISTS, _DOES_NOT_EXIST)


def _ordered(requirements: Sequence[RequirementLike]) -> list[RequirementLike]:
    # Value requirements first (stable: key order within each group).
    return sorted(requirements, key=lambda r: not _reads_value(r))


def _term(r: RequirementLike, consts: dict[str, Any]) -> str:
    key = repr(r.key)
    op = r.operator
    if op == _EXISTS:
        return f"{key} in l"
    if op == _DOES_NOT_EXIST:
        return f"{key} not in l"
    if op in (_GT, _LT):
        # Inline the common case (a few plain ASCII digits) as a hand-written check
        # would; anything else (signs, "+", long or zero-padded digit strings,
        # non-integers) goes to the exact int64 parser. ``str.isdigit`` refuses any
        # non-str value (bytes too): that TypeError becomes the clear one.
        t = r.threshold
        fast = f"{t} < int(v)" if op == _GT else f"int(v) < {t}"
        slow = "_gt" if op == _GT else "_lt"
        return (
            f"((v := l.get({key}, _A)) is not _A and ({fast} if _isdigit(v) and "
            f"len(v) < {_FAST_DIGITS} and v.isascii() else {slow}(v, {t})))"
        )
    values = r.value_set
    # ``v + ""`` is free for a str (the same object comes back) and raises TypeError
    # for anything else; an absent key reads as the sentinel ``_A``, a str that is in
    # no value set of this selector, so In fails and NotIn holds, as in Kubernetes.
    value = f"l.get({key}, _A) + ''"
    if len(values) == 1:
        (one,) = values
        return f"{value} {'==' if op == _IN else '!='} {one!r}"
    name = f"_s{len(consts)}"
    consts[name] = values
    return f"{value} {'in' if op == _IN else 'not in'} {name}"


def _absent_sentinel(requirements: Sequence[RequirementLike]) -> str:
    used = {v for r in requirements for v in r.values}
    sentinel = "\x00"
    while sentinel in used:
        sentinel += "\x00"
    return sentinel


def compile_requirements(requirements: Sequence[RequirementLike]) -> Callable[[Labels], bool]:
    """A function ``labels -> bool`` equivalent to matching every requirement (AND)."""
    if not requirements:
        return always
    ordered = _ordered(requirements)
    consts: dict[str, Any] = {
        "_gt": _gt,
        "_lt": _lt,
        "_A": _absent_sentinel(requirements),
        "int": int,
        "_isdigit": str.isdigit,
        "len": len,
        "dict": dict,
        "_need_mapping": require_mapping,
        "_diagnose": diagnose,
        "_requirements": tuple(requirements),
        "AttributeError": AttributeError,
        "TypeError": TypeError,
    }
    body = " and ".join(_term(r, consts) for r in ordered)
    if not _reads_value(ordered[0]):
        # Only x / !x: nothing calls labels.get, so check the type of labels up front.
        body = f"(l.__class__ is dict or _need_mapping(l)) and {body}"
    source = (
        "def _predicate(l):\n"
        "    try:\n"
        f"        return {body}\n"
        "    except (AttributeError, TypeError):\n"
        "        _diagnose(_requirements, l)\n"
        "        raise\n"
    )
    consts["__builtins__"] = {}
    exec(source, consts)  # noqa: S102
    fn: Callable[[Labels], bool] = consts["_predicate"]
    return fn
