"""A reverse index of selectors: which of my selectors match this label set?

Controllers keep thousands of selectors (Services, policies, leases) and, when an
object changes, need the ones that match its labels. Looping ``Selector.matches``
over all of them costs time proportional to the number of selectors;
:class:`SelectorIndex` costs time proportional to the label set's keys and to the
number of matches.

A label value that is not a string, on a key some selector compares (In, NotIn,
Gt, Lt), raises ``TypeError``, the error ``Selector.matches`` raises when it compares
such a value (the loop may return before it reaches one; the index raises whatever
the order of requirements). Values of other keys are never read.

How: selectors fall in two classes.

*Value selectors* have an In (``key in (...)``, ``key=v``), ``key>n`` or ``key<n``
requirement: a label set can only match them if it has one particular value (or,
for Gt/Lt, one key). Each gets one *anchor* that can be looked up from the label
set alone (the counting idea of Whang et al., "Indexing Boolean Expressions",
VLDB 2009, and the nesting of BE-Tree, Sadoghi & Jacobsen, SIGMOD 2011):

* a selector with In requirements is posted under each ``(key, v)`` of one of them,
  the least likely to be hit: fewest values relative to the number of distinct
  values its key has in the index (``app=web`` before ``env=prod``). Inside that
  posting, its next In requirement is a child posting under each of its values, and
  so on (``app=web,env=prod,tier=fe`` costs a label set three dict lookups, whatever
  the number of selectors); what remains, Exists, DoesNotExist, NotIn, Gt and Lt, is
  a *group* of the selectors with the same keys required, forbidden and compared by
  NotIn and the same Gt/Lt requirements, accepted or refused as a whole (Gt/Lt with
  ``Requirement.holds``, Go's ParseInt rules included), with their NotIn values read
  from a kill table. See :mod:`labelselector._posting`;
* otherwise ``key>n`` or ``key<n`` -> a posting under ``key``, the selector's
  requirements a group there.

Only selectors with more than ``_MAX_COMBOS`` value combinations to post have the
rest checked by their compiled ``Selector.matches``.

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
into the key selectors' list, without the ones the label set's NotIn values drop:
by binary search and in-place edits of a copy of the list when the changes are few,
by copying the runs between them when there are more, by one sort when they are
many. The answer is exactly that of looping
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

from ._labeltypes import labels_type_error, value_type_error
from ._posting import VERIFY, Posting, Route, add_kills, drop_kills, group_route
from .api import as_selector
from .selector import Operator, Requirement, Selector

__all__ = ["SelectorIndex", "KEY_SET_CACHE", "KEY_SET_FACTOR"]

K = TypeVar("K", bound=Hashable)

KEY_SET_CACHE = 256
"""How many per-key-set lists of key selectors an index keeps (oldest dropped first)."""

KEY_SET_FACTOR = 64
"""Those lists hold at most this many entries per selector in the index, together."""

_MAX_COMBOS = 16
"""A selector with several In requirements is posted under every combination of their
values (``app in (a,b),env in (x,y)``: four postings) while there are at most this many;
its other In requirements are then checked by its predicate."""

_BISECT_RATIO = 8
"""Merge hits into the key selectors' list by binary search while there are at most
1/_BISECT_RATIO as many hits as list entries; otherwise by one sort."""

_INSERT_LIMIT = 1 << 17
"""Below this many (changes x list length), a merge copies the key selectors' list and
edits the copy in place (one memmove per change); above it, it copies the runs between
the changes."""

_KeySig = tuple[frozenset[str], frozenset[str]]
# one label key's tables: value postings, Gt/Lt posting, NotIn kills of key
# selectors, and whether any selector compares the key's value
_Probe = tuple[
    "dict[str, Posting] | None", "Posting | None", "dict[str, set[int]] | None", bool
]


class _Entry(Generic[K]):
    __slots__ = ("seq", "id", "selector", "predicate", "anchor")

    def __init__(self, seq: int, ident: K, selector: Selector) -> None:
        self.seq = seq
        self.id = ident
        self.selector = selector
        self.predicate: Callable[[Mapping[str, str]], bool] = selector.predicate
        # ("value", key, values, route) (see _posting)
        # | ("key", key, route) | ("keys", (required, forbidden)) | ("nothing",)
        self.anchor: tuple[Any, ...] = ("nothing",)


_seq = attrgetter("seq")

_NO_KEYS: frozenset[str] = frozenset()
_COMPARING = (Operator.IN, Operator.NOT_IN, Operator.GT, Operator.LT)


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
        # (value anchors are the root's children: key -> value -> posting)
        self._root = Posting()
        self._by_key: dict[str, Posting] = {}
        # how many In requirements name each (key, value): the keys' cardinalities
        self._cardinality: dict[str, dict[str, int]] = {}
        # key selectors: by (required keys, forbidden keys); the keys those mention
        # (with how many groups mention each); and per relevant key set of a label
        # set (and NotIn values it has that kill many), the ordered sequence numbers
        # and ids of those that pass
        self._groups: dict[_KeySig, dict[int, None]] = {}
        self._group_keys: dict[str, int] = {}
        # (the same keys as a frozenset, renewed when a group comes or goes: a query
        # intersects its label keys with it)
        self._group_keyset: frozenset[str] = _NO_KEYS
        self._key_sets: dict[Any, tuple[list[int], list[K]]] = {}
        self._key_sets_size = 0
        # which NotIn values violate which key selectors
        self._kill_keyed: dict[str, dict[str, set[int]]] = {}
        # how many selectors compare each key's value (In, NotIn, Gt, Lt)
        self._compared: dict[str, int] = {}
        # per label key, the tables above that a label set reads (one lookup a label)
        self._probe: dict[str, _Probe] = {}
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
        self._root = Posting()
        for table in (
            self._by_key,
            self._cardinality,
            self._groups,
            self._group_keys,
            self._key_sets,
            self._kill_keyed,
            self._compared,
            self._probe,
        ):
            table.clear()
        self._key_sets_size = 0
        self._group_keyset = _NO_KEYS

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
            best = min(ins, key=self._value_cost)
            rest = list(reqs)
            rest.remove(best)
            return ("value", best.key, best.value_set, self._route(rest, len(best.value_set)))
        ranged = [r.key for r in reqs if r.operator in (Operator.GT, Operator.LT)]
        if ranged:
            return ("key", min(ranged, key=self._ranged_load), self._route(list(reqs), 1))
        # only Exists, DoesNotExist and NotIn are left
        return ("keys", _key_sig(reqs))

    def _ranged_load(self, key: str) -> int:
        """How many selectors are anchored on Gt/Lt ``key``."""
        posting = self._by_key.get(key)
        if posting is None:
            return 0
        groups = posting.groups or {}
        return len(posting.exact or ()) + sum(len(g.members) for g in groups.values())

    def _route(self, reqs: list[Requirement], combos: int) -> Route:
        """Where a selector's requirements ``reqs`` beyond its anchor are checked,
        ``combos`` postings deep (see ``_posting``): In requirements become child
        postings while the value combinations stay at most ``_MAX_COMBOS``."""
        ins = [r for r in reqs if r.operator is Operator.IN]
        if ins:
            best = min(ins, key=self._value_cost)
            n = combos * len(best.value_set)
            if n > _MAX_COMBOS:
                return VERIFY
            rest = list(reqs)
            rest.remove(best)
            return ("child", best.key, best.value_set, self._route(rest, n))
        required, forbidden, notins, ranges = [], [], [], []
        for r in reqs:
            op = r.operator
            if op is Operator.EXISTS:
                required.append(r.key)
            elif op is Operator.DOES_NOT_EXIST:
                forbidden.append(r.key)
            elif op is Operator.NOT_IN:
                notins.append((r.key, r.value_set))
            else:
                ranges.append(r)
        return group_route(required, forbidden, notins, ranges)

    def _link(self, entry: _Entry[K]) -> None:
        anchor = self._choose_anchor(entry.selector)
        entry.anchor = anchor
        kind, seq = anchor[0], entry.seq
        touched = set()
        for r in entry.selector.requirements:
            if r.operator is Operator.IN:
                seen = self._cardinality.setdefault(r.key, {})
                for v in r.value_set:
                    seen[v] = seen.get(v, 0) + 1
        for k in _compared_keys(entry.selector):
            self._compared[k] = self._compared.get(k, 0) + 1
            touched.add(k)
        if kind == "value":
            self._root.add(seq, entry.predicate, ("child", *anchor[1:]))
            touched.add(anchor[1])
        elif kind == "key":
            posting = self._by_key.get(anchor[1])
            if posting is None:
                posting = self._by_key[anchor[1]] = Posting()
            posting.add(seq, entry.predicate, anchor[2])
            touched.add(anchor[1])
        elif kind == "keys":
            self._forget_key_sets()
            sig: _KeySig = anchor[1]
            group = self._groups.get(sig)
            if group is None:
                group = self._groups[sig] = {}
                for k in sig[0] | sig[1]:
                    self._group_keys[k] = self._group_keys.get(k, 0) + 1
                self._group_keyset = frozenset(self._group_keys)
            group[seq] = None
            # NotIn requirements are checked through the kill table
            notins = _notins(entry.selector)
            add_kills(self._kill_keyed, seq, notins)
            touched.update(k for k, _ in notins)
        for k in touched:
            self._refresh_probe(k)

    def _unlink(self, entry: _Entry[K]) -> None:
        anchor, seq = entry.anchor, entry.seq
        kind = anchor[0]
        touched = set()
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
        for k in _compared_keys(entry.selector):
            if self._compared[k] == 1:
                del self._compared[k]
            else:
                self._compared[k] -= 1
            touched.add(k)
        if kind == "value":
            self._root.remove(seq, ("child", *anchor[1:]))
            touched.add(anchor[1])
        elif kind == "key":
            posting = self._by_key[anchor[1]]
            posting.remove(seq, anchor[2])
            if not posting:
                del self._by_key[anchor[1]]
            touched.add(anchor[1])
        elif kind == "keys":
            self._forget_key_sets()
            sig: _KeySig = anchor[1]
            group = self._groups[sig]
            del group[seq]
            if not group:
                del self._groups[sig]
                for k in sig[0] | sig[1]:
                    if self._group_keys[k] == 1:
                        del self._group_keys[k]
                    else:
                        self._group_keys[k] -= 1
                self._group_keyset = frozenset(self._group_keys)
            notins = _notins(entry.selector)
            drop_kills(self._kill_keyed, seq, notins)
            touched.update(k for k, _ in notins)
        for k in touched:
            self._refresh_probe(k)

    def _refresh_probe(self, key: str) -> None:
        """Put ``key``'s tables (as they are now) where a query reads them."""
        children = self._root.children
        values = None if children is None else children.get(key)
        ranged = self._by_key.get(key)
        kills = self._kill_keyed.get(key)
        compared = key in self._compared
        if values is None and ranged is None and kills is None and not compared:
            self._probe.pop(key, None)
        else:
            self._probe[key] = (values, ranged, kills, compared)

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
        # (a frozenset: the groups' subset tests run 2-3x faster on it than on dict keys)
        keys = frozenset(labels)
        probe = self._probe
        reached: list[Posting] = []
        killed: list[tuple[str, str, set[int]]] | None = None
        for k, v in labels.items():
            tables = probe.get(k)
            if tables is None:
                continue
            values, ranged, kills, compared = tables
            if type(v) is not str and compared and not isinstance(v, str):
                raise value_type_error(k, v)
            if values is not None:
                posting = values.get(v)
                if posting is not None:
                    reached.append(posting)
            if ranged is not None:
                reached.append(ranged)
            if kills is not None:
                seqs = kills.get(v)
                if seqs is not None:
                    if killed is None:
                        killed = [(k, v, seqs)]
                    else:
                        killed.append((k, v, seqs))
        # (postings read other labels' values, so they are read once all are checked)
        hits: list[int] = []
        get = labels.get
        for posting in reached:
            leaf = posting.leaf
            if leaf is not None:
                hits += leaf
            else:
                posting.collect(labels, keys, get, hits)
        ids = self._ids
        if not self._groups:
            hits.sort()
            return [ids[s] for s in hits]  # type: ignore[misc]
        present = keys & self._group_keyset
        base = self._key_sets.get(present)
        if base is None:
            base = self._key_set(present)
        drop: set[int] | None = None
        if killed is not None:
            single = len(killed) == 1
            drop = killed[0][2] if single else set().union(*[seqs for _, _, seqs in killed])
            if len(drop) * _BISECT_RATIO > len(base[0]):
                # many killed (``env notin (dev)`` on an ``env=dev`` label set): the
                # list without them is worth remembering
                cache_key: Any = (
                    (present, killed[0][0], killed[0][1])
                    if single
                    else (present, frozenset([(k, v) for k, v, _ in killed]))
                )
                cut = self._key_sets.get(cache_key)
                if cut is None:
                    cut = self._remember(cache_key, [s for s in base[0] if s not in drop])
                base = cut
                drop = None
        if not hits and drop is None:
            return base[1][:]
        return self._merge(base, hits, drop)

    def _key_set(self, present: frozenset[str]) -> tuple[list[int], list[K]]:
        """The key selectors whose key tests pass when exactly the relevant keys
        ``present`` are there: sequence numbers and ids in insertion order (built and
        remembered)."""
        seqs = list(
            itertools.chain.from_iterable(
                group
                for (required, forbidden), group in self._groups.items()
                if required <= present and present.isdisjoint(forbidden)
            )
        )
        seqs.sort()
        return self._remember(present, seqs)

    def _remember(self, cache_key: Any, seqs: list[int]) -> tuple[list[int], list[K]]:
        """Keep ``seqs`` (sorted) and their ids under ``cache_key``; the oldest lists
        are dropped past ``KEY_SET_CACHE`` lists or ``KEY_SET_FACTOR`` times as many
        entries as the index has selectors."""
        all_ids = self._ids
        ids: list[K] = [all_ids[s] for s in seqs]  # type: ignore[misc]
        cache = self._key_sets
        limit = KEY_SET_FACTOR * len(self._entries)
        while cache and (len(cache) >= KEY_SET_CACHE or self._key_sets_size + len(seqs) > limit):
            self._key_sets_size -= len(cache.pop(next(iter(cache)))[0])
        cache[cache_key] = (seqs, ids)
        self._key_sets_size += len(seqs)
        return seqs, ids

    def _merge(
        self, base: tuple[list[int], list[K]], hits: list[int], drop: set[int] | None
    ) -> list[K]:
        """``base`` (ordered sequence numbers and ids) without the sequence numbers in
        ``drop``, with the sequence numbers ``hits`` (none of them in ``base``) put in
        order."""
        base_seqs, base_ids = base
        ids = self._ids
        n = len(base_seqs)
        if (len(hits) + (len(drop) if drop else 0)) * _BISECT_RATIO > n:
            # many changes: one sort
            if drop:
                seqs = [s for s in base_seqs if s not in drop]
                seqs += hits
            else:
                seqs = base_seqs + hits
            seqs.sort()
            return [ids[s] for s in seqs]  # type: ignore[misc]
        # few changes: find each one's place by binary search
        hits.sort()
        places = list(map(bisect_left, itertools.repeat(base_seqs, len(hits)), hits))
        cuts: list[int] = []
        if drop:
            for s in drop:
                i = bisect_left(base_seqs, s)
                if i < n and base_seqs[i] == s:
                    cuts.append(i)
            cuts.sort()
        if (len(places) + len(cuts)) * n <= _INSERT_LIMIT:
            # a copy edited in place from the end (each edit moves the tail); at one
            # place, the dropped selector goes before the hit comes in
            out = base_ids[:]
            c = len(cuts) - 1
            for h in range(len(places) - 1, -1, -1):
                i = places[h]
                while c >= 0 and cuts[c] >= i:
                    del out[cuts[c]]
                    c -= 1
                out.insert(i, ids[hits[h]])  # type: ignore[arg-type]
            while c >= 0:
                del out[cuts[c]]
                c -= 1
            return out
        # copy the runs between the changes
        out = []
        start = 0
        c = 0
        ncuts = len(cuts)
        for i, s in zip(places, hits, strict=True):
            while c < ncuts and cuts[c] < i:
                out += base_ids[start : cuts[c]]
                start = cuts[c] + 1
                c += 1
            out += base_ids[start:i]
            out.append(ids[s])  # type: ignore[arg-type]
            start = i
        for cut in cuts[c:]:
            out += base_ids[start:cut]
            start = cut + 1
        out += base_ids[start:]
        return out

    def stats(self) -> dict[str, int]:
        """How the selectors are indexed: counts per anchor kind, and posting lists.

        ``value``: anchored on an In requirement; ``key``: on a Gt/Lt key; ``keys``:
        key selectors (only Exists, DoesNotExist, NotIn, or no requirements);
        ``nothing``: nil selectors. ``value_postings``: postings under ``(key,
        value)`` anchors, their child postings included; ``key_postings``: Gt/Lt
        keys; ``key_groups``: distinct (required, forbidden) key sets of key
        selectors; ``key_sets``: per-key-set lists currently remembered.
        """
        with self._lock:
            counts = {"value": 0, "key": 0, "keys": 0, "nothing": 0}
            for e in self._entries.values():
                counts[e.anchor[0]] += 1
            counts["value_postings"] = self._root.count() - 1
            counts["key_postings"] = len(self._by_key)
            counts["key_groups"] = len(self._groups)
            counts["key_sets"] = len(self._key_sets)
            return counts


def _notins(sel: Selector) -> list[tuple[str, frozenset[str]]]:
    """``sel``'s NotIn requirements as ``(key, values)``."""
    return [(r.key, r.value_set) for r in sel.requirements if r.operator is Operator.NOT_IN]


def _compared_keys(sel: Selector) -> set[str]:
    """The keys whose values ``sel`` compares (In, NotIn, Gt, Lt)."""
    return {r.key for r in sel.requirements if r.operator in _COMPARING}


def _key_sig(reqs: Iterable[Requirement]) -> _KeySig:
    """(keys required, keys forbidden) by a key selector's requirements ``reqs``
    (Exists, DoesNotExist and NotIn only; NotIn is read through the kill table)."""
    required = frozenset(r.key for r in reqs if r.operator is Operator.EXISTS)
    forbidden = frozenset(r.key for r in reqs if r.operator is Operator.DOES_NOT_EXIST)
    return (required, forbidden)
