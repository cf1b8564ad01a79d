"""The selector AST: :class:`Operator`, :class:`Requirement` and :class:`Selector`.

Every front end (selector strings, LabelSelector dicts and objects, protobuf
messages) compiles into these immutable nodes; every back end (matching, the
canonical string, dict and protobuf output, the table, the algebra) reads them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from ._compile import always, compile_requirements, compile_tiered, is_interpreted, never, tiered
from ._int64 import parse_int64
from ._labeltypes import labels_type_error, value_type_error

__all__ = ["Operator", "Requirement", "Selector", "Labels"]

Labels = Mapping[str, str]
"""A label set: label key to label value."""


class Operator(str, enum.Enum):
    """Requirement operators, with Kubernetes' ``selection.Operator`` names as values."""

    IN = "in"
    NOT_IN = "notin"
    EXISTS = "exists"
    DOES_NOT_EXIST = "!"
    GT = "gt"
    LT = "lt"

    def __str__(self) -> str:
        return self.value


# The members as module constants: reading ``Operator.IN`` goes through the enum
# class's attribute machinery (hundreds of ns); a module global is one dict lookup.
_IN = Operator.IN
_NOT_IN = Operator.NOT_IN
_EXISTS = Operator.EXISTS
_DOES_NOT_EXIST = Operator.DOES_NOT_EXIST
_GT = Operator.GT
_LT = Operator.LT

# Spellings a requirement remembers so that ``str()`` reproduces Kubernetes'
# ``String()``: "=", "==" and "!=" are In/NotIn with one value, but print as written.
_SPELLINGS = {
    _IN: frozenset({"=", "=="}),
    _NOT_IN: frozenset({"!="}),
}


_int64 = parse_int64  # the name other modules import
_ABSENT: Any = object()


class Requirement:
    """One requirement: ``key``, ``operator`` and ``values``.

    ``values`` keep the order given (Kubernetes' ``NewRequirement`` neither sorts nor
    de-duplicates); ``str()`` prints set values sorted, like ``Requirement.String()``.
    ``spelling`` is ``"="``, ``"=="`` or ``"!="`` for requirements written that way
    (In/NotIn with exactly one value); it only affects printing. Equality and hashing
    are semantic: spelling, value order and duplicate values do not matter.

    The constructor checks the shape (operator, value count, integer Gt/Lt threshold)
    but not Kubernetes' key/value syntax; :func:`labelselector.requirement` does both.
    """

    __slots__ = ("key", "operator", "values", "spelling", "_ident")

    key: str
    operator: Operator
    values: tuple[str, ...]
    spelling: str | None
    _ident: tuple[Any, ...] | None

    def __init__(
        self,
        key: str,
        operator: Operator | str,
        values: Iterable[str] = (),
        spelling: str | None = None,
    ) -> None:
        op = operator if operator.__class__ is Operator else Operator(operator)
        vals = tuple(values)
        if not isinstance(key, str):
            raise TypeError(f"requirement key must be a str, not {type(key).__name__}")
        for v in vals:
            if not isinstance(v, str):
                raise TypeError(f"requirement values must be str, not {type(v).__name__}")
        if op in (_IN, _NOT_IN):
            if not vals:
                raise ValueError(f"{op.value!r} requirement on {key!r} needs at least one value")
        elif op in (_EXISTS, _DOES_NOT_EXIST):
            if vals:
                raise ValueError(f"{op.value!r} requirement on {key!r} takes no values")
        else:
            if len(vals) != 1 or _int64(vals[0]) is None:
                raise ValueError(f"{op.value!r} requirement on {key!r} needs one integer value")
        if spelling is not None:
            if spelling not in _SPELLINGS.get(op, ()) or len(vals) != 1:
                raise ValueError(f"spelling {spelling!r} does not fit {op.value!r} with {vals!r}")
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "operator", op)
        object.__setattr__(self, "values", vals)
        object.__setattr__(self, "spelling", spelling)
        # The identity (for ==/hash) is built on first use: parsing a large selector
        # then costs no frozenset per requirement.
        object.__setattr__(self, "_ident", None)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Requirement is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Requirement is immutable")

    def _identity(self) -> tuple[Any, ...]:
        ident = self._ident
        if ident is None:
            if self.operator in (_GT, _LT):
                ident = (self.key, self.operator, _int64(self.values[0]))
            else:
                ident = (self.key, self.operator, frozenset(self.values))
            object.__setattr__(self, "_ident", ident)
        return ident

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Requirement):
            return NotImplemented
        return bool(self._identity() == other._identity())

    def __hash__(self) -> int:
        return hash(self._identity())

    def __reduce__(self) -> tuple[Any, ...]:
        return (Requirement, (self.key, self.operator, self.values, self.spelling))

    def __repr__(self) -> str:
        extra = f", spelling={self.spelling!r}" if self.spelling else ""
        return f"Requirement({self.key!r}, Operator.{self.operator.name}, {self.values!r}{extra})"

    def __str__(self) -> str:
        op, key = self.operator, self.key
        if op is _EXISTS:
            return key
        if op is _DOES_NOT_EXIST:
            return "!" + key
        if self.spelling is not None:
            return f"{key}{self.spelling}{self.values[0]}"
        if op is _GT:
            return f"{key}>{self.values[0]}"
        if op is _LT:
            return f"{key}<{self.values[0]}"
        word = "in" if op is _IN else "notin"
        return f"{key} {word} ({','.join(sorted(self.values))})"

    @property
    def value_set(self) -> frozenset[str]:
        """The values as a set (what In/NotIn compare against)."""
        return frozenset(self.values)

    @property
    def threshold(self) -> int:
        """The int64 threshold of a Gt/Lt requirement."""
        if self.operator not in (_GT, _LT):
            raise AttributeError(f"{self.operator.value!r} requirement has no threshold")
        n = _int64(self.values[0])
        assert n is not None  # checked in __init__
        return n

    def matches(self, labels: Labels) -> bool:
        """Whether ``labels`` satisfy this requirement, with Kubernetes semantics.

        ``!=``/``notin`` hold when the key is absent; Gt/Lt need a label value that
        parses as an int64 and fail closed otherwise. ``labels`` that are not a mapping,
        and a value this requirement compares that is not a ``str``, raise ``TypeError``.
        """
        if labels.__class__ is not dict and not isinstance(labels, Mapping):
            raise labels_type_error(labels)
        return self.holds(labels)

    def holds(self, labels: Labels) -> bool:
        """:meth:`matches` for ``labels`` already known to be a mapping (no check of that)."""
        op = self.operator
        if op is _EXISTS:
            return self.key in labels
        if op is _DOES_NOT_EXIST:
            return self.key not in labels
        value = labels.get(self.key, _ABSENT)
        if value is _ABSENT:
            return op is _NOT_IN
        if not isinstance(value, str):
            raise value_type_error(self.key, value)
        if op is _IN:
            return value in self.values
        if op is _NOT_IN:
            return value not in self.values
        n = _int64(value)
        if n is None:
            return False
        return n > self.threshold if op is _GT else n < self.threshold


def _sort_key(r: Requirement) -> str:
    # Python compares str by code point, which is UTF-8 byte order: Go's sort by key.
    return r.key


class Selector:
    """An AND of requirements, stored in Kubernetes' order (stably sorted by key).

    ``Selector.everything()`` (no requirements) matches every label set;
    ``Selector.nothing()`` (a nil LabelSelector) matches none. Both print as ``""``.
    Equality is semantic on the set of requirements: spelling, value order and the
    order of requirements on one key do not matter.

    ``matches`` interprets the requirements for its first few calls, then compiles
    them to a straight-line Python predicate, switching in place (see ``_Matches``), so
    ``sel.matches(labels)`` is a direct call of that function, with no wrapper.
    """

    requirements: tuple[Requirement, ...]
    _nothing: bool

    def __init__(self, requirements: Iterable[Requirement] = ()) -> None:
        reqs = tuple(sorted(requirements, key=_sort_key))
        for r in reqs:
            if not isinstance(r, Requirement):
                raise TypeError(f"Selector takes Requirement objects, not {type(r).__name__}")
        object.__setattr__(self, "requirements", reqs)
        object.__setattr__(self, "_nothing", False)

    @classmethod
    def everything(cls) -> Selector:
        """The selector that matches every label set (``labels.Everything()``)."""
        return _EVERYTHING

    @classmethod
    def nothing(cls) -> Selector:
        """The selector that matches no label set (``labels.Nothing()``, a nil LabelSelector)."""
        return _NOTHING

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Selector is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Selector is immutable")

    @property
    def is_nothing(self) -> bool:
        """True only for :meth:`nothing` (Kubernetes' ``MatchesNothing``)."""
        return self._nothing

    def is_empty(self) -> bool:
        """True for a selector with no requirements (Kubernetes' ``Empty()``); False for nothing()."""
        return not self._nothing and not self.requirements

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Selector):
            return NotImplemented
        return self._nothing == other._nothing and self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash((self._nothing, self._identity()))

    def _identity(self) -> frozenset[Requirement]:
        # Built on first use, like Requirement's (a benign race: equal values).
        d = self.__dict__
        ident: frozenset[Requirement] | None = d.get("_ident")
        if ident is None:
            ident = frozenset(self.requirements)
            d["_ident"] = ident
        return ident

    def __reduce__(self) -> tuple[Any, ...]:
        if self._nothing:
            return (Selector.nothing, ())
        return (Selector, (self.requirements,))

    def __iter__(self) -> Iterator[Requirement]:
        return iter(self.requirements)

    def __len__(self) -> int:
        return len(self.requirements)

    def __bool__(self) -> bool:
        # A selector object is always "something"; use is_empty()/is_nothing for content.
        return True

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)

    def __repr__(self) -> str:
        if self._nothing:
            return "Selector.nothing()"
        if not self.requirements:
            return "Selector.everything()"
        return f"<Selector {str(self)!r}>"

    def add(self, *requirements: Requirement) -> Selector:
        """A new selector with ``requirements`` ANDed in (``Add``); nothing() stays nothing()."""
        if self._nothing:
            return self
        return Selector(self.requirements + requirements)

    def keys(self) -> frozenset[str]:
        """Every label key the requirements mention."""
        return frozenset(r.key for r in self.requirements)

    def requires_exact_match(self, key: str) -> str | None:
        """Kubernetes' ``RequiresExactMatch``: decided by the first requirement on ``key``."""
        for r in self.requirements:
            if r.key == key:
                if r.operator is _IN and len(r.values) == 1:
                    return r.values[0]
                return None
        return None

    @property
    def predicate(self) -> Callable[[Labels], bool]:
        """The compiled predicate ``labels -> bool`` (compiled now if it was not yet).

        Bulk paths (tables, indexes, ``select``) take this: they evaluate many label sets.
        """
        d = self.__dict__
        fn: Callable[[Labels], bool] | None = d.get("_predicate")
        if fn is None:
            if self._nothing:
                fn = never
            elif not self.requirements:
                fn = always
            else:
                current = d.get("matches")
                if current is not None and is_interpreted(current):
                    # Switch the interpreted function (and every reference to it) too.
                    fn = compile_tiered(current, self.requirements)
                else:
                    fn = compile_requirements(self.requirements)
            d["_predicate"] = fn
            d.setdefault("matches", fn)
        return fn

    matches: Callable[[Labels], bool]


class _Matches:
    """``Selector.matches``: the per-instance function ``labels -> bool``.

    Whether ``labels`` satisfy every requirement (Kubernetes ``Selector.Matches``).
    ``labels`` must be a mapping (a ``str`` is not a label set) and every value a
    requirement compares must be a ``str``; otherwise ``TypeError`` says which.
    Requirements that compare values are read first, in key order, then ``x``/``!x``;
    reading stops at the first that fails.

    Tiered, like a JIT: the first :data:`~labelselector._compile.TIER_UP_CALLS` calls
    interpret the requirements (no code is generated, so a selector used once costs
    little more than its parse); then the selector compiles itself into a
    straight-line predicate, as fast as a hand-written lambda. The function is stored on
    the instance at first access and switches tiers in place, so ``m = sel.matches``
    taken early runs compiled later too.
    """

    def __get__(self, obj: Selector | None, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        d = obj.__dict__
        fn = d.get("_predicate")
        if fn is None:
            if obj.is_nothing:
                fn = never
            elif not obj.requirements:
                fn = always
            else:
                # Compiled order: requirements that read a value first (identity tests:
                # cheaper than the compiler's generic ones, and this runs per selector).
                reqs = obj.requirements
                ordered: Sequence[Requirement] = reqs
                keys_only = [r for r in reqs if r.operator is _EXISTS or r.operator is _DOES_NOT_EXIST]
                if keys_only:
                    ordered = [
                        r
                        for r in reqs
                        if r.operator is not _EXISTS and r.operator is not _DOES_NOT_EXIST
                    ] + keys_only
                fn = tiered(obj, ordered)
        # setdefault: if another thread stored one first, everyone uses that one.
        result: Callable[[Labels], bool] = d.setdefault("matches", fn)
        return result

    def __call__(self, selector: Selector, labels: Labels) -> bool:
        """``Selector.matches(sel, labels)``, called through the class."""
        return bool(selector.matches(labels))


Selector.matches = _Matches()  # type: ignore[assignment]


_EVERYTHING = Selector()
_NOTHING = Selector()
object.__setattr__(_NOTHING, "_nothing", True)
