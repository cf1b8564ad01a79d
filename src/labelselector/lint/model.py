"""Data model of the linter: severities, source positions, findings and Kubernetes objects."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: A path into a parsed document: mapping keys (str) and sequence indexes (int).
Path = tuple[str | int, ...]


class Severity(enum.IntEnum):
    """Severity of a finding; the order is used by ``--fail-on``."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Parse ``error``/``warning``/``info`` (case-insensitive)."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


@dataclass(frozen=True)
class Span:
    """A 1-based source range: ``line:col`` to ``end_line:end_col`` (end exclusive)."""

    line: int
    col: int
    end_line: int
    end_col: int


#: Where the start of a file is.
FILE_START = Span(1, 1, 1, 1)

#: A span as the loader stores it, one per node: ``(line, col, end_line, end_col)``,
#: 1-based (a plain tuple is several times cheaper to build than a :class:`Span`).
RawSpan = tuple[int, int, int, int]


@dataclass
class Document:
    """One YAML document of an input file, with plain Python values and node positions.

    ``values`` maps a path to the (raw) span of the value node at that path and ``keys``
    maps a path to the span of the mapping key that introduced it.
    """

    file: str
    index: int
    value: Any
    start: Span
    values: dict[Path, RawSpan] = field(default_factory=dict)
    keys: dict[Path, RawSpan] = field(default_factory=dict)
    #: ``helm template`` origin from the ``# Source:`` comment before the document.
    helm_source: str | None = None

    def locate(self, path: Path, key: bool = False) -> Span:
        """Span of the node at ``path`` (its key when ``key``), else of the nearest ancestor."""
        p = path
        while True:
            if key and p in self.keys:
                return Span(*self.keys[p])
            if p in self.values:
                return Span(*self.values[p])
            if not p:
                return self.start
            p = p[:-1]


@dataclass
class K8sObject:
    """A Kubernetes object found in a document (a document, or an item of a ``List``)."""

    doc: Document
    #: Path of the object inside its document (``()`` or ``("items", i)``).
    prefix: Path
    raw: Mapping[str, Any]
    api_version: str
    kind: str
    name: str
    #: Effective namespace (``--namespace`` when unset); ``None`` for cluster-scoped kinds.
    namespace: str | None
    #: Where the object says it came from (kustomize origin annotation), if it says so.
    origin: str | None = None
    #: Check ids suppressed on this object by the ``labelselector.io/ignore`` annotation.
    ignored: frozenset[str] = frozenset()

    def get(self, *path: str | int) -> Any:
        """The value at ``path`` below the object, or ``None`` when any step is missing."""
        cur: Any = self.raw
        for step in path:
            if isinstance(step, int):
                if not isinstance(cur, list) or not -len(cur) <= step < len(cur):
                    return None
                cur = cur[step]
            else:
                if not isinstance(cur, Mapping) or step not in cur:
                    return None
                cur = cur[step]
        return cur

    def has(self, *path: str | int) -> bool:
        """Whether the last step of ``path`` is present (even with a null value)."""
        parent = self.get(*path[:-1])
        last = path[-1]
        if isinstance(last, int):
            return isinstance(parent, list) and -len(parent) <= last < len(parent)
        return isinstance(parent, Mapping) and last in parent

    def locate(self, path: Path, key: bool = False) -> Span:
        """Source span of ``path`` (relative to the object)."""
        return self.doc.locate(self.prefix + path, key=key)

    @property
    def ref(self) -> str:
        """``Kind namespace/name`` (or ``Kind name`` when cluster-scoped)."""
        if self.namespace is None:
            return f"{self.kind} {self.name}"
        return f"{self.kind} {self.namespace}/{self.name}"


@dataclass(frozen=True)
class Finding:
    """One problem found by a check, with its position and the object it belongs to."""

    check: str
    severity: Severity
    message: str
    file: str
    span: Span
    #: Field path in API notation (``spec.selector.matchLabels``), if the finding is about a field.
    field_path: str | None = None
    api_version: str | None = None
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None
    helm_source: str | None = None
    origin: str | None = None

    @property
    def object_ref(self) -> str | None:
        """``Kind namespace/name`` of the object, if the finding belongs to one."""
        if self.kind is None:
            return None
        if self.namespace is None:
            return f"{self.kind} {self.name}"
        return f"{self.kind} {self.namespace}/{self.name}"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order findings by file, position, check and message."""
        return (self.file, self.span.line, self.span.col, self.check, self.message)


def api_path(path: Path) -> str:
    """Render a path in API notation: ``spec.template.spec.containers[0].name``."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += ("." if out else "") + step
    return out
