"""Compile a selector's requirements into a straight-line predicate (and interpret first).

The generated function is what a person would write by hand for the same selector
(``l.get("env") == "prod" and "canary" not in l``), so the single-object path costs
about as much as a hand-written lambda. Keys and values never enter the source: it
holds placeholders, and the compiled code of each *shape* (operators and set sizes, in
order) is kept and copied with the selector's keys and values as its constants
(``CodeType.replace``), so compiling a selector of a known shape costs microseconds and
no input can inject code.

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

import warnings
from collections.abc import Callable, Mapping, Sequence
from types import CodeType, FunctionType
from typing import Any, Protocol

from ._int64 import parse_int64
from ._labeltypes import labels_type_error, require_mapping

__all__ = [
    "compile_requirements",
    "never",
    "always",
    "evaluate",
    "tiered",
    "is_interpreted",
    "compile_tiered",
    "TIER_UP_CALLS",
]

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

    def holds(self, labels: Labels) -> bool: ...  # noqa: D102


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
    keys_only = (_EXISTS, _DOES_NOT_EXIST)
    return [r for r in requirements if r.operator not in keys_only] + [
        r for r in requirements if r.operator in keys_only
    ]


def _term(r: RequirementLike, i: int, fill: dict[str, Any]) -> str:
    """Source of one requirement, with placeholders where its key and values go.

    The source depends only on the requirement's shape; ``fill`` maps each placeholder
    (a string constant) to the real key, value, set or threshold, which replace the
    placeholders among the compiled code's constants. So no input ever becomes source.
    """
    key = f"'\\x00k{i}'"
    fill[f"\x00k{i}"] = r.key
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
        t = f"'\\x00t{i}'"
        fill[f"\x00t{i}"] = r.threshold
        fast = f"{t} < int(v)" if op == _GT else f"int(v) < {t}"
        slow = "_gt" if op == _GT else "_lt"
        return (
            f"((v := l.get({key}, '\\x00A')) is not '\\x00A' and ({fast} if _isdigit(v) and "
            f"len(v) < {_FAST_DIGITS} and v.isascii() else {slow}(v, {t})))"
        )
    values = r.value_set
    # ``v + ""`` is free for a str (the same object comes back) and raises TypeError
    # for anything else; an absent key reads as the sentinel ``_ABSENT``, a str in
    # no value set (else the selector is interpreted), so In fails and NotIn holds.
    value = f"l.get({key}, '\\x00A') + ''"
    v = f"'\\x00v{i}'"
    if len(values) == 1:
        (fill[f"\x00v{i}"],) = values
        return f"{value} {'==' if op == _IN else '!='} {v}"
    fill[f"\x00v{i}"] = values
    return f"{value} {'in' if op == _IN else 'not in'} {v}"


_ABSENT = "\x00labelselector: no such label\x00"
"""What ``labels.get`` returns for an absent key in compiled code (never a label value)."""


def compile_requirements(requirements: Sequence[RequirementLike]) -> Callable[[Labels], bool]:
    """A function ``labels -> bool`` equivalent to matching every requirement (AND)."""
    if not requirements:
        return always
    return FunctionType(_code(requirements), _GLOBALS, "matches")


# Compiled code per shape: source text (placeholders only) -> the function's code object.
# Bounded: a new shape past the limit is compiled but not kept.
_TEMPLATES: dict[str, CodeType] = {}
_MAX_TEMPLATES = 4096


def _code(requirements: Sequence[RequirementLike]) -> CodeType:
    """The predicate's code: the cached template of its shape with its constants filled in."""
    ordered = _ordered(requirements)
    fill: dict[str, Any] = {"\x00R": tuple(requirements), "\x00A": _ABSENT}
    body = " and ".join(_term(r, i, fill) for i, r in enumerate(ordered))
    if not _reads_value(ordered[0]):
        # Only x / !x: nothing calls labels.get, so check the type of labels up front.
        body = f"(l.__class__ is dict or _need_mapping(l)) and {body}"
    if any(_ABSENT in r.values for r in requirements):
        # A value equal to the sentinel: interpret instead (correct, never compiled).
        body = "_evaluate('\\x00O', l)"
        fill["\x00O"] = tuple(ordered)
    source = (
        "def _predicate(l):\n"
        "    try:\n"
        f"        return {body}\n"
        "    except (AttributeError, TypeError):\n"
        "        _diagnose('\\x00R', l)\n"
        "        raise\n"
    )
    template = _TEMPLATES.get(source)
    if template is None:
        with warnings.catch_warnings():
            # "is not" with a literal: the literal is a placeholder for one shared object.
            warnings.simplefilter("ignore", SyntaxWarning)
            module = compile(source, "<labelselector predicate>", "exec")
        template = next(c for c in module.co_consts if isinstance(c, CodeType))
        if len(_TEMPLATES) < _MAX_TEMPLATES:
            _TEMPLATES[source] = template
    consts = tuple(
        fill.get(c, c) if isinstance(c, str) else c for c in template.co_consts
    )
    return template.replace(co_consts=consts)


# -- tiers: interpret first, compile once a selector is reused ---------------------------

TIER_UP_CALLS = 8
"""Calls a selector's ``matches`` interprets before it compiles itself.

Compiling a selector of a shape seen before (same operators in the same order) costs
a few interpreted calls: the shape's code is reused with the selector's keys and values
put in as its constants. A new shape costs a real compile (about 4 parses). So a
selector used once or a few times never pays for it; one used more runs compiled.
"""


def evaluate(ordered: Sequence[RequirementLike], labels: Labels) -> bool:
    """The interpreted tier: the reference semantics, in compiled order, no code built."""
    if labels.__class__ is not dict and not isinstance(labels, Mapping):
        raise labels_type_error(labels)
    for r in ordered:
        if not r.holds(labels):
            return False
    return True


def _tier_up(selector: Any, labels: Labels) -> bool:
    return bool(selector.predicate(labels))


# The interpreted entry point. Its code runs with a small per-selector globals dict; when
# the selector compiles, the *same function object* gets the compiled code (whose
# constants go into that dict), so a reference taken before (``m = sel.matches``) runs
# compiled too, with no wrapper in between.
_TIER0_SOURCE = """
def _tier0(l):
    global _n
    _n += 1
    if _n > _TIER_UP_CALLS:
        return _tier_up(_selector, l)
    return _evaluate(_ordered_requirements, l)
"""
# The builtins of every generated function: the only names its code can reach.
_TIER0_HELPERS: dict[str, Any] = {
    "_tier_up": _tier_up,
    "_evaluate": evaluate,
    "_TIER_UP_CALLS": TIER_UP_CALLS,
    "_gt": _gt,
    "_lt": _lt,
    "int": int,
    "_isdigit": str.isdigit,
    "len": len,
    "dict": dict,
    "_need_mapping": require_mapping,
    "_diagnose": diagnose,
    "AttributeError": AttributeError,
    "TypeError": TypeError,
}
_GLOBALS: dict[str, Any] = {"__builtins__": _TIER0_HELPERS}
_tier0_namespace: dict[str, Any] = {"__builtins__": _TIER0_HELPERS}
exec(_TIER0_SOURCE, _tier0_namespace)  # noqa: S102
_TIER0_CODE = _tier0_namespace["_tier0"].__code__


def tiered(
    selector: Any, ordered: Sequence[RequirementLike] | None = None
) -> Callable[[Labels], bool]:
    """The interpreted function for ``selector`` (which must have requirements).

    ``ordered``: its requirements in compiled order, if the caller has them at hand.
    """
    namespace = {
        "__builtins__": _TIER0_HELPERS,
        "_n": 0,
        "_selector": selector,
        "_ordered_requirements": _ordered(selector.requirements) if ordered is None else ordered,
    }
    fn: Callable[[Labels], bool] = FunctionType(_TIER0_CODE, namespace, "matches")
    return fn


def is_interpreted(fn: object) -> bool:
    """Whether ``fn`` is a :func:`tiered` function still running its interpreted code."""
    return getattr(fn, "__code__", None) is _TIER0_CODE


def compile_tiered(fn: Any, requirements: Sequence[RequirementLike]) -> Callable[[Labels], bool]:
    """Switch tiered ``fn`` to the compiled code, and return the compiled function.

    The compiled code finds its helpers through the builtins both tiers share, so it
    runs in ``fn``'s globals unchanged. Two threads doing this at once build equal code;
    either swap is fine.
    """
    code = _code(requirements)
    fn.__code__ = code
    compiled: Callable[[Labels], bool] = FunctionType(code, _GLOBALS, "matches")
    return compiled
