"""A reverse index of selectors: which of my selectors match this label set?

Controllers keep thousands of selectors (Services, policies, leases) and, when an
object changes, need the ones that match its labels. Looping ``Selector.matches``
over all of them costs time proportional to the number of selectors;
:class:`SelectorIndex` only looks at selectors that can match.

How: every selector gets one *anchor*, something any matching label set must have
that can be looked up from the label set alone:

* two In requirements on different keys (``app=web,tier in (fe,api)``) -> posting
  lists under each combination of their values, ``(app, tier) -> (web, fe)`` and
  ``(web, api)``; a label set looks up its own value pair for each key pair the
  index holds (or, when the index holds more key pairs, each pair of its own labels);
* one In requirement (``key in (v1,...)`` / ``key=v``) -> posting lists under each
  ``(key, v)``. The In requirements chosen are the least likely to be hit: fewest
  values relative to the number of distinct values their key has in the index
  (``app=web`` before ``env=prod``);
* otherwise ``key`` (Exists), ``key>n`` or ``key<n`` -> a posting list under ``key``;
* selectors with neither (only ``notin``/``!=``/``!key``, or no requirements at
  all) are *residual*: they match unless the label set violates one of their
  requirements, so the index keeps, per ``(key, value)`` and per ``key``, which
  residual selectors a label would violate, and answers them without evaluating them;
* ``Selector.nothing()`` is stored but never matches.

``matching(labels)`` collects the selectors anchored under what the label set has
(each at most once, since a label set has one value per key), keeps those whose
anchor is their only requirement and those whose compiled ``Selector.matches``
holds, adds the residual selectors
nothing violated, and returns their ids in insertion order. The answer is exactly
that of looping ``Selector.matches`` over every selector.

Thread safety: every method takes an internal lock, so each call sees the index
between two whole updates (an ``add``, ``remove``, ``discard`` or ``clear``), never in
the middle of one; :meth:`SelectorIndex.matching` returns a new list that later
updates never touch. Converting and compiling a selector happen before the lock is
taken, so a slow parse does not block readers.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from operator import attrgetter
from typing import Any, Generic, TypeVar

from ._labeltypes import labels_type_error
from .api import as_selector
from .selector import Operator, Requirement, Selector

__all__ = ["SelectorIndex"]

K = TypeVar("K", bound=Hashable)


class _Entry(Generic[K]):
    __slots__ = ("seq", "id", "selector", "predicate", "anchor")

    def __init__(self, seq: int, ident: K, selector: Selector) -> None:
        self.seq = seq
        self.id = ident
        self.selector = selector
        self.predicate: Callable[[Mapping[str, str]], bool] = selector.predicate
        # ("value", key, values, exact) | ("key", key, exact) | ("residual",) | ("nothing",)
        self.anchor: tuple[Any, ...] = ("nothing",)


_seq = attrgetter("seq")
_key = attrgetter("key")

_MAX_PAIR_COMBOS = 16
"""A pair anchor on ``a in (...)`` and ``b in (...)`` posts every value combination."""


class _Posting(Generic[K]):
    """The selectors anchored under one ``(key, value)`` or key, by sequence number.

    ``exact``: selectors whose anchor is their only requirement (a hit is a match);
    ``verify``: the others, checked with their compiled predicate.
    """

    __slots__ = ("exact", "verify")

    def __init__(self) -> None:
        self.exact: dict[int, _Entry[K]] = {}
        self.verify: dict[int, _Entry[K]] = {}

    def add(self, entry: _Entry[K], exact: bool) -> None:
        (self.exact if exact else self.verify)[entry.seq] = entry

    def remove(self, seq: int) -> None:
        if self.exact.pop(seq, None) is None:
            del self.verify[seq]

    def __len__(self) -> int:
        return len(self.exact) + len(self.verify)

    def collect(self, labels: Mapping[str, str], found: list[_Entry[K]]) -> None:
        """Append the selectors of this posting that match ``labels`` to ``found``."""
        if self.exact:
            found.extend(self.exact.values())
        for e in self.verify.values():
            if e.predicate(labels):
                found.append(e)


class SelectorIndex(Generic[K]):
    """Selectors by id, answering :meth:`matching` without evaluating every selector.

    Selectors may be given as strings, :class:`~labelselector.Selector` objects,
    LabelSelector dicts or objects, or protobuf messages (anything
    :func:`~labelselector.as_selector` accepts; ``None`` is a nil selector, which
    matches nothing). Ids are any hashable values (usually strings).

    >>> index = SelectorIndex()
    >>> index.add("web", "app=web,tier in (fe,api)")
    >>> index.add("not-canary", "!canary")
    >>> index.add("prod-policy", {"matchLabels": {"env": "prod"}})
    >>> index.matching({"app": "web", "tier": "api", "env": "prod"})
    ['web', 'not-canary', 'prod-policy']
    >>> index.remove("web")
    >>> index.matching({"app": "web", "tier": "api", "canary": "true"})
    []
    """

    def __init__(self, selectors: Mapping[K, Any] | Iterable[tuple[K, Any]] = ()) -> None:
        self._lock = threading.Lock()
        self._entries: dict[K, _Entry[K]] = {}
        self._next_seq = 0
        # anchored selectors
        self._by_value: dict[str, dict[str, _Posting[K]]] = {}
        self._by_key: dict[str, _Posting[K]] = {}
        self._by_pair: dict[tuple[str, str], dict[tuple[str, str], _Posting[K]]] = {}
        # how many In requirements name each (key, value): the keys' cardinalities
        self._cardinality: dict[str, dict[str, int]] = {}
        # residual selectors, and which labels violate them
        self._residual: dict[int, _Entry[K]] = {}
        self._kill_value: dict[str, dict[str, set[int]]] = {}
        self._kill_key: dict[str, set[int]] = {}
        items = selectors.items() if isinstance(selectors, Mapping) else selectors
        for ident, sel in items:
            self.add(ident, sel)

    # ------------------------------------------------------------------ container

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __contains__(self, ident: object) -> bool:
        with self._lock:
            return ident in self._entries

    def __iter__(self) -> Iterator[K]:
        """Ids in insertion order (a snapshot: later updates do not change it)."""
        with self._lock:
            entries = list(self._entries.values())
        return iter([e.id for e in sorted(entries, key=_seq)])

    def __getitem__(self, ident: K) -> Selector:
        with self._lock:
            return self._entries[ident].selector

    def __repr__(self) -> str:
        return f"<SelectorIndex of {len(self)} selectors>"

    # ------------------------------------------------------------------ updates

    def add(self, ident: K, selector: Any) -> None:
        """Add ``selector`` under ``ident``; an existing ``ident`` is replaced in place.

        A replaced id keeps its position in the order of :meth:`matching`'s results.
        """
        sel = as_selector(selector)
        sel.predicate  # noqa: B018 - compile outside the lock
        with self._lock:
            old = self._entries.pop(ident, None)
            if old is not None:
                self._unlink(old)
                seq = old.seq
            else:
                seq = self._next_seq
                self._next_seq += 1
            entry = _Entry(seq, ident, sel)
            self._link(entry)
            self._entries[ident] = entry

    def remove(self, ident: K) -> None:
        """Remove the selector stored under ``ident`` (``KeyError`` if there is none)."""
        with self._lock:
            entry = self._entries.pop(ident)
            self._unlink(entry)

    def discard(self, ident: K) -> None:
        """Remove the selector under ``ident`` if there is one."""
        with self._lock:
            entry = self._entries.pop(ident, None)
            if entry is not None:
                self._unlink(entry)

    def clear(self) -> None:
        """Remove every selector."""
        with self._lock:
            self._clear()

    def _clear(self) -> None:
        self._entries.clear()
        self._by_value.clear()
        self._by_key.clear()
        self._by_pair.clear()
        self._cardinality.clear()
        self._residual.clear()
        self._kill_value.clear()
        self._kill_key.clear()

    def _value_cost(self, r: Requirement) -> tuple[float, int, str]:
        # The chance that a label set hits one of the values, were the key's values
        # uniform: len(values) / distinct values of the key seen so far in the index.
        # "app=web" (hundreds of apps) beats "env=prod" (a handful of envs).
        distinct = len(self._cardinality.get(r.key, ())) + 1
        n = len(r.value_set)
        return (n / distinct, n, r.key)

    def _choose_anchor(self, sel: Selector) -> tuple[Any, ...]:
        if sel.is_nothing:
            return ("nothing",)
        ins = [r for r in sel.requirements if r.operator is Operator.IN]
        if ins:
            ranked = sorted(ins, key=self._value_cost)
            best = ranked[0]
            second = next((r for r in ranked[1:] if r.key != best.key), None)
            if (
                second is not None
                and len(best.value_set) * len(second.value_set) <= _MAX_PAIR_COMBOS
            ):
                a, b = sorted((best, second), key=_key)
                combos = frozenset(itertools.product(a.value_set, b.value_set))
                return ("pair", (a.key, b.key), combos, len(sel.requirements) == 2)
            return ("value", best.key, best.value_set, len(sel.requirements) == 1)
        keyed = [
            r.key
            for r in sel.requirements
            if r.operator in (Operator.EXISTS, Operator.GT, Operator.LT)
        ]
        if keyed:
            key = min(keyed, key=lambda k: len(self._by_key.get(k, ())))
            exact = len(sel.requirements) == 1 and sel.requirements[0].operator is Operator.EXISTS
            return ("key", key, exact)
        return ("residual",)

    def _link(self, entry: _Entry[K]) -> None:
        anchor = self._choose_anchor(entry.selector)
        entry.anchor = anchor
        kind, seq = anchor[0], entry.seq
        for r in entry.selector.requirements:
            if r.operator is Operator.IN:
                seen = self._cardinality.setdefault(r.key, {})
                for v in r.value_set:
                    seen[v] = seen.get(v, 0) + 1
        if kind == "pair":
            pairs = self._by_pair.setdefault(anchor[1], {})
            for combo in anchor[2]:
                posting = pairs.get(combo)
                if posting is None:
                    posting = pairs[combo] = _Posting()
                posting.add(entry, anchor[3])
        elif kind == "value":
            postings = self._by_value.setdefault(anchor[1], {})
            for v in anchor[2]:
                posting = postings.get(v)
                if posting is None:
                    posting = postings[v] = _Posting()
                posting.add(entry, anchor[3])
        elif kind == "key":
            posting = self._by_key.get(anchor[1])
            if posting is None:
                posting = self._by_key[anchor[1]] = _Posting()
            posting.add(entry, anchor[2])
        elif kind == "residual":
            self._residual[seq] = entry
            for r in entry.selector.requirements:
                if r.operator is Operator.DOES_NOT_EXIST:
                    self._kill_key.setdefault(r.key, set()).add(seq)
                else:  # NOT_IN: violated by any of its values
                    kills = self._kill_value.setdefault(r.key, {})
                    for v in r.value_set:
                        kills.setdefault(v, set()).add(seq)

    def _unlink(self, entry: _Entry[K]) -> None:
        anchor, seq = entry.anchor, entry.seq
        kind = anchor[0]
        for r in entry.selector.requirements:
            if r.operator is Operator.IN:
                seen = self._cardinality[r.key]
                for v in r.value_set:
                    if seen[v] == 1:
                        del seen[v]
                    else:
                        seen[v] -= 1
                if not seen:
                    del self._cardinality[r.key]
        if kind == "pair":
            _unpost(self._by_pair, anchor[1], anchor[2], seq)
        elif kind == "value":
            _unpost(self._by_value, anchor[1], anchor[2], seq)
        elif kind == "key":
            posting = self._by_key[anchor[1]]
            posting.remove(seq)
            if not posting:
                del self._by_key[anchor[1]]
        elif kind == "residual":
            del self._residual[seq]
            # (a selector may repeat a requirement, so each list may already be gone)
            for r in entry.selector.requirements:
                if r.operator is Operator.DOES_NOT_EXIST:
                    seqs = self._kill_key.get(r.key)
                    if seqs is not None:
                        seqs.discard(seq)
                        if not seqs:
                            del self._kill_key[r.key]
                    continue
                kills = self._kill_value.get(r.key)
                if kills is None:
                    continue
                for v in r.value_set:
                    vseqs = kills.get(v)
                    if vseqs is not None:
                        vseqs.discard(seq)
                        if not vseqs:
                            del kills[v]
                if not kills:
                    del self._kill_value[r.key]

    # ------------------------------------------------------------------ queries

    def matching(self, labels: Mapping[str, str]) -> list[K]:
        """The ids of every selector that matches ``labels``, in insertion order.

        Exactly ``[i for i, s in items if s.matches(labels)]``, without evaluating the
        selectors that cannot match. ``labels`` that are not a mapping raise ``TypeError``.
        """
        if not isinstance(labels, Mapping):
            raise labels_type_error(labels)
        with self._lock:
            return self._matching(labels)

    def _matching(self, labels: Mapping[str, str]) -> list[K]:
        found: list[_Entry[K]] = []
        killed: set[int] = set()
        by_value, by_key = self._by_value, self._by_key
        kill_value, kill_key = self._kill_value, self._kill_key
        for k, v in labels.items():
            values = by_value.get(k)
            if values is not None:
                posting = values.get(v)
                if posting is not None:
                    posting.collect(labels, found)
            posting = by_key.get(k)
            if posting is not None:
                posting.collect(labels, found)
            if kill_value:
                kv = kill_value.get(k)
                if kv is not None:
                    seqs = kv.get(v)
                    if seqs is not None:
                        killed |= seqs
            if kill_key:
                seqs = kill_key.get(k)
                if seqs is not None:
                    killed |= seqs
        if self._by_pair:
            self._match_pairs(labels, found)
        if self._residual:
            if killed:
                found.extend(e for s, e in self._residual.items() if s not in killed)
            else:
                found.extend(self._residual.values())
        found.sort(key=_seq)
        return [e.id for e in found]

    def _match_pairs(self, labels: Mapping[str, str], found: list[_Entry[K]]) -> None:
        by_pair = self._by_pair
        n = len(labels)
        if len(by_pair) <= n * (n - 1) // 2:
            get = labels.get
            for (k1, k2), postings in by_pair.items():
                v1 = get(k1)
                if v1 is None:
                    continue
                v2 = get(k2)
                if v2 is None:
                    continue
                posting = postings.get((v1, v2))
                if posting is not None:
                    posting.collect(labels, found)
            return
        # more key pairs in the index than in the label set: walk the label set's pairs
        for (k1, v1), (k2, v2) in itertools.combinations(sorted(labels.items()), 2):
            group = by_pair.get((k1, k2))
            if group is None:
                continue
            posting = group.get((v1, v2))
            if posting is not None:
                posting.collect(labels, found)

    def stats(self) -> dict[str, int]:
        """How the selectors are indexed: counts per anchor kind, and posting lists.

        ``value``: anchored on ``(key, value)`` pairs; ``key``: on a key (Exists,
        Gt, Lt); ``residual``: only absences or no requirements; ``nothing``: nil
        selectors. ``value_postings``/``key_postings``: distinct lists.
        """
        with self._lock:
            return self._stats()

    def _stats(self) -> dict[str, int]:
        counts = {"pair": 0, "value": 0, "key": 0, "residual": 0, "nothing": 0}
        for e in self._entries.values():
            counts[e.anchor[0]] += 1
        counts["value_postings"] = sum(len(p) for p in self._by_value.values())
        counts["key_postings"] = len(self._by_key)
        counts["pair_postings"] = sum(len(p) for p in self._by_pair.values())
        return counts


def _unpost(
    table: dict[Any, dict[Any, _Posting[Any]]], outer: Any, inner: Iterable[Any], seq: int
) -> None:
    """Remove ``seq`` from ``table[outer][i]`` for each ``i``, dropping emptied entries."""
    postings = table[outer]
    for i in inner:
        posting = postings[i]
        posting.remove(seq)
        if not posting:
            del postings[i]
    if not postings:
        del table[outer]
