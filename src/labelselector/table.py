"""Vectorized matching: :class:`LabelTable` and the batch :func:`select` / :func:`filter`.

A :class:`LabelTable` indexes many label sets under ids and answers a selector
over all of them at once. Each row (one id) has a row number; each label key and
each ``(key, value)`` pair keeps the set of rows holding it as a Python int used as
a bitset (bit ``i`` = row ``i``). A selector is then a handful of C-level big-int
operations, whatever the number of rows:

* ``k in (a, b)`` is ``rows[k=a] | rows[k=b]``; ``k`` (Exists) is ``present[k]``;
* ``k notin (a, b)`` / ``k!=a`` is ``alive & ~(rows[k=a] | rows[k=b])``, so rows
  without ``k`` are selected, as in Kubernetes; ``!k`` is ``alive & ~present[k]``;
* ``k>n`` / ``k<n`` OR together the rows of every value of ``k`` that parses as an
  int64 (Go's ``ParseInt``, the same function :meth:`Selector.matches` uses) and
  compares; a per-key sorted index of those values makes this a bisect;
* requirements AND together; ``Selector.everything()`` is ``alive`` and
  ``Selector.nothing()`` is ``0``.

Design notes (numbers in ``docs/benchmarks.md``):

* Rows are appended in insertion order and never reused, so ascending row order
  *is* insertion order. Re-adding an existing id keeps its row (like a ``dict``);
  removing an id clears its bits and leaves a tombstone. Tombstones are squeezed
  out by :meth:`LabelTable.compact`, which runs by itself once they outnumber the
  live rows (amortized O(1) per removal; it is the only whole-table rebuild).
* Per key, a column (``array``, one small int code per row, 0 = absent) remembers
  each row's value, so replacing or removing a row knows which bits to clear,
  at 1 byte per row per key while a key has fewer than 256 values.
* A rare value keeps a plain array of its rows instead of a bitset (a bitset
  costs rows/8 bytes however few rows it holds), so unique-per-object labels do not
  cost O(rows) each.
* Single-row updates do not touch the big ints (that would copy 125 kB per bitset
  at a million rows): they go into a small per-bitset dict of pending changes that
  the next read of that bitset applies in one pass (or once it grows past a bound).
* :meth:`LabelTable.extend` builds the bitsets in bulk, with no per-label Python
  work: per key one C-level pass codes the column (``map(dict.get, ...)`` into a
  value -> code dict whose ``__missing__`` admits new values, into ``bytes``), then
  :func:`._bitset.split_column` turns it into one bitset per value with one
  ``translate`` + ``int(..., 2)`` pass per bit plane of the codes (at most 8) and
  about two big-int operations per value.
* :meth:`LabelTable.select` remembers its last few results (``cache_size``); every
  update forgets them. Turning a bitset into a list of ids costs ~9 ns per *row
  scanned* (``itertools.compress``), far more than the bitset itself, and
  schedulers repeat queries between updates.

Thread safety: every method takes an internal lock, so each call sees the table
between two whole updates (an ``add``, ``remove`` or whole ``extend``), never in
the middle of one. Results are snapshots: turning a result's bits into ids happens
outside the lock on the id list of that moment, which later updates never modify
in place (ids are only appended; :meth:`LabelTable.compact` builds a new list).
A result built that way is cached only if no update happened since its snapshot
(checked under the lock), and every update empties the cache under the lock, so a
cached answer is always the answer for the current state.
"""

from __future__ import annotations

import builtins
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from itertools import chain, compress, repeat
from typing import Any, TypeVar, cast

from . import _bitset
from .api import as_selector
from .selector import Labels, Operator, Selector, _int64

__all__ = ["LabelTable", "Mask", "select", "filter", "select_many"]

T = TypeVar("T")

# A value whose row count times SPARSE_RATIO is below the table's row count keeps a
# plain array of rows (4 bytes a row) instead of a bitset (rows/8 bytes).
SPARSE_RATIO = 256
# A bitset applies its pending single-row changes once this many have queued up.
PENDING_MAX = 4096
# compact() runs by itself when tombstones exceed both this and the live rows.
COMPACT_MIN = 4096
# extend() below this many new ids just adds them one by one.
BULK_MIN = 64
# select() keeps up to CACHE_SIZE results (default; per table, see LabelTable) of
# tables with at least CACHE_MIN_ROWS rows, holding at most one id per table row in total.
CACHE_SIZE = 8
CACHE_MIN_ROWS = 4096
# The id -> row dict maps each id to the first row of its bulk block (at most BLOCK
# rows); the exact row is found with list.index inside the block. Sharing one int
# object per block instead of one per row saves ~28 bytes a row.
BLOCK = 256

_WIDER = {"B": ("H", 0xFF), "H": ("I", 0xFFFF), "I": ("I", 0xFFFFFFFF)}


class _Rows:
    """The rows holding one ``(key, value)`` pair, or one key.

    Either dense (``bits``, with ``pend``: row -> set/clear not yet applied) or
    sparse (``rows``: an array of row numbers, any order, ``bits`` unused).
    """

    __slots__ = ("bits", "rows", "pend")

    def __init__(self) -> None:
        self.bits = 0
        self.rows: array[int] | None = array("I")
        self.pend: dict[int, bool] | None = None

    def densify(self) -> None:
        if self.rows is not None:
            self.bits = _bitset.from_rows(self.rows.tolist())
            self.rows = None

    def add(self, r: int, nrows: int) -> None:
        rows = self.rows
        if rows is not None:
            rows.append(r)
            if len(rows) * SPARSE_RATIO >= nrows:
                self.densify()
            return
        pend = self.pend
        if pend is None:
            self.pend = {r: True}
        else:
            pend[r] = True
            if len(pend) > PENDING_MAX:
                self.flush()

    def discard(self, r: int) -> None:
        rows = self.rows
        if rows is not None:
            rows.remove(r)
            return
        pend = self.pend
        if pend is None:
            self.pend = {r: False}
        else:
            pend[r] = False
            if len(pend) > PENDING_MAX:
                self.flush()

    def flush(self) -> None:
        pend = self.pend
        if pend:
            self.pend = None
            on = [r for r, v in pend.items() if v]
            off = [r for r, v in pend.items() if not v]
            bits = self.bits
            if off:
                bits &= ~_bitset.from_rows(off)
            if on:
                bits |= _bitset.from_rows(on)
            self.bits = bits

    def mask(self) -> int:
        rows = self.rows
        if rows is not None:
            return _bitset.from_rows(rows.tolist()) if rows else 0
        if self.pend:
            self.flush()
        return self.bits

    def merge_bits(self, bits: int, r0: int, nrows: int, raw: bytes, code: int) -> None:
        """Add the rows ``r0 + i`` for the set bits ``i`` of ``bits`` (new rows, not in this set).

        ``bits`` are the rows of ``raw`` (a 1-byte column chunk starting at row ``r0``)
        holding ``code``, or any nonzero code for ``code`` 0 (key present).
        """
        if not bits:
            return
        rows = self.rows
        if rows is not None:
            count = bits.bit_count()
            if (len(rows) + count) * SPARSE_RATIO < nrows:
                # Stays an array of rows: find them one by one (cost per row found).
                if code:
                    append = rows.append
                    find = raw.find
                    i = find(code)
                    while i >= 0:
                        append(r0 + i)
                        i = find(code, i + 1)
                else:
                    rows.extend([r0 + i for i in _bitset.positions(bits)])
                return
            self.densify()
        self.bits |= bits << r0 if r0 else bits

    def merge_rows(self, rows: list[int], nrows: int) -> None:
        """Add ``rows`` (new rows, not in this set yet)."""
        mine = self.rows
        if mine is not None and (len(mine) + len(rows)) * SPARSE_RATIO < nrows:
            mine.extend(rows)
            return
        self.densify()
        self.bits |= _bitset.from_rows(rows)

    def nbytes(self) -> int:
        rows = self.rows
        if rows is not None:
            return rows.buffer_info()[1] * rows.itemsize
        return (self.bits.bit_length() + 7) // 8


class _Key:
    """Everything the table knows about one label key."""

    __slots__ = ("codes", "values", "code_of", "posts", "present", "_ints")

    def __init__(self) -> None:
        # codes[r]: value code of row r (0 = key absent); rows past the end are absent.
        self.codes: array[int] = array("B")
        self.values: list[str] = [""]  # code -> value; code 0 unused
        self.code_of: dict[str, int] = {}
        self.posts: list[_Rows] = [_Rows()]  # code -> rows; posts[0] unused
        self.present = _Rows()
        self._ints: tuple[list[int], list[int]] | None = None

    def code(self, r: int) -> int:
        codes = self.codes
        return codes[r] if r < len(codes) else 0

    def set_code(self, r: int, c: int) -> None:
        codes = self.codes
        n = len(codes)
        if r < n:
            codes[r] = c
        else:
            if r > n:
                codes.frombytes(bytes((r - n) * codes.itemsize))
            codes.append(c)

    def pad(self, n: int) -> None:
        codes = self.codes
        if len(codes) < n:
            codes.frombytes(bytes((n - len(codes)) * codes.itemsize))

    def new_value(self, v: str) -> int:
        if not isinstance(v, str):
            raise TypeError(f"label values must be str, not {type(v).__name__}")
        c = len(self.values)
        wider, limit = _WIDER[self.codes.typecode]
        if c > limit:
            if wider == self.codes.typecode:
                raise OverflowError("too many distinct values for one label key")
            self.codes = array(wider, self.codes)
        self.values.append(v)
        self.code_of[v] = c
        self.posts.append(_Rows())
        self._ints = None
        return c

    def union(self, values: Iterable[str]) -> int:
        m = 0
        get = self.code_of.get
        for v in values:
            c = get(v)
            if c is not None:
                m |= self.posts[c].mask()
        return m

    def compare(self, op: Operator, threshold: int) -> int:
        ints = self._ints
        if ints is None:
            pairs = sorted(
                (n, c)
                for c, n in ((c, _int64(v)) for c, v in enumerate(self.values) if c)
                if n is not None
            )
            ints = self._ints = ([n for n, _ in pairs], [c for _, c in pairs])
        nums, codes = ints
        chosen = (
            codes[bisect_right(nums, threshold) :]
            if op is Operator.GT
            else codes[: bisect_left(nums, threshold)]
        )
        m = 0
        posts = self.posts
        for c in chosen:
            m |= posts[c].mask()
        return m


_ABSENT: Any = object()  # dict.get's default in bulk coding: "no such key in this label set"


class _Coder(dict):  # type: ignore[type-arg]
    """value -> code for one key during a bulk build; new values get the next codes.

    ``__missing__`` runs in C-level ``map(coder.__getitem__, values)`` only for values
    the key has not seen; it validates them and records them in ``new`` (committed
    to the key with :meth:`_Key.new_value`, in order, once the whole batch is valid).
    """

    __slots__ = ("new", "base")

    def __init__(self, key: _Key | None) -> None:
        super().__init__(key.code_of if key is not None else ())
        self[_ABSENT] = 0
        self.new: list[str] = []
        self.base = len(key.values) if key is not None else 1

    def __missing__(self, v: Any) -> int:
        if not isinstance(v, str):
            raise TypeError(f"label values must be str, not {type(v).__name__}")
        c = self[v] = self.base + len(self.new)
        self.new.append(v)
        return c


class Mask:
    """The rows a selector picked from a :class:`LabelTable`, as a bitset snapshot.

    Combine masks of one table with ``&``, ``|``, ``^``, ``-`` and ``~`` (relative to
    the rows alive when the left operand was taken); ``len(mask)`` counts rows
    (``int.bit_count``, no ids built), :meth:`ids` lists their ids in insertion
    order, ``bits`` is the raw int (bit ``i`` = row ``i``). A mask stays valid while
    the table changes, but masks taken on either side of a :meth:`LabelTable.compact`
    cannot be combined (row numbers changed).
    """

    __slots__ = ("bits", "_ids", "_alive", "_epoch")

    def __init__(self, bits: int, ids: list[Any], alive: int, epoch: object) -> None:
        self.bits = bits
        self._ids = ids
        self._alive = alive
        self._epoch = epoch

    def _other(self, other: object) -> int:
        if not isinstance(other, Mask):
            raise TypeError(f"cannot combine a Mask with {type(other).__name__}")
        if other._epoch is not self._epoch:
            raise ValueError("masks come from different tables or from both sides of a compact()")
        return other.bits

    def _new(self, bits: int) -> Mask:
        return Mask(bits, self._ids, self._alive, self._epoch)

    def __and__(self, other: Mask) -> Mask:
        return self._new(self.bits & self._other(other))

    def __or__(self, other: Mask) -> Mask:
        return self._new(self.bits | self._other(other))

    def __xor__(self, other: Mask) -> Mask:
        return self._new(self.bits ^ self._other(other))

    def __sub__(self, other: Mask) -> Mask:
        return self._new(self.bits & ~self._other(other))

    def __invert__(self) -> Mask:
        return self._new(self._alive & ~self.bits)

    def __len__(self) -> int:
        return self.bits.bit_count()

    def count(self) -> int:
        """The number of rows in the mask."""
        return self.bits.bit_count()

    def __bool__(self) -> bool:
        return self.bits != 0

    def ids(self) -> list[Any]:
        """The ids of the rows in the mask, in insertion order."""
        return _bitset.pick(self.bits, self._ids)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.ids())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mask):
            return NotImplemented
        return self._epoch is other._epoch and self.bits == other.bits

    def __hash__(self) -> int:
        return hash(self.bits)

    def __repr__(self) -> str:
        return f"<Mask of {self.count()} rows>"


class LabelTable:
    """Label sets under ids, answering a selector over all of them at once.

    >>> t = LabelTable([("a", {"env": "prod"}), ("b", {"env": "dev", "canary": "true"})])
    >>> t.add("c", {"env": "prod", "tier": "web"})
    >>> t.select("env=prod")
    ['a', 'c']
    >>> t.select("tier notin (web)"), t.count("!canary")
    (['a', 'b'], 2)
    >>> t.remove("a"); (t.mask("env=prod") | t.mask("canary")).ids()
    ['b', 'c']

    ``selector`` arguments accept anything :func:`labelselector.matches` does
    (strings, :class:`Selector`, LabelSelector dicts/objects, protobuf messages) and
    give exactly :meth:`Selector.matches`' answers. Ids are any hashable objects;
    label sets are ``Mapping[str, str]`` and are copied into the table's columns
    (later changes to the mapping do not affect the table). Results come in
    insertion order; re-adding an id keeps its place. All methods are thread-safe
    (see the module docstring).
    """

    def __init__(
        self, pairs: Iterable[tuple[Hashable, Labels]] = (), *, cache_size: int = CACHE_SIZE
    ) -> None:
        self._lock = threading.Lock()
        self._cache_size = cache_size
        self._version = 0
        self._cache: dict[Selector, list[Any]] = {}
        self._cached_ids = 0
        self._clear()
        self.extend(pairs)

    def _clear(self) -> None:
        self._ids: list[Any] = []
        self._row: dict[Any, int] = {}
        self._keys: dict[str, _Key] = {}
        self._alive = _Rows()
        self._alive.densify()
        self._dead = 0
        self._epoch = object()
        self._changed()

    @property
    def cache_size(self) -> int:
        """How many :meth:`select` results are kept for repeated queries (0: none).

        A result is kept until the next update of any kind; all of them together hold
        at most one id per row (8 bytes a row), and tables under ``CACHE_MIN_ROWS``
        rows keep none (building their lists is cheap anyway).
        """
        return self._cache_size

    @cache_size.setter
    def cache_size(self, size: int) -> None:
        with self._lock:
            self._cache_size = size
            while len(self._cache) > max(size, 0):
                self._cached_ids -= len(self._cache.pop(next(iter(self._cache))))

    def _changed(self) -> None:
        """Call (with the lock held) before every update: cached results become stale."""
        self._version += 1
        if self._cache:
            self._cache.clear()
            self._cached_ids = 0

    # -- updates ---------------------------------------------------------------

    def add(self, id: Hashable, labels: Labels) -> None:
        """Index ``labels`` under ``id``; an existing ``id`` gets its labels replaced in place."""
        with self._lock:
            self._changed()
            r = self._row_of(id)
            if r is None:
                self._append(id, labels)
            else:
                self._replace(r, labels)

    def remove(self, id: Hashable) -> None:
        """Drop ``id`` from the table; ``KeyError`` if it is not there."""
        with self._lock:
            r = self._row_of(id)
            if r is None:
                raise KeyError(id)
            self._changed()
            del self._row[id]
            for key in self._keys.values():
                old = key.code(r)
                if old:
                    key.posts[old].discard(r)
                    key.present.discard(r)
                    key.codes[r] = 0
            self._alive.discard(r)
            self._dead += 1
            if self._dead > COMPACT_MIN and self._dead > len(self._row):
                self._compact()

    def discard(self, id: Hashable) -> None:
        """Like :meth:`remove`, but a missing ``id`` is not an error."""
        try:
            self.remove(id)
        except KeyError:
            pass

    def extend(self, pairs: Iterable[tuple[Hashable, Labels]] | Mapping[Any, Labels]) -> None:
        """Add many ``(id, labels)`` pairs (or a mapping id -> labels), as ``add`` would.

        Within ``pairs``, a repeated id behaves as repeated :meth:`add` calls (first
        position, last labels). The whole batch is applied under one lock hold.
        """
        if isinstance(pairs, Mapping):
            ids: list[Any] = list(pairs)
            dicts: list[Labels] = list(pairs.values())
        else:
            # A loop, not list(pairs): keeping a million (id, labels) tuples alive
            # would wake the cyclic GC over and over (it doubled ingest time).
            ids = []
            dicts = []
            add_id = ids.append
            add_labels = dicts.append
            for i, labels in pairs:
                add_id(i)
                add_labels(labels)
        if not ids:
            return
        with self._lock:
            self._changed()
            r0 = len(self._ids)
            blocks = dict(zip(ids, _block_starts(r0, r0 + len(ids)), strict=False))
            if len(blocks) == len(ids) and self._row.keys().isdisjoint(blocks):
                # The common case: all ids new and distinct; no per-row work here.
                if len(ids) >= BULK_MIN:
                    self._bulk_append(ids, dicts, blocks)
                    return
            del blocks
            batch = dict(zip(ids, dicts, strict=False))
            del ids, dicts
            if not self._row.keys().isdisjoint(batch):
                fresh: dict[Any, Labels] = {}
                for i, labels in batch.items():
                    r = self._row_of(i)
                    if r is None:
                        fresh[i] = labels
                    else:
                        self._replace(r, labels)
                batch = fresh
            if len(batch) < BULK_MIN:
                for i, labels in batch.items():
                    self._append(i, labels)
                return
            ids = list(batch)
            dicts = list(batch.values())
            del batch
            self._bulk_append(
                ids, dicts, dict(zip(ids, _block_starts(r0, r0 + len(ids)), strict=False))
            )

    def compact(self) -> None:
        """Squeeze out removed rows (also runs by itself once they outnumber live rows)."""
        with self._lock:
            self._changed()
            self._compact()

    def _row_of(self, id: Any) -> int | None:
        start = self._row.get(id)
        if start is None:
            return None
        return self._ids.index(id, start, start + BLOCK)

    def _append(self, id: Any, labels: Labels) -> None:
        ids = self._ids
        r = len(ids)
        n = r + 1
        keys = self._keys
        for k, v in labels.items():  # validate and code first: a failure changes nothing
            if not isinstance(k, str):
                raise TypeError(f"label keys must be str, not {type(k).__name__}")
            if not isinstance(v, str):
                raise TypeError(f"label values must be str, not {type(v).__name__}")
        ids.append(id)
        self._row[id] = r
        self._alive.add(r, n)
        for k, v in labels.items():
            key = keys.get(k)
            if key is None:
                key = keys[k] = _Key()
            c = key.code_of.get(v)
            if c is None:
                c = key.new_value(v)
            key.set_code(r, c)
            key.posts[c].add(r, n)
            key.present.add(r, n)

    def _replace(self, r: int, labels: Labels) -> None:
        for k, v in labels.items():
            if not isinstance(k, str):
                raise TypeError(f"label keys must be str, not {type(k).__name__}")
            if not isinstance(v, str):
                raise TypeError(f"label values must be str, not {type(v).__name__}")
        n = len(self._ids)
        keys = self._keys
        for k, key in keys.items():
            old = key.code(r)
            got: str | None = labels.get(k)
            if got is None:
                if old:
                    key.posts[old].discard(r)
                    key.present.discard(r)
                    key.codes[r] = 0
                continue
            c = key.code_of.get(got)
            if c is None:
                c = key.new_value(got)
            if c != old:
                if old:
                    key.posts[old].discard(r)
                else:
                    key.present.add(r, n)
                key.posts[c].add(r, n)
                key.set_code(r, c)
        for k, v in labels.items():
            if k not in keys:
                key = keys[k] = _Key()
                c = key.new_value(v)
                key.set_code(r, c)
                key.posts[c].add(r, n)
                key.present.add(r, n)

    def _bulk_append(self, ids: list[Any], dicts: list[Labels], blocks: dict[Any, int]) -> None:
        r0 = len(self._ids)
        m = len(ids)
        n = r0 + m
        names: set[Any] = set().union(*dicts)
        for k in names:
            if not isinstance(k, str):
                raise TypeError(f"label keys must be str, not {type(k).__name__}")
        # Code every column first (validating every value) and change nothing before
        # all of them are done. Per key: one C-level pass, dict.get -> code -> byte.
        plain = set(map(type, dicts)) == {dict}
        keys = self._keys
        columns: list[tuple[str, _Key | None, _Coder, array[int]]] = []
        for k in names:
            key = keys.get(k)
            coder = _Coder(key)
            vals = self._values_of(k, dicts, plain)
            if (key.codes.typecode if key is not None else "B") == "B":
                try:
                    chunk = array("B", bytes(map(coder.__getitem__, vals)))
                except ValueError:  # more than 255 values: code again, wider
                    chunk = array("I", map(coder.__getitem__, self._values_of(k, dicts, plain)))
            else:
                chunk = array("I", map(coder.__getitem__, vals))
            columns.append((k, key, coder, chunk))
        self._ids.extend(ids)
        if self._row:
            self._row.update(blocks)
        else:
            self._row = blocks
        alive = self._alive
        alive.flush()
        alive.bits |= ((1 << m) - 1) << r0
        for k, key, coder, chunk in columns:
            if key is None:
                key = keys[k] = _Key()
            for v in coder.new:
                key.new_value(v)
            if chunk.typecode != key.codes.typecode:
                chunk = array(key.codes.typecode, chunk)
            key.pad(r0)
            key.codes.extend(chunk)
            self._index_chunk(key, chunk, list(coder.values()), r0, n)

    @staticmethod
    def _values_of(k: str, dicts: list[Labels], plain: bool) -> Iterable[Any]:
        """Each label set's value of ``k``, or ``_ABSENT``; C-level when all are plain dicts."""
        if plain:
            return map(dict.get, cast("list[dict[str, Any]]", dicts), repeat(k), repeat(_ABSENT))
        return [d.get(k, _ABSENT) for d in dicts]

    @staticmethod
    def _index_chunk(key: _Key, chunk: array[int], codes: list[int], r0: int, n: int) -> None:
        """Add the rows of ``chunk`` (new rows ``r0 ..``) to the key's sets.

        ``codes``: at least every nonzero code in ``chunk`` (0 and codes without rows
        are ignored).
        """
        if chunk.typecode == "B":
            raw = chunk.tobytes()
            present_bits, by_code = _bitset.split_column(raw, codes)
            posts = key.posts
            for c, bits in by_code.items():
                posts[c].merge_bits(bits, r0, n, raw, c)
            key.present.merge_bits(present_bits, r0, n, raw, 0)
            return
        groups: dict[int, list[int]] = {}
        for i, c in enumerate(chunk, r0):
            if c:
                g = groups.get(c)
                if g is None:
                    groups[c] = [i]
                else:
                    g.append(i)
        present: list[int] = []
        for c, rows in groups.items():
            key.posts[c].merge_rows(rows, n)
            present.extend(rows)
        if present:
            present.sort()
            key.present.merge_rows(present, n)

    def _compact(self) -> None:
        alive = self._alive.mask()
        n = len(self._ids)
        flags = bin(alive)[:1:-1].encode("ascii").translate(bytes.maketrans(b"01", b"\x00\x01"))
        flags += bytes(max(0, n - len(flags)))
        old_keys = self._keys
        ids = list(compress(self._ids, flags))
        self._clear()
        self._ids = ids
        m = len(ids)
        self._row = dict(zip(ids, _block_starts(0, m), strict=False))
        self._alive.bits = (1 << m) - 1
        for k, old in old_keys.items():
            codes = array(old.codes.typecode, compress(old.codes, flags))
            used = set(codes)
            used.discard(0)
            if not used:
                continue
            key = self._keys[k] = _Key()
            remap = [0] * len(old.values)
            for c in sorted(used):
                remap[c] = key.new_value(old.values[c])
            chunk = array(key.codes.typecode, map(remap.__getitem__, codes))
            key.codes = chunk
            self._index_chunk(key, chunk, sorted(set(remap) - {0}), 0, m)

    # -- reads -----------------------------------------------------------------

    def _bits(self, selector: Selector) -> int:
        """The selected rows (call with the lock held)."""
        if selector.is_nothing:
            return 0
        keys = self._keys
        pos: int | None = None
        negs: list[int] = []
        for req in selector.requirements:
            key = keys.get(req.key)
            op = req.operator
            if op is Operator.IN:
                if key is None:
                    return 0
                m = key.union(req.values)
            elif op is Operator.EXISTS:
                if key is None:
                    return 0
                m = key.present.mask()
            elif op is Operator.NOT_IN:
                if key is not None:
                    negs.append(key.union(req.values))
                continue
            elif op is Operator.DOES_NOT_EXIST:
                if key is not None:
                    negs.append(key.present.mask())
                continue
            else:
                if key is None:
                    return 0
                m = key.compare(op, req.threshold)
            pos = m if pos is None else pos & m
            if not pos:
                return 0
        if pos is None:
            pos = self._alive.mask()
        for neg in negs:
            if neg:
                pos &= ~neg
        return pos

    def mask(self, selector: Any) -> Mask:
        """The rows ``selector`` selects, as a :class:`Mask` to count, combine or list."""
        sel = as_selector(selector)
        with self._lock:
            return Mask(self._bits(sel), self._ids, self._alive.mask(), self._epoch)

    def count(self, selector: Any) -> int:
        """How many label sets ``selector`` selects (no ids are built)."""
        sel = as_selector(selector)
        with self._lock:
            return self._bits(sel).bit_count()

    def select(self, selector: Any) -> list[Any]:
        """The ids whose labels ``selector`` selects, in insertion order (a new list).

        Between updates, repeating a query returns a copy of the remembered result
        (up to ``cache_size`` selectors; any update forgets them all).
        """
        sel = as_selector(selector)
        with self._lock:
            hit = self._cache.get(sel)
            if hit is None:
                bits = self._bits(sel)
                ids = self._ids
                version = self._version
        if hit is not None:
            return hit[:]  # cached lists are never handed out, so never modified
        out = _bitset.pick(bits, ids)
        if self._cache_size > 0 and len(ids) >= CACHE_MIN_ROWS:
            self._remember(sel, out[:], version)
        return out

    def _remember(self, sel: Selector, ids: list[Any], version: int) -> None:
        """Cache ``ids`` as ``sel``'s answer for the state ``version`` if that is still current.

        Holds at most ``cache_size`` results and at most one id per table row in all
        (oldest forgotten first), so the cache costs at most 8 bytes a row.
        """
        with self._lock:
            if version != self._version or sel in self._cache:
                return
            cache = self._cache
            budget = len(self._ids)
            size = self._cache_size
            while cache and (len(cache) >= size or self._cached_ids + len(ids) > budget):
                self._cached_ids -= len(cache.pop(next(iter(cache))))
            if len(ids) <= budget and size > 0:
                cache[sel] = ids
                self._cached_ids += len(ids)

    def labels(self, id: Hashable) -> dict[str, str]:
        """The labels stored under ``id`` (a new dict; ``KeyError`` if absent)."""
        with self._lock:
            r = self._row_of(id)
            if r is None:
                raise KeyError(id)
            out: dict[str, str] = {}
            for k, key in self._keys.items():
                c = key.code(r)
                if c:
                    out[k] = key.values[c]
            return out

    def ids(self) -> list[Any]:
        """Every id in the table, in insertion order."""
        with self._lock:
            return list(self._row)

    def __len__(self) -> int:
        return len(self._row)

    def __contains__(self, id: object) -> bool:
        return id in self._row

    def __iter__(self) -> Iterator[Any]:
        return iter(self.ids())

    def __repr__(self) -> str:
        return f"<LabelTable of {len(self)} label sets, {len(self._keys)} keys>"

    def stats(self) -> dict[str, int]:
        """Sizes for tuning and docs: rows, tombstones, keys, values, dense/sparse sets, bytes."""
        with self._lock:
            values = dense = sparse = nbytes = 0
            for key in self._keys.values():
                nbytes += key.codes.buffer_info()[1] * key.codes.itemsize
                for rows in [key.present, *key.posts[1:]]:
                    nbytes += rows.nbytes()
                    if rows.rows is None:
                        dense += 1
                    else:
                        sparse += 1
                values += len(key.values) - 1
            return {
                "rows": len(self._row),
                "tombstones": self._dead,
                "keys": len(self._keys),
                "values": values,
                "dense_sets": dense,
                "sparse_sets": sparse,
                "set_and_column_bytes": nbytes,
            }


def _block_starts(r0: int, n: int) -> Iterator[int]:
    """``r0`` repeated for rows ``r0 .. r0+BLOCK-1``, then ``r0+BLOCK`` ..., up to row ``n``."""
    starts = range(r0, n, BLOCK)
    return chain.from_iterable(map(repeat, starts, [BLOCK] * len(starts)))


# -- batch entry points for ad-hoc lists -------------------------------------------

# select_many() indexes the list in a LabelTable when selectors x label sets reaches
# this many and there are at least TABLE_MIN_SELECTORS selectors: building a table
# costs about as much as ~20 compiled-predicate passes (docs/benchmarks.md).
TABLE_MIN_SELECTORS = 24
TABLE_MIN_WORK = 50_000


def select(selector: Any, label_sets: Iterable[Labels] | LabelTable) -> list[Any]:
    """Positions in ``label_sets`` whose labels ``selector`` selects (ids for a table).

    For one selector over an unindexed list, one pass of the compiled predicate is
    the fastest correct strategy at every size (any index costs more to build than
    the pass), so this runs that pass with C-level iteration, short-circuits
    ``everything()``/``nothing()``, and hands a :class:`LabelTable` its own index.

    >>> select("env=prod,!canary", [{"env": "prod"}, {"env": "dev"}, {"env": "prod", "canary": "1"}])
    [0]
    """
    if isinstance(label_sets, LabelTable):
        return label_sets.select(selector)
    sel = as_selector(selector)
    if sel.is_nothing:
        return []
    seq = label_sets if isinstance(label_sets, Sequence) else list(label_sets)
    if not sel.requirements:
        return list(range(len(seq)))
    return list(compress(range(len(seq)), map(sel.predicate, seq)))


def filter(  # noqa: A001 - the name users expect, like builtins.filter
    selector: Any,
    items: Iterable[T],
    key: Callable[[T], Labels] | None = None,
) -> list[T]:
    """The items whose labels ``selector`` selects, in order.

    ``key`` extracts the labels from each item (default: the item is the label set),
    e.g. ``filter(sel, pods, key=lambda p: p.metadata.labels or {})``.

    >>> filter("tier in (web,api)", [{"tier": "web"}, {"tier": "db"}, {}])
    [{'tier': 'web'}]
    """
    sel = as_selector(selector)
    if sel.is_nothing:
        return []
    if not sel.requirements:
        return list(items)
    pred = sel.predicate
    if key is None:
        return list(builtins.filter(pred, items))  # type: ignore[arg-type]
    seq = items if isinstance(items, Sequence) else list(items)
    return list(compress(seq, map(pred, map(key, seq))))


def select_many(selectors: Iterable[Any], label_sets: Iterable[Labels]) -> list[list[int]]:
    """``[select(s, label_sets) for s in selectors]``, through a :class:`LabelTable` when that pays.

    With many selectors over a large list, indexing once and answering each selector
    with bitset operations beats one predicate pass per selector.
    """
    sels = [as_selector(s) for s in selectors]
    seq = label_sets if isinstance(label_sets, Sequence) else list(label_sets)
    if len(sels) < TABLE_MIN_SELECTORS or len(sels) * len(seq) < TABLE_MIN_WORK:
        return [select(s, seq) for s in sels]
    table = LabelTable(enumerate(seq))
    return [table.select(s) for s in sels]
