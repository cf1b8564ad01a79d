"""The posting tree :class:`~labelselector.index.SelectorIndex` keeps its value
selectors in.

A value selector is posted under one ``(key, value)`` of one of its In requirements
(its *anchor*, chosen by the index). What it requires beyond the anchor is its
*route* inside that posting:

* ``("exact",)``: nothing more; reaching the posting is a match;
* ``("group", sig, notins)``: only Exists, DoesNotExist, NotIn, Gt and Lt
  requirements. Selectors with the same ``sig`` (keys required, keys forbidden, keys
  with NotIn values, Gt/Lt requirements) form one group, tested once per label set;
  their NotIn values are a kill table ``key -> value -> members`` read with the label
  set's own values (the counting idea of Whang et al., "Indexing Boolean
  Expressions", VLDB 2009, for ∉);
* ``("child", key, values, route)``: another In requirement, posted as a child
  posting under each of its values, with the rest of the selector as its route
  there (so ``app=web,env=prod,tier=fe`` costs one dict lookup per requirement,
  whatever the number of selectors);
* ``("verify",)``: the rest of a selector with too many value combinations to post:
  the compiled predicate is called.

:meth:`Posting.collect` appends the sequence numbers of the selectors a label set
matches. Label values must have been checked to be strings (the index does it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .selector import Requirement

__all__ = ["Posting", "Route", "EXACT", "VERIFY", "group_route", "Kills", "add_kills", "drop_kills"]

Route = tuple[Any, ...]
"""``("exact",)``, ``("group", sig, notins)``, ``("child", key, values, route)`` or
``("verify",)``."""

EXACT: Route = ("exact",)
VERIFY: Route = ("verify",)

_GroupSig = tuple[frozenset[str], frozenset[str], tuple[str, ...], "tuple[Requirement, ...]"]
_NotIns = tuple[tuple[str, frozenset[str]], ...]


def group_route(
    required: Iterable[str],
    forbidden: Iterable[str],
    notins: Iterable[tuple[str, Iterable[str]]],
    ranges: Iterable[Requirement] = (),
) -> Route:
    """The route of a selector whose remaining requirements are Exists on
    ``required``, DoesNotExist on ``forbidden``, NotIn ``(key, values)`` and the Gt/Lt
    requirements ``ranges``."""
    pairs: _NotIns = tuple(sorted((k, frozenset(vs)) for k, vs in notins))
    req, forb = frozenset(required), frozenset(forbidden)
    # (equal Gt/Lt requirements, ``x>5`` and ``x>05``, are one; sorted by key, op, n)
    distinct = {r: None for r in ranges}
    tests = tuple(sorted(distinct, key=_range_order))
    if not req and not forb and not pairs and not tests:
        return EXACT
    sig: _GroupSig = (req, forb, tuple(sorted({k for k, _ in pairs})), tests)
    return ("group", sig, pairs)


def _range_order(r: Requirement) -> tuple[str, str, int]:
    return (r.key, r.operator.value, r.threshold)


Kills = dict[str, dict[str, set[int]]]
"""A kill table: NotIn key -> value -> the selectors that value excludes."""


def add_kills(kills: Kills, seq: int, notins: Iterable[tuple[str, Iterable[str]]]) -> None:
    """Enter selector ``seq``'s NotIn ``(key, values)`` in ``kills``."""
    for k, values in notins:
        table = kills.setdefault(k, {})
        for v in values:
            table.setdefault(v, set()).add(seq)


def drop_kills(kills: Kills, seq: int, notins: Iterable[tuple[str, Iterable[str]]]) -> None:
    """Take selector ``seq``'s NotIn ``(key, values)`` out of ``kills``, dropping
    emptied entries (a key or value listed twice is dropped once)."""
    for k, values in notins:
        table = kills.get(k)
        if table is None:
            continue
        for v in values:
            seqs = table.get(v)
            if seqs is not None:
                seqs.discard(seq)
                if not seqs:
                    del table[v]
        if not table:
            del kills[k]


class _Group:
    """Selectors with the same keys required, forbidden and compared by NotIn, and the
    same Gt/Lt requirements (the group's ``sig``); ``kills`` holds their NotIn values."""

    __slots__ = ("members", "kills")

    def __init__(self) -> None:
        self.members: dict[int, None] = {}
        # NotIn key -> value -> the members that value excludes
        self.kills: Kills = {}

    def add(self, seq: int, notins: _NotIns) -> None:
        self.members[seq] = None
        add_kills(self.kills, seq, notins)

    def remove(self, seq: int, notins: _NotIns) -> None:
        del self.members[seq]
        drop_kills(self.kills, seq, notins)


class Posting:
    """The value selectors that a label set can match once it has reached here.

    Its four tables exist only while they hold something (``None`` otherwise): most
    child postings hold one kind of selector, and an index holds many postings.
    """

    __slots__ = ("exact", "groups", "verify", "children", "leaf")

    def __init__(self) -> None:
        self.exact: dict[int, None] | None = None
        self.groups: dict[_GroupSig, _Group] | None = None
        self.verify: dict[int, Callable[[Mapping[str, str]], bool]] | None = None
        # key -> value -> child posting
        self.children: dict[str, dict[str, Posting]] | None = None
        # ``exact`` when it is all there is (a parent then reads it without a call)
        self.leaf: dict[int, None] | None = None

    def __bool__(self) -> bool:
        return bool(self.exact or self.groups or self.verify or self.children)

    def add(self, seq: int, predicate: Callable[[Mapping[str, str]], bool], route: Route) -> None:
        """Post selector ``seq`` along ``route``."""
        kind = route[0]
        if kind == "exact":
            if self.exact is None:
                self.exact = {}
            self.exact[seq] = None
        elif kind == "group":
            if self.groups is None:
                self.groups = {}
            group = self.groups.get(route[1])
            if group is None:
                group = self.groups[route[1]] = _Group()
            group.add(seq, route[2])
        elif kind == "child":
            if self.children is None:
                self.children = {}
            table = self.children.setdefault(route[1], {})
            for v in route[2]:
                child = table.get(v)
                if child is None:
                    child = table[v] = Posting()
                child.add(seq, predicate, route[3])
        else:
            if self.verify is None:
                self.verify = {}
            self.verify[seq] = predicate
        self._settle()

    def remove(self, seq: int, route: Route) -> None:
        """Take selector ``seq`` off ``route`` (as given to :meth:`add`), dropping
        emptied groups, children and tables."""
        kind = route[0]
        if kind == "exact":
            assert self.exact is not None
            del self.exact[seq]
            if not self.exact:
                self.exact = None
        elif kind == "group":
            assert self.groups is not None
            group = self.groups[route[1]]
            group.remove(seq, route[2])
            if not group.members:
                del self.groups[route[1]]
                if not self.groups:
                    self.groups = None
        elif kind == "child":
            assert self.children is not None
            table = self.children[route[1]]
            for v in route[2]:
                child = table[v]
                child.remove(seq, route[3])
                if not child:
                    del table[v]
            if not table:
                del self.children[route[1]]
                if not self.children:
                    self.children = None
        else:
            assert self.verify is not None
            del self.verify[seq]
            if not self.verify:
                self.verify = None
        self._settle()

    def _settle(self) -> None:
        only = self.exact is not None and not (self.groups or self.verify or self.children)
        self.leaf = self.exact if only else None

    def collect(
        self, labels: Mapping[str, str], keys: frozenset[str], get: Any, found: list[int]
    ) -> None:
        """Append to ``found`` the sequence numbers of the selectors posted here that
        match ``labels`` (``keys`` is ``frozenset(labels)``, ``get`` is ``labels.get``)."""
        if self.exact:
            found += self.exact
        if self.groups:
            for (required, forbidden, notin_keys, ranges), group in self.groups.items():
                if not (required <= keys and keys.isdisjoint(forbidden)):
                    continue
                if ranges:
                    for r in ranges:
                        if not r.holds(labels):
                            break
                    else:
                        ranges = ()
                    if ranges:
                        continue
                out: set[int] | None = None
                for k in notin_keys:
                    v = get(k)
                    if v is not None:
                        seqs = group.kills[k].get(v)
                        if seqs:
                            out = seqs if out is None else out | seqs
                if out is None:
                    found += group.members
                elif len(out) < len(group.members):  # (``out`` holds members only)
                    found += [s for s in group.members if s not in out]
        if self.verify:
            for seq, predicate in self.verify.items():
                if predicate(labels):
                    found.append(seq)
        if self.children:
            for k, table in self.children.items():
                v = get(k)
                if v is not None:
                    child = table.get(v)
                    if child is not None:
                        leaf = child.leaf
                        if leaf is not None:
                            found += leaf
                        else:
                            child.collect(labels, keys, get, found)

    def count(self) -> int:
        """How many postings this one holds, itself included."""
        if not self.children:
            return 1
        return 1 + sum(c.count() for t in self.children.values() for c in t.values())
