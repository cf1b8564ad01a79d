"""``same_selector``: do two selectors select the same label sets? (Use it instead of ``==``.)

``Selector.__eq__`` compares structure: the set of requirements, ignoring order,
spelling (``x=a`` vs ``x in (a)``) and value order. Selectors that *mean* the same
but are built differently compare unequal: ``x!=a,x!=b`` and ``x notin (a,b)``;
``x,x=a`` and ``x=a``; ``x>5,x>3`` and ``x>5``; and two contradictions such as
``x,!x`` and ``y=1,y=2``. Comparing selector *strings* is worse still: requirement
order and whitespace count. :func:`same_selector` decides equality of meaning exactly
(with :func:`labelselector.equivalent`), so code deciding "is this the selector I asked
for?" (for instance whether an existing lease can be reused) gets the right answer.
"""

from __future__ import annotations

from typing import Any

from .algebra import equivalent

__all__ = ["same_selector"]


def same_selector(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` match exactly the same label sets.

    Both are anything :func:`~labelselector.as_selector` accepts (strings, LabelSelector
    dicts and objects, protobuf messages, selectors). Invalid selectors raise
    :class:`~labelselector.SelectorError`; they are never "the same" by accident.

    >>> same_selector("env=prod,board=rpi", "board=rpi,env=prod")
    True
    >>> same_selector("x!=a,x!=b", "x notin (a,b)")
    True
    >>> same_selector("x!=a", "x,x!=a")   # x!=a also holds when x is absent
    False
    """
    return bool(equivalent(a, b))
