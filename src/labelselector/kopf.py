"""``kopf_filter``: a kopf ``when=`` filter that matches a label selector, exactly.

kopf's own ``labels=`` filter compares values with ``==`` (so ``{"x": 3}`` never matches
the label ``"3"``) and has no ``notin``, ``!=`` on absent keys, or Gt/Lt. A selector
string does, and is the form users already write for ``kubectl get -l``::

    @kopf.on.create("pods", when=labelselector.kopf_filter("app=web,tier in (fe,be),!canary"))
    def created(body, **_): ...

The selector is parsed (and validated) when the filter is built, i.e. at import time
of the operator: a bad selector fails at start-up with Kubernetes' message, not on the
first event. Matching follows Kubernetes exactly: label values are strings, ``!=`` and
``notin`` hold when the key is absent. kopf itself is not imported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .api import as_selector
from .selector import Selector

__all__ = ["KopfFilter", "kopf_filter"]


class KopfFilter:
    """A callable ``when=`` filter: ``filter(labels=..., **kwargs) -> bool``.

    kopf calls it with the object's ``labels`` (``metadata.labels``) among its keyword
    arguments; every other argument is ignored. ``selector`` is the parsed selector.
    """

    __slots__ = ("selector",)

    selector: Selector

    def __init__(self, selector: Any) -> None:
        self.selector = as_selector(selector)

    def __call__(self, labels: Mapping[str, Any] | None = None, **kwargs: Any) -> bool:
        """Whether ``labels`` satisfy the selector; a non-string label value is a TypeError."""
        if labels is None:
            labels = {}
        for key, value in labels.items():
            if not isinstance(value, str):
                raise TypeError(
                    f"label {key!r} has the non-string value {value!r}: Kubernetes label "
                    "values are strings, and a selector compares strings"
                )
        return self.selector.matches(labels)

    def __repr__(self) -> str:
        return f"kopf_filter({str(self.selector)!r})"


def kopf_filter(selector: Any) -> KopfFilter:
    """A kopf ``when=`` filter for ``selector`` (a string or anything :func:`~labelselector.as_selector` takes).

    >>> when = kopf_filter("app=web,tier!=db")
    >>> when(labels={"app": "web"}, name="web-1"), when(labels={"app": "web", "tier": "db"})
    (True, False)
    """
    return KopfFilter(selector)
