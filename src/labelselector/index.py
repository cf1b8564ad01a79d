"""A reverse index of selectors: which of my selectors match this label set?

Controllers keep thousands of selectors (Services, policies, leases) and, when an
object changes, need the ones that match its labels. Looping ``Selector.matches``
over all of them costs time proportional to the number of selectors;
:class:`SelectorIndex` costs time proportional to the label set's keys and to the
number of matches.

How: selectors fall in two classes.

*Value selectors* have an In (``key in (...)``, ``key=v``), ``key>n`` or ``key<n``
requirement: a label set can only match them if it has one particular value (or,
for Gt/Lt, one key). Each gets one *anchor* that can be looked up from the label
set alone (the counting idea of Whang et al., "Indexing Boolean Expressions",
VLDB 2009, reduced to the one conjunct that prunes most):

* two In requirements on different keys (``app=web,tier in (fe,api)``) -> posting
  lists under each combination of their values, ``(app, tier) -> (web, fe)`` and
  ``(web, api)``; a label set looks up its own value pair for each key pair the
  index holds (or, when the index holds more key pairs, each pair of its own labels);
* one In requirement -> posting lists under each ``(key, v)``. The In requirements
  chosen are the least likely to be hit: fewest values relative to the number of
  distinct values their key has in the index (``app=web`` before ``env=prod``);
* otherwise ``key>n`` or ``key<n`` -> a posting list under ``key``.

A posting is a hit only if the anchor is the selector's only requirement; the others
are checked with their compiled ``Selector.matches`` (exact Gt/Lt semantics included).

*Key selectors* have only Exists, DoesNotExist and NotIn/``!=`` requirements (or
none: ``Selector.everything()``). Apart from NotIn values they depend only on which
keys a label set has: the index groups them by (keys they require, keys they
forbid) and keeps, per set of relevant keys a label set has, the ordered list of
ids of those that pass (built on first use from the groups, at most
``KEY_SET_CACHE`` such lists, forgotten when a key selector is added or removed).
A NotIn value a label set has removes the selectors it violates, found through a
``(key, value)`` table. Absence-only selectors (``!canary``, ``env notin (dev)``)
match most label sets, so this is where most matches come from: they are copied
as one list rather than discovered one by one.

``Selector.nothing()`` is stored but never matches.

``matching(labels)`` merges the value selectors' hits (sorted sequence numbers)
into the key selectors' list: by binary search and list slices when the hits are
few, by one sort otherwise. The answer is exactly that of looping
``Selector.matches`` over every selector, in insertion order.

Thread safety: every method takes an internal lock, so each call sees the index
between two whole updates (an ``add``, ``remove``, ``discard`` or ``clear``), never in
the middle of one; :meth:`SelectorIndex.matching` returns a new list that later
updates never touch. Converting and compiling a selector happen before the lock is
taken, so a slow parse does not block readers.
"""

from __future__ import annotations

import itertools
import threading
from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from operator import attrgetter
from typing import Any, Generic, TypeVar

from ._labeltypes import labels_type_error
from .api import as_selector
from .selector import Operator, Requirement, Selector

__all__ = ["SelectorIndex", "KEY_SET_CACHE", "KEY_SET_FACTOR"]

K = TypeVar("K", bound=Hashable)

KEY_SET_CACHE = 256
"""How many per-key-set lists of key selectors an index keeps (oldest dropped first)."""

KEY_SET_FACTOR = 64
"""Those lists hold at most this many entries per selector in the index, together."""

_MAX_PAIR_COMBOS = 16
"""A pair anchor on ``a in (...)`` and ``b in (...)`` posts every value combination."""

_BISECT_RATIO = 8
"""Merge hits into the key selectors' list by binary search while there are at most
1/_BISECT_RATIO as many hits as list entries; otherwise by one sort."""

_Sig = tuple[frozenset[str], frozenset[str]]


class _Entry(Generic[K]):
    __slots__ = ("seq", "id", "selector", "predicate", "anchor")

    def __init__(self, seq: int, ident: K, selector: Selector) -> None:
        self.seq = seq
        self.id = ident
        self.selector = selector
        self.predicate: Callable[[Mapping[str, str]], bool] = selector.predicate
        # ("pair", keys, combos, exact) | ("value", key, values, exact)
        # | ("key", key) | ("keys", (required, forbidden)) | ("nothing",)
        self.anchor: tuple[Any, ...] = ("nothing",)


_seq = attrgetter("seq")
_key = attrgetter("key")


_EXACT: _Sig = (frozenset(), frozenset())


class _Posting:
    """The value selectors anchored under one ``(key, value)``, value pair or key.

    ``groups``: sequence numbers of the selectors whose other requirements are only
    Exists, DoesNotExist or NotIn, by (keys required, keys forbidden); ``_EXACT`` holds
    those with no other requirement (a hit is a match). NotIn values are left to the
    index's kill table. ``verify``: the others, with their compiled predicate.
    """

    __slots__ = ("groups", "verify")

    def __init__(self) -> None:
        self.groups: dict[_Sig, dict[int, None]] = {}
        self.verify: dict[int, Callable[[Mapping[str, str]], bool]] = {}

    def add(self, entry: _Entry[Any], sig: _Sig | None) -> None:
        if sig is None:
            self.verify[entry.seq] = entry.predicate
        else:
            group = self.groups.get(sig)
            if group is None:
                group = self.groups[sig] = {}
            group[entry.seq] = None

    def remove(self, seq: int, sig: _Sig | None) -> None:
        if sig is None:
            del self.verify[seq]
        else:
            group = self.groups[sig]
            del group[seq]
            if not group:
                del self.groups[sig]

    def __len__(self) -> int:
        return len(self.groups) + len(self.verify)

    def collect(self, labels: Mapping[str, str], keys: Any, found: list[int]) -> None:
        """Append the sequence numbers of this posting's candidates for ``labels``
        (``keys`` is ``labels.keys()``): matches, but for NotIn values."""
        for sig, group in self.groups.items():
            if sig is _EXACT or (sig[0] <= keys and keys.isdisjoint(sig[1])):
                found.extend(group)
        for seq, predicate in self.verify.items():
            if predicate(labels):
                found.append(seq)


class SelectorIndex(Generic[K]):
    """Selectors by id, answering :meth:`matching` without evaluating every selector.

    Selectors may be given as strings, :class:`~labelselector.Selector` objects,
    LabelSelector dicts or objects, or protobuf messages (anything
    :func:`~labelselector.as_selector` accepts; ``None`` is a nil selector, which
    matches nothing). Ids are any hashable values (usually strings). Every method is
    thread-safe (see the module docstring).

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
        # id by sequence number (None where removed; renumbered when half empty)
        self._ids: list[K | None] = []
        # value selectors
        self._by_value: dict[str, dict[str, _Posting]] = {}
        self._by_key: dict[str, _Posting] = {}
        self._by_pair: dict[tuple[str, str], dict[tuple[str, str], _Posting]] = {}
        # how many In requirements name each (key, value): the keys' cardinalities
        self._cardinality: dict[str, dict[str, int]] = {}
        # key selectors: by (required keys, forbidden keys); the keys those mention
        # (with how many groups mention each); and per relevant key set of a label
        # set, the ordered sequence numbers and ids of those that pass
        self._groups: dict[_Sig, dict[int, None]] = {}
        self._group_keys: dict[str, int] = {}
        self._key_sets: dict[frozenset[str], tuple[list[int], list[K]]] = {}
        self._key_sets_size = 0
        # which NotIn values violate which selectors: key selectors / value selectors
        self._kill_keyed: dict[str, dict[str, set[int]]] = {}
        self._kill_valued: dict[str, dict[str, set[int]]] = {}
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
                seq = len(self._ids)
                self._ids.append(ident)
            entry = _Entry(seq, ident, sel)
            self._entries[ident] = entry
            self._link(entry)

    def remove(self, ident: K) -> None:
        """Remove the selector stored under ``ident`` (``KeyError`` if there is none)."""
        with self._lock:
            entry = self._entries.pop(ident)
            self._forget(entry)

    def discard(self, ident: K) -> None:
        """Remove the selector under ``ident`` if there is one."""
        with self._lock:
            entry = self._entries.pop(ident, None)
            if entry is not None:
                self._forget(entry)

    def clear(self) -> None:
        """Remove every selector."""
        with self._lock:
            self._entries.clear()
            self._reset()

    def _reset(self) -> None:
        """Empty every structure but ``_entries``."""
        self._ids.clear()
        for table in (
            self._by_value,
            self._by_key,
            self._by_pair,
            self._cardinality,
            self._groups,
            self._group_keys,
            self._key_sets,
            self._kill_keyed,
            self._kill_valued,
        ):
            table.clear()
        self._key_sets_size = 0

    def _forget(self, entry: _Entry[K]) -> None:
        self._unlink(entry)
        self._ids[entry.seq] = None
        if len(self._ids) > 2 * len(self._entries) + 1024:
            self._renumber()

    def _renumber(self) -> None:
        """Give the selectors sequence numbers 0..n-1 again, in the same order, so that
        ``_ids`` stays within twice the number of selectors (amortised O(1) per removal)."""
        entries = sorted(self._entries.values(), key=_seq)
        self._reset()
        for seq, entry in enumerate(entries):
            entry.seq = seq
            self._ids.append(entry.id)
            self._link(entry)

    def _forget_key_sets(self) -> None:
        self._key_sets.clear()
        self._key_sets_size = 0

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
        reqs = sel.requirements
        ins = [r for r in reqs if r.operator is Operator.IN]
        if ins:
            ranked = sorted(ins, key=self._value_cost)
            best = ranked[0]
            second = next((r for r in ranked[1:] if r.key != best.key), None)
            rest = list(reqs)
            rest.remove(best)
            if (
                second is not None
                and len(best.value_set) * len(second.value_set) <= _MAX_PAIR_COMBOS
            ):
                rest.remove(second)
                a, b = sorted((best, second), key=_key)
                combos = frozenset(itertools.product(a.value_set, b.value_set))
                return ("pair", (a.key, b.key), combos, _key_sig(rest))
            return ("value", best.key, best.value_set, _key_sig(rest))
        ranged = [r.key for r in reqs if r.operator in (Operator.GT, Operator.LT)]
        if ranged:
            return ("key", min(ranged, key=lambda k: len(self._by_key.get(k, ()))))
        return ("keys", _key_sig(reqs))

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
            posting.add(entry, None)
        elif kind == "keys":
            self._forget_key_sets()
            sig: _Sig = anchor[1]
            group = self._groups.get(sig)
            if group is None:
                group = self._groups[sig] = {}
                for k in sig[0] | sig[1]:
                    self._group_keys[k] = self._group_keys.get(k, 0) + 1
            group[seq] = None
        if _structural(anchor):
            # NotIn requirements are checked through a kill table
            table = self._kill_keyed if kind == "keys" else self._kill_valued
            for r in entry.selector.requirements:
                if r.operator is Operator.NOT_IN:
                    kills = table.setdefault(r.key, {})
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
            _unpost(self._by_pair, anchor[1], anchor[2], seq, anchor[3])
        elif kind == "value":
            _unpost(self._by_value, anchor[1], anchor[2], seq, anchor[3])
        elif kind == "key":
            posting = self._by_key[anchor[1]]
            posting.remove(seq, None)
            if not posting:
                del self._by_key[anchor[1]]
        elif kind == "keys":
            self._forget_key_sets()
            sig: _Sig = anchor[1]
            group = self._groups[sig]
            del group[seq]
            if not group:
                del self._groups[sig]
                for k in sig[0] | sig[1]:
                    if self._group_keys[k] == 1:
                        del self._group_keys[k]
                    else:
                        self._group_keys[k] -= 1
        if not _structural(anchor):
            return
        # (a selector may repeat a requirement, so a set may already be gone)
        table = self._kill_keyed if kind == "keys" else self._kill_valued
        for r in entry.selector.requirements:
            if r.operator is not Operator.NOT_IN:
                continue
            kills = table.get(r.key)
            if kills is None:
                continue
            for v in r.value_set:
                vseqs = kills.get(v)
                if vseqs is not None:
                    vseqs.discard(seq)
                    if not vseqs:
                        del kills[v]
            if not kills:
                del table[r.key]

    # ------------------------------------------------------------------ queries

    def matching(self, labels: Mapping[str, str]) -> list[K]:
        """The ids of every selector that matches ``labels``, in insertion order.

        Exactly ``[i for i, s in items if s.matches(labels)]``, without evaluating the
        selectors that cannot match. ``labels`` that are not a mapping raise ``TypeError``.
        """
        if type(labels) is not dict and not isinstance(labels, Mapping):
            raise labels_type_error(labels)
        with self._lock:
            return self._matching(labels)

    def _matching(self, labels: Mapping[str, str]) -> list[K]:
        hits: list[int] = []
        keys = labels.keys()
        by_value, by_key = self._by_value, self._by_key
        kill_valued, kill_keyed = self._kill_valued, self._kill_keyed
        killed_hits: list[set[int]] = []
        killed: list[set[int]] = []
        for k, v in labels.items():
            values = by_value.get(k)
            if values is not None:
                posting = values.get(v)
                if posting is not None:
                    posting.collect(labels, keys, hits)
            if by_key:
                posting = by_key.get(k)
                if posting is not None:
                    posting.collect(labels, keys, hits)
            if kill_valued:
                table = kill_valued.get(k)
                if table is not None:
                    seqs = table.get(v)
                    if seqs is not None:
                        killed_hits.append(seqs)
            if kill_keyed:
                table = kill_keyed.get(k)
                if table is not None:
                    seqs = table.get(v)
                    if seqs is not None:
                        killed.append(seqs)
        if self._by_pair:
            self._match_pairs(labels, keys, hits)
        if hits:
            for kills in killed_hits:
                hits = list(itertools.filterfalse(kills.__contains__, hits))
        ids = self._ids
        if not self._groups:
            hits.sort()
            return list(map(ids.__getitem__, hits))  # type: ignore[arg-type]
        group_keys = self._group_keys
        present = frozenset(keys & group_keys.keys()) if group_keys else frozenset()
        base = self._key_sets.get(present)
        if base is None:
            base = self._key_set(present)
        if not hits and not killed:
            return base[1][:]
        return self._merge(base, hits, killed)

    def _key_set(self, present: frozenset[str]) -> tuple[list[int], list[K]]:
        """The key selectors whose key tests pass when exactly the relevant keys
        ``present`` are there: sequence numbers and ids in insertion order (built and
        remembered; the oldest lists are dropped past ``KEY_SET_CACHE`` lists or
        ``KEY_SET_FACTOR`` times as many entries as the index has selectors)."""
        seqs = list(
            itertools.chain.from_iterable(
                group
                for (required, forbidden), group in self._groups.items()
                if required <= present and present.isdisjoint(forbidden)
            )
        )
        seqs.sort()
        ids: list[K] = list(map(self._ids.__getitem__, seqs))  # type: ignore[arg-type]
        cache = self._key_sets
        limit = KEY_SET_FACTOR * len(self._entries)
        while cache and (len(cache) >= KEY_SET_CACHE or self._key_sets_size + len(seqs) > limit):
            self._key_sets_size -= len(cache.pop(next(iter(cache)))[0])
        cache[present] = (seqs, ids)
        self._key_sets_size += len(seqs)
        return seqs, ids

    def _merge(
        self, base: tuple[list[int], list[K]], hits: list[int], killed: list[set[int]]
    ) -> list[K]:
        """``base`` (ordered sequence numbers and ids) without the sequence numbers in
        the sets ``killed``, with the sequence numbers ``hits`` (none of them in
        ``base``) put in order."""
        base_seqs, base_ids = base
        events = len(hits) + sum(map(len, killed))
        if events * _BISECT_RATIO > len(base_seqs):
            seqs = base_seqs
            for kills in killed:
                seqs = list(itertools.filterfalse(kills.__contains__, seqs))
            seqs = seqs + hits
            seqs.sort()
            return list(map(self._ids.__getitem__, seqs))  # type: ignore[arg-type]
        # few changes: find each one's place by binary search, copy the runs between
        at: list[tuple[int, int, int]] = [(bisect_left(base_seqs, s), 0, s) for s in hits]
        n = len(base_seqs)
        for kills in killed:
            for s in kills:
                i = bisect_left(base_seqs, s)
                if i < n and base_seqs[i] == s:
                    at.append((i, 1, s))
        at.sort()
        ids = self._ids
        out: list[K] = []
        start = 0
        last = -1
        for i, drop, s in at:
            out += base_ids[start:i]
            if not drop:
                out.append(ids[s])  # type: ignore[arg-type]
                start = i
            elif i != last:  # (two NotIn values may kill the same selector)
                start = i + 1
                last = i
        out += base_ids[start:]
        return out

    def _match_pairs(self, labels: Mapping[str, str], keys: Any, found: list[int]) -> None:
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
                    posting.collect(labels, keys, found)
            return
        # more key pairs in the index than in the label set: walk the label set's pairs
        for (k1, v1), (k2, v2) in itertools.combinations(sorted(labels.items()), 2):
            group = by_pair.get((k1, k2))
            if group is None:
                continue
            posting = group.get((v1, v2))
            if posting is not None:
                posting.collect(labels, keys, found)

    def stats(self) -> dict[str, int]:
        """How the selectors are indexed: counts per anchor kind, and posting lists.

        ``pair``/``value``: anchored on two/one In requirements; ``key``: on a Gt/Lt
        key; ``keys``: key selectors (only Exists, DoesNotExist, NotIn, or no
        requirements); ``nothing``: nil selectors. ``*_postings``: distinct posting
        lists; ``key_groups``: distinct (required, forbidden) key sets of key
        selectors; ``key_sets``: per-key-set lists currently remembered.
        """
        with self._lock:
            counts = {"pair": 0, "value": 0, "key": 0, "keys": 0, "nothing": 0}
            for e in self._entries.values():
                counts[e.anchor[0]] += 1
            counts["value_postings"] = sum(len(p) for p in self._by_value.values())
            counts["key_postings"] = len(self._by_key)
            counts["pair_postings"] = sum(len(p) for p in self._by_pair.values())
            counts["key_groups"] = len(self._groups)
            counts["key_sets"] = len(self._key_sets)
            return counts


def _structural(anchor: tuple[Any, ...]) -> bool:
    """Whether the selector's NotIn requirements are checked through the kill table."""
    kind = anchor[0]
    return kind == "keys" or (kind in ("pair", "value") and anchor[3] is not None)


def _key_sig(reqs: Iterable[Requirement]) -> _Sig | None:
    """(keys required, keys forbidden) by ``reqs`` if they are only Exists,
    DoesNotExist and NotIn requirements (``_EXACT`` if there are none), else None."""
    required: set[str] = set()
    forbidden: set[str] = set()
    for r in reqs:
        op = r.operator
        if op is Operator.EXISTS:
            required.add(r.key)
        elif op is Operator.DOES_NOT_EXIST:
            forbidden.add(r.key)
        elif op is not Operator.NOT_IN:
            return None
    if not required and not forbidden:
        return _EXACT
    return (frozenset(required), frozenset(forbidden))


def _unpost(
    table: dict[Any, dict[Any, _Posting]],
    outer: Any,
    inner: Iterable[Any],
    seq: int,
    sig: _Sig | None,
) -> None:
    """Remove ``seq`` from ``table[outer][i]`` for each ``i``, dropping emptied entries."""
    postings = table[outer]
    for i in inner:
        posting = postings[i]
        posting.remove(seq, sig)
        if not posting:
            del postings[i]
    if not postings:
        del table[outer]
