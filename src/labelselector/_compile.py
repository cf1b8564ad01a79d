"""Compile a :class:`~labelselector.selector.Selector` into a straight-line predicate.

The generated function is what a person would write by hand for the same selector
(``lambda l: l.get("env") == "prod" and "canary" not in l``), so the single-object
path costs about as much as a hand-written lambda. Keys and values enter the source
only through ``repr()`` of ``str`` objects, so no input can inject code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .selector import Labels, Operator, Requirement, Selector, _int64

__all__ = ["compile_selector"]


def _never(labels: Labels) -> bool:
    return False


def _always(labels: Labels) -> bool:
    return True


# Plain ASCII digit strings shorter than this are below 10**18 < 2**63 - 1: in int64
# range, so the compiled fast path can call ``int()`` directly (never on long input).
_FAST_DIGITS = 19


def _gt(value: str, threshold: int) -> bool:
    m = _int64(value)
    return m is not None and m > threshold


def _lt(value: str, threshold: int) -> bool:
    m = _int64(value)
    return m is not None and m < threshold


def _term(r: Requirement, consts: dict[str, Any]) -> str:
    key = repr(r.key)
    op = r.operator
    if op is Operator.EXISTS:
        return f"{key} in l"
    if op is Operator.DOES_NOT_EXIST:
        return f"{key} not in l"
    if op in (Operator.GT, Operator.LT):
        # Inline the common case (a few plain ASCII digits) as a hand-written check
        # would; anything else (signs, "+", long or zero-padded digit strings,
        # non-integers) goes to the exact int64 parser.
        t = r.threshold
        fast = f"{t} < int(v)" if op is Operator.GT else f"int(v) < {t}"
        slow = "_gt" if op is Operator.GT else "_lt"
        return (
            f"((v := l.get({key})) is not None and ({fast} if v.isdigit() and "
            f"len(v) < {_FAST_DIGITS} and v.isascii() else {slow}(v, {t})))"
        )
    values = r.value_set
    if len(values) == 1:
        (v,) = values
        cmp = "==" if op is Operator.IN else "!="
        return f"l.get({key}) {cmp} {v!r}"
    name = f"_s{len(consts)}"
    consts[name] = values
    # None (absent key) is never in a set of str: In fails, NotIn holds, as in Kubernetes.
    return f"l.get({key}) {'in' if op is Operator.IN else 'not in'} {name}"


def compile_selector(selector: Selector) -> Callable[[Labels], bool]:
    """A function ``labels -> bool`` equivalent to matching every requirement of ``selector``."""
    if selector.is_nothing:
        return _never
    if not selector.requirements:
        return _always
    consts: dict[str, Any] = {"_gt": _gt, "_lt": _lt, "int": int, "len": len}
    body = " and ".join(_term(r, consts) for r in selector.requirements)
    source = f"lambda l: {body}"
    consts["__builtins__"] = {}
    fn: Callable[[Labels], bool] = eval(source, consts)  # noqa: S307
    return fn
