"""Vectorized matching: :class:`LabelTable` and the batch :func:`select` / :func:`filter`.

A :class:`LabelTable` indexes many label sets under ids and answers a selector
over all of them at once. Each row (one id) has a row number; each label key and
each ``(key, value)`` pair keeps the set of rows holding it as a Python int used as
a bitset (bit ``i`` = row ``i``), or, for rare ones, as an array of row numbers. A
selector is then a handful of C-level big-int operations, whatever the number of
rows:

* ``k in (a, b)`` is ``rows[k=a] | rows[k=b]``; ``k`` (Exists) is ``present[k]``;
* ``k notin (a, b)`` / ``k!=a`` is ``alive & ~(rows[k=a] | rows[k=b])``, so rows
  without ``k`` are selected, as in Kubernetes; ``!k`` is ``alive & ~present[k]``;
* ``k>n`` / ``k<n`` OR together the rows of every value of ``k`` that parses as an
  int64 (Go's ``ParseInt``, the same function :meth:`Selector.matches` uses) and
  compares; a per-key sorted index of those values makes this a bisect, and the
  result is remembered until a row of ``k`` changes;
* requirements AND together; ``Selector.everything()`` is ``alive`` and
  ``Selector.nothing()`` is ``0``.

A selective selector (one of its In/Exists requirements holds fewer than one row in
``ROW_MODE`` and all its values are rare) is answered from the rows instead: the
candidate rows of that requirement are checked against the other requirements
through the key columns, so its cost follows the rows it touches, not the table.
Each other requirement turns the candidates' value codes (one ``itemgetter`` call
over the key's column) into one 0/1 byte per candidate (one ``bytes.translate``);
the bytes are ANDed as ints and the ids come out of one ``compress``. A rare
value's sorted rows and their ids are kept for the next query until its rows
change, and so are their codes on each key read until a row of that key changes
(at most ``LISTED_MAX`` values holding one row in ``LISTED_RATIO`` in all).

Design notes (numbers in ``docs/benchmarks.md``):

* Rows are appended in insertion order and never reused, so ascending row order
  *is* insertion order. Re-adding an existing id keeps its row (like a ``dict``);
  removing an id clears its bits and leaves a tombstone. Tombstones are squeezed
  out by :meth:`LabelTable.compact`, which runs by itself once they outnumber the
  live rows (amortized O(1) per removal; it is the only whole-table rebuild).
* A value (or key) that no row holds any more is forgotten at once and its code is
  reused, so memory follows the live label sets, not every value ever seen.
* Per key, a column remembers each row's value code, so replacing or removing a
  row knows which bits to clear. A key held by at least one row in ``KEY_RATIO``
  has a dense column (``array``, 1 byte per row while it has < 256 values); a rarer
  key has a ``dict`` row -> code, and the table keeps, per row, the names of its
  rare keys. So a table with many distinct keys costs memory and time linear in
  its labels, not rows x keys.
* A rare value keeps a plain array of its rows instead of a bitset (a bitset
  costs rows/8 bytes however few rows it holds), so unique-per-object labels do not
  cost O(rows) each. When a bitset query reads one, the rebuilt bitset is kept
  (and kept up to date) while it stays among the ``SHADOW_MAX`` most recently read.
* Single-row updates do not touch the big ints (that would copy 125 kB per bitset
  at a million rows): they go into a small per-bitset dict of pending changes that
  the next read of that bitset applies in one pass (or once it grows past a bound).
* :meth:`LabelTable.extend` builds the bitsets in bulk, with no per-label Python
  work for common keys: per key one C-level pass codes the column
  (``map(dict.get, ...)`` into a value -> code dict whose ``__missing__`` admits new
  values, into ``bytes``), then :func:`._bitset.split_column` turns it into one
  bitset per value with one ``translate`` + ``int(..., 2)`` pass per bit plane of
  the codes (at most 8) and about two big-int operations per value. With more than
  ``BULK_COLUMNS`` distinct keys in a batch, only keys held by one row in
  ``KEY_RATIO`` of the batch get a column pass; the rarer ones are read from the few
  label sets that hold them.
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
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from itertools import chain, compress, repeat
from operator import gt, itemgetter, lt, not_
from typing import Any, TypeVar, cast

from . import _bitset
from ._int64 import parse_int64
from ._labeltypes import _shown, labels_type_error, value_type_error
from .api import as_selector
from .selector import Labels, Operator, Requirement, Selector

__all__ = ["LabelTable", "Mask", "select", "filter", "select_many"]

T = TypeVar("T")

# A value whose row count times SPARSE_RATIO is below the table's row count keeps a
# plain array of rows (4 bytes a row) instead of a bitset (rows/8 bytes).
SPARSE_RATIO = 256
# A key held by at least one row in KEY_RATIO gets a dense column; a dense key held
# by fewer than one row in 4 * KEY_RATIO goes back to a row -> code dict.
KEY_RATIO = 32
# A selector whose most selective In/Exists requirement holds at most one row in
# ROW_MODE (all in row arrays) is counted from those rows, not with bitsets; select()
# does so up to one row in ROW_MODE_SELECT (a bitset's ids cost ~1 ns per table row).
ROW_MODE = 1024
ROW_MODE_SELECT = 64
# Rebuilt bitsets of rare values kept up to date (most recently read first).
SHADOW_MAX = 64
# Sorted row lists (with their ids) of rare values kept for the row path: at most
# LISTED_MAX of them, holding at most one row in LISTED_RATIO of the table in all;
# each keeps the value codes of its rows on up to LISTED_KEYS other keys.
LISTED_MAX = 64
LISTED_RATIO = 16
LISTED_KEYS = 8
# Gt/Lt results remembered (each until a row of its key changes).
COMPARE_CACHE = 8
# Gt/Lt scan a dense column instead of OR-ing value sets when the key has more than
# one distinct value per COMPARE_SCAN rows.
COMPARE_SCAN = 64
# extend(): with more distinct keys than this, rare keys skip the per-key column pass.
BULK_COLUMNS = 32
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
_FLIP = bytes.maketrans(b"01", b"10")
_TO_FLAGS = bytes.maketrans(b"01", b"\x00\x01")
# A 1-byte code -> 1 if nonzero (key present), and -> 1 if zero (key absent).
_NONZERO = bytes([0] + [1] * 255)
_ZERO = bytes([1] + [0] * 255)
_NAN = float("nan")  # the number of a non-integer value: every comparison with it is False


def _type_error(id: Any, err: TypeError) -> TypeError:
    """``err`` (the matching functions' wording) prefixed with the id of the label set."""
    return TypeError(f"labels of id {_shown(id)}: {err}")


def _key_type_error(key: Any) -> TypeError:
    return TypeError(
        f"label key {_shown(key)} has type {type(key).__name__}; label keys must be str"
    )


def _check_labels(id: Any, labels: Any) -> None:
    """Raise a TypeError naming ``id`` (and the key) unless ``labels`` maps str to str."""
    if not isinstance(labels, Mapping):
        raise _type_error(id, labels_type_error(labels))
    for k, v in labels.items():
        if not isinstance(k, str):
            raise _type_error(id, _key_type_error(k))
        if not isinstance(v, str):
            raise _type_error(id, value_type_error(k, v))


class _Rows:
    """The rows holding one ``(key, value)`` pair, or one key, or the live rows.

    Dense: ``rows`` is None and the set is ``bits`` with ``pend`` (row -> set/clear
    not applied yet). Sparse: ``rows`` is an array of row numbers (any order); while
    ``shadow`` is set, ``bits``/``pend`` hold the same rows as a bitset too (see
    :class:`_Shadows`), and while ``listed`` is set, it holds them sorted (see
    :class:`_Listing`); any change of the rows drops it. ``n`` counts the rows either way.
    """

    __slots__ = ("bits", "rows", "pend", "n", "shadow", "listed")

    def __init__(self) -> None:
        self.bits = 0
        self.rows: array[int] | None = array("I")
        self.pend: dict[int, bool] | None = None
        self.n = 0
        self.shadow = False
        self.listed: _Listing | None = None

    def densify(self) -> None:
        if self.rows is not None:
            self.listed = None
            if not self.shadow:
                self.bits = _bitset.from_rows(self.rows.tolist())
            self.rows = None
            self.shadow = False

    def unshadow(self) -> None:
        if self.rows is not None and self.shadow:
            self.shadow = False
            self.bits = 0
            self.pend = None

    def _queue(self, r: int, on: bool) -> None:
        pend = self.pend
        if pend is None:
            self.pend = {r: on}
        else:
            pend[r] = on
            if len(pend) > PENDING_MAX:
                self.flush()

    def add(self, r: int, nrows: int) -> None:
        """Add row ``r`` (not in the set)."""
        self.n += 1
        rows = self.rows
        if rows is not None:
            self.listed = None
            rows.append(r)
            if self.shadow:
                self._queue(r, True)
            if len(rows) * SPARSE_RATIO >= nrows:
                self.densify()
            return
        self._queue(r, True)

    def discard(self, r: int) -> None:
        """Remove row ``r`` (in the set)."""
        self.n -= 1
        rows = self.rows
        if rows is not None:
            self.listed = None
            rows.remove(r)
            if not self.shadow:
                return
        self._queue(r, False)

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

    def mask(self, shadows: _Shadows | None = None) -> int:
        """The rows as a bitset; a sparse set's rebuilt bitset is kept in ``shadows``."""
        rows = self.rows
        if rows is not None:
            if not self.shadow:
                if not rows:
                    return 0
                bits = _bitset.from_rows(rows.tolist())
                if shadows is not None:
                    self.bits = bits
                    self.shadow = True
                    shadows.keep(self)
                return bits
            if shadows is not None:
                shadows.keep(self)
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
        count = bits.bit_count()
        self.n += count
        rows = self.rows
        if rows is not None:
            self.listed = None
            if len(rows) * SPARSE_RATIO < nrows and (len(rows) + count) * SPARSE_RATIO < nrows:
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
                if self.shadow:
                    self.bits |= bits << r0
                return
            self.densify()
        self.bits |= bits << r0 if r0 else bits

    def merge_rows(self, rows: list[int], nrows: int) -> None:
        """Add ``rows`` (new rows, not in this set yet)."""
        if not rows:
            return
        self.n += len(rows)
        mine = self.rows
        self.listed = None
        if mine is not None and (len(mine) + len(rows)) * SPARSE_RATIO < nrows:
            mine.extend(rows)
            if self.shadow:
                self.bits |= _bitset.from_rows(rows)
            return
        self.densify()
        self.bits |= _bitset.from_rows(rows)

    def nbytes(self) -> int:
        rows = self.rows
        size = (self.bits.bit_length() + 7) // 8
        if rows is not None:
            size += rows.buffer_info()[1] * rows.itemsize
        return size


_GONE = _Rows()  # posts[c] of a forgotten value code (never read or changed)


class _Shadows:
    """The sparse sets whose rebuilt bitsets are kept, most recently read last (at most SHADOW_MAX)."""

    __slots__ = ("order",)

    def __init__(self) -> None:
        self.order: dict[_Rows, None] = {}

    def keep(self, rows: _Rows) -> None:
        order = self.order
        order.pop(rows, None)
        order[rows] = None
        while len(order) > SHADOW_MAX:
            old = next(iter(order))
            del order[old]
            old.unshadow()

    def forget(self, rows: _Rows) -> None:
        if self.order.pop(rows, 1) is None:
            rows.unshadow()


class _Listing:
    """The rows of a sparse set in ascending order, for answers computed on rows.

    ``gather(seq)`` reads ``seq`` at every row in one C call (``itemgetter``): a
    key's column (value codes), or the table's ids. ``ids`` caches the latter once
    a ``select`` needed them (a row's id does not change while the row is in the
    set); ``codes`` the rows' codes on other keys, each with the version of its key
    (valid until a row of that key changes), at most ``LISTED_KEYS`` of them.
    """

    __slots__ = ("rows", "get", "ids", "codes")

    def __init__(self, rows: tuple[int, ...]) -> None:
        self.rows = rows
        self.get: Callable[[Sequence[Any]], Any] | None = (
            itemgetter(*rows) if len(rows) > 1 else None
        )
        self.ids: list[Any] | None = None
        self.codes: dict[_Key, tuple[int, bytes | array[int]]] = {}

    def gather(self, seq: Sequence[T]) -> Sequence[T]:
        """``[seq[r] for r in self.rows]`` (a tuple or a list)."""
        get = self.get
        if get is None:
            return [seq[r] for r in self.rows]
        return cast("tuple[T, ...]", get(seq))


class _Listings:
    """The sparse sets whose :class:`_Listing` is kept, most recently read last.

    At most ``LISTED_MAX`` of them, with at most one row in ``LISTED_RATIO`` of the
    table in all (each kept row costs ~50 bytes: its int, its place in the row
    tuple, in the getter and in the ids list).
    """

    __slots__ = ("order", "held")

    def __init__(self) -> None:
        self.order: dict[_Rows, int] = {}  # set -> its row count when kept
        self.held = 0

    def listing(self, s: _Rows, n: int) -> _Listing:
        """``s``'s rows sorted (``s`` is sparse), kept for the next reads if the budget allows."""
        order = self.order
        size = order.pop(s, None)
        if size is not None:
            self.held -= size
        lst = s.listed
        if lst is None:
            lst = _Listing(tuple(sorted(cast("array[int]", s.rows))))
        size = len(lst.rows)
        budget = n // LISTED_RATIO
        if size > budget or LISTED_MAX < 1:
            s.listed = None
            return lst
        while order and (len(order) >= LISTED_MAX or self.held + size > budget):
            old = next(iter(order))
            self.held -= order.pop(old)
            old.listed = None
        s.listed = lst
        order[s] = size
        self.held += size
        return lst

    def forget(self, s: _Rows) -> None:
        size = self.order.pop(s, None)
        if size is not None:
            self.held -= size
        s.listed = None


class _Key:
    """Everything the table knows about one label key."""

    __slots__ = ("codes", "smap", "tc", "values", "code_of", "posts", "present", "free",
                 "version", "_num", "_sorted")  # fmt: skip

    def __init__(self) -> None:
        # Dense column: codes[r] is row r's value code (0 = key absent; rows past the
        # end are absent). Sparse column (codes is None): smap[r] for the rows holding it.
        self.codes: array[int] | None = None
        self.smap: dict[int, int] | None = {}
        self.tc = "B"  # the column's typecode (wide enough for every code)
        self.values: list[str | None] = [None]  # code -> value; None: code 0 or forgotten
        self.code_of: dict[str, int] = {}
        self.posts: list[_Rows] = [_GONE]  # code -> rows; posts[0] unused
        self.present = _Rows()
        self.free: list[int] = []  # forgotten codes, reused by new values (last first)
        self.version = 0  # changes with every row added to or removed from the key
        # Built on the first Gt/Lt: code -> int64 value (NaN if none), kept up to date
        # from then on; and the (value, code) pairs sorted, rebuilt when values change.
        self._num: list[float] | None = None
        self._sorted: tuple[list[float], list[int]] | None = None

    def code(self, r: int) -> int:
        codes = self.codes
        if codes is None:
            return cast("dict[int, int]", self.smap).get(r, 0)
        return codes[r] if r < len(codes) else 0

    def set_code(self, r: int, c: int) -> None:
        codes = self.codes
        if codes is None:
            cast("dict[int, int]", self.smap)[r] = c
            return
        n = len(codes)
        if r < n:
            codes[r] = c
        else:
            if r > n:
                codes.frombytes(bytes((r - n) * codes.itemsize))
            codes.append(c)

    def clear_code(self, r: int) -> None:
        codes = self.codes
        if codes is None:
            del cast("dict[int, int]", self.smap)[r]
        else:
            codes[r] = 0

    def pad(self, n: int) -> None:
        codes = self.codes
        if codes is not None and len(codes) < n:
            codes.frombytes(bytes((n - len(codes)) * codes.itemsize))

    def next_codes(self, count: int) -> list[int]:
        """The codes the next ``count`` calls of :meth:`new_value` will hand out."""
        free = self.free
        reused = free[::-1][:count]
        base = len(self.values)
        return reused + list(range(base, base + count - len(reused)))

    def new_value(self, v: str) -> int:
        free = self.free
        if free:
            c = free.pop()
            self.values[c] = v
            self.posts[c] = _Rows()
        else:
            c = len(self.values)
            wider, limit = _WIDER[self.tc]
            if c > limit:
                if wider == self.tc:
                    raise OverflowError("too many distinct values for one label key")
                self.tc = wider
                if self.codes is not None:
                    self.codes = array(wider, self.codes)
            self.values.append(v)
            self.posts.append(_Rows())
        self.code_of[v] = c
        num = self._num
        if num is not None:
            x = parse_int64(v)
            if c == len(num):
                num.append(_NAN if x is None else x)
            else:
                num[c] = _NAN if x is None else x
            self._sorted = None
        return c

    def drop_value(self, c: int) -> None:
        """Forget value code ``c`` (no row holds it any more)."""
        del self.code_of[cast(str, self.values[c])]
        self.values[c] = None
        self.posts[c] = _GONE
        self.free.append(c)
        if self._num is not None:
            self._num[c] = _NAN
            self._sorted = None

    def nums(self) -> list[float]:
        """code -> the value as Go's ``ParseInt`` reads it, or NaN (no comparison holds)."""
        num = self._num
        if num is None:
            num = self._num = [
                _NAN if v is None or (x := parse_int64(v)) is None else x for v in self.values
            ]
        return num

    def sorted_ints(self) -> tuple[list[float], list[int]]:
        """The int64 values of the key, ascending, and their codes."""
        got = self._sorted
        if got is None:
            pairs = sorted((x, c) for c, x in enumerate(self.nums()) if x == x)  # not NaN
            got = self._sorted = ([x for x, _ in pairs], [c for _, c in pairs])
        return got

    def sets(self, values: Iterable[str]) -> list[_Rows]:
        """The row sets of those of ``values`` the key holds."""
        posts = self.posts
        return [posts[c] for c in {*map(self.code_of.get, values)} if c is not None]


_ABSENT: Any = object()  # dict.get's default in bulk coding: "no such key in this label set"


class _Coder(dict):  # type: ignore[type-arg]
    """value -> code for one key during a bulk build; new values get the next codes.

    ``__missing__`` runs in C-level ``map(coder.__getitem__, values)`` only for values
    the key has not seen; it validates them and records them in ``new`` (committed
    to the key with :meth:`_Key.new_value`, in order, once the whole batch is valid).
    """

    __slots__ = ("new", "key", "upcoming")

    def __init__(self, key: _Key | None) -> None:
        super().__init__(key.code_of if key is not None else ())
        self[_ABSENT] = 0
        self.new: list[str] = []
        self.key = key
        self.upcoming: list[int] = []

    def __missing__(self, v: Any) -> int:
        if not isinstance(v, str):
            raise TypeError(v)
        i = len(self.new)
        if i == len(self.upcoming):
            more = max(16, 2 * i)
            if self.key is not None:
                self.upcoming = self.key.next_codes(i + more)
            else:
                self.upcoming = list(range(1, i + more + 1))
        c = self[v] = self.upcoming[i]
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
    label sets are ``Mapping[str, str]`` (anything else is a ``TypeError`` naming the
    id and the key, and changes nothing) and are copied into the table's columns
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
        self._dense: dict[str, _Key] = {}  # the keys with a dense column
        self._extra: dict[int, list[str]] = {}  # row -> its keys with a sparse column
        self._alive = _Rows()
        self._alive.densify()
        self._dead = 0
        self._epoch = object()
        self._shadows = _Shadows()
        self._listings = _Listings()
        self._compared: dict[tuple[_Key, Operator, int], tuple[int, int]] = {}
        self._reviewed = 0  # row count at the last review of dense columns
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
        """Index ``labels`` under ``id``; an existing ``id`` gets its labels replaced in place.

        ``TypeError`` (naming ``id`` and the key) unless ``labels`` is a mapping of
        str to str; the table is then unchanged.
        """
        _check_labels(id, labels)
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
            n = len(self._ids)
            for k, key in list(self._dense.items()):
                if key.code(r):
                    self._lose(k, key, r, n)
            for k in list(self._extra.get(r, ())):
                self._lose(k, self._keys[k], r, n)
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
        position, last labels). The whole batch is applied under one lock hold, and
        a label set that is not a mapping of str to str (``TypeError`` naming its id
        and key) leaves the table unchanged.
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
        plain = set(map(type, dicts)) == {dict}
        if not plain:
            for i, labels in zip(ids, dicts, strict=True):
                if not isinstance(labels, Mapping):
                    raise _type_error(i, labels_type_error(labels))
        with self._lock:
            self._changed()
            r0 = len(self._ids)
            blocks = dict(zip(ids, _block_starts(r0, r0 + len(ids)), strict=False))
            if len(blocks) == len(ids) and self._row.keys().isdisjoint(blocks):
                # The common case: all ids new and distinct; no per-row work here.
                if len(ids) >= BULK_MIN:
                    self._bulk_append(ids, dicts, blocks, plain)
                    return
            del blocks
            for i, labels in zip(ids, dicts, strict=True):  # validate all before any change
                _check_labels(i, labels)
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
                ids, dicts, dict(zip(ids, _block_starts(r0, r0 + len(ids)), strict=False)), plain
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

    def _key(self, k: str) -> _Key:
        key = self._keys.get(k)
        if key is None:
            key = self._keys[k] = _Key()
        return key

    def _gain(self, k: str, key: _Key, r: int, v: str, n: int) -> None:
        """Row ``r`` (without key ``k``) gets ``k=v``; the table has ``n`` rows."""
        c = key.code_of.get(v)
        if c is None:
            c = key.new_value(v)
        key.set_code(r, c)
        key.posts[c].add(r, n)
        key.present.add(r, n)
        key.version += 1
        if key.codes is None:
            extra = self._extra.get(r)
            if extra is None:
                self._extra[r] = [k]
            else:
                extra.append(k)
            if key.present.n * KEY_RATIO >= n:
                self._to_dense(k, key, n)

    def _lose(self, k: str, key: _Key, r: int, n: int) -> None:
        """Row ``r`` loses key ``k``; a value or key no row holds any more is forgotten."""
        c = key.code(r)
        post = key.posts[c]
        post.discard(r)
        key.present.discard(r)
        key.clear_code(r)
        key.version += 1
        if key.codes is None:
            extra = self._extra[r]
            if len(extra) == 1:
                del self._extra[r]
            else:
                extra.remove(k)
        if not post.n:
            self._forget(post)
            key.drop_value(c)
        if not key.present.n:
            del self._keys[k]
            self._dense.pop(k, None)
            self._forget(key.present)
            self._compared = {ck: v for ck, v in self._compared.items() if ck[0] is not key}
        elif key.codes is not None and key.present.n * KEY_RATIO * 4 < n:
            self._to_sparse(k, key)

    def _forget(self, rows: _Rows) -> None:
        """Drop what is kept for ``rows`` (a set no row is in any more)."""
        self._shadows.forget(rows)
        self._listings.forget(rows)

    def _to_dense(self, k: str, key: _Key, length: int) -> None:
        """Give key ``k`` a dense column of ``length`` rows (from its row -> code dict)."""
        smap = cast("dict[int, int]", key.smap)
        codes = array(key.tc, bytes(length * array(key.tc).itemsize))
        for r, c in smap.items():
            codes[r] = c
        key.codes = codes
        key.smap = None
        self._dense[k] = key
        extras = self._extra
        for r in smap:
            extra = extras[r]
            if len(extra) == 1:
                del extras[r]
            else:
                extra.remove(k)

    def _to_sparse(self, k: str, key: _Key) -> None:
        """Replace key ``k``'s dense column by a row -> code dict."""
        codes = cast("array[int]", key.codes)
        rows = list(compress(range(len(codes)), codes))
        key.smap = dict(zip(rows, compress(codes, codes), strict=True))
        key.codes = None
        del self._dense[k]
        extras = self._extra
        for r in rows:
            extra = extras.get(r)
            if extra is None:
                extras[r] = [k]
            else:
                extra.append(k)

    def _review(self, n: int) -> None:
        """Each time the table doubles, turn dense columns of keys now rare into dicts."""
        if n < 2 * self._reviewed:
            return
        self._reviewed = n
        for k, key in list(self._dense.items()):
            if key.present.n * KEY_RATIO * 4 < n:
                self._to_sparse(k, key)

    def _append(self, id: Any, labels: Labels) -> None:
        ids = self._ids
        r = len(ids)
        n = r + 1
        ids.append(id)
        self._row[id] = r
        self._alive.add(r, n)
        for k, v in labels.items():
            self._gain(k, self._key(k), r, v, n)
        self._review(n)

    def _current(self, r: int) -> list[tuple[str, _Key, int]]:
        """The keys row ``r`` holds, with its value codes."""
        held = []
        for k, key in self._dense.items():
            codes = cast("array[int]", key.codes)
            if r < len(codes):
                c = codes[r]
                if c:
                    held.append((k, key, c))
        keys = self._keys
        for k in self._extra.get(r, ()):
            key = keys[k]
            held.append((k, key, cast("dict[int, int]", key.smap)[r]))
        return held

    def _replace(self, r: int, labels: Labels) -> None:
        n = len(self._ids)
        held = self._current(r)
        for k, key, old in held:
            v = labels.get(k)
            if v is None:
                self._lose(k, key, r, n)
            elif key.values[old] != v:
                # Same key, new value: move the row between value sets.
                post = key.posts[old]
                post.discard(r)
                if not post.n:
                    self._forget(post)
                    key.drop_value(old)
                c = key.code_of.get(v)
                if c is None:
                    c = key.new_value(v)
                key.set_code(r, c)
                key.posts[c].add(r, n)
                key.version += 1
        mine = {k for k, _, _ in held}
        for k, v in labels.items():
            if k not in mine:
                self._gain(k, self._key(k), r, v, n)

    def _bulk_append(
        self, ids: list[Any], dicts: list[Labels], blocks: dict[Any, int], plain: bool
    ) -> None:
        """Append new distinct ids in bulk; ``plain``: every label set is a ``dict``."""
        r0 = len(self._ids)
        m = len(ids)
        n = r0 + m
        names: set[Any] = set().union(*dicts)
        for k in names:
            if not isinstance(k, str):
                i = next(i for i, d in zip(ids, dicts, strict=True) if k in d)
                raise _type_error(i, _key_type_error(k))
        common = names
        rare: dict[str, list[tuple[int, str]]] = {}
        if len(names) > BULK_COLUMNS:
            # Many distinct keys: a column pass per key would cost keys x rows. Only
            # keys held by one label set in KEY_RATIO get one; the rare keys are read
            # from the label sets holding them.
            counts = Counter(chain.from_iterable(dicts))
            common = {k for k, c in counts.items() if c * KEY_RATIO >= m}
            covered = frozenset(common).issuperset
            for i in compress(range(m), map(not_, map(covered, dicts))):
                for k, v in dicts[i].items():
                    if k not in common:
                        if not isinstance(v, str):
                            raise _type_error(ids[i], value_type_error(k, v))  # fmt: skip
                        got = rare.get(k)
                        if got is None:
                            rare[k] = [(r0 + i, v)]
                        else:
                            got.append((r0 + i, v))
        # Code every column first (validating every value) and change nothing before
        # all of them are done. Per key: one C-level pass, dict.get -> code -> byte.
        keys = self._keys
        columns: list[tuple[str, _Key | None, _Coder, array[int]]] = []
        for k in common:
            key = keys.get(k)
            coder = _Coder(key)
            try:
                vals = self._values_of(k, dicts, plain)
                if (key.tc if key is not None else "B") == "B":
                    try:
                        chunk = array("B", bytes(map(coder.__getitem__, vals)))
                    except ValueError:  # more than 255 values: code again, wider
                        chunk = array("I", map(coder.__getitem__, self._values_of(k, dicts, plain)))  # fmt: skip
                else:
                    chunk = array("I", map(coder.__getitem__, vals))
            except TypeError:
                i, v = next(
                    (i, d[k]) for i, d in zip(ids, dicts, strict=True)
                    if k in d and not isinstance(d[k], str)
                )  # fmt: skip
                raise _type_error(i, value_type_error(k, v)) from None
            columns.append((k, key, coder, chunk))
        self._ids.extend(ids)
        if self._row:
            self._row.update(blocks)
        else:
            self._row = blocks
        alive = self._alive
        alive.flush()
        alive.bits |= ((1 << m) - 1) << r0
        alive.n += m
        for k, key, coder, chunk in columns:
            if key is None:
                key = self._key(k)
            for v in coder.new:
                key.new_value(v)
            if chunk.typecode != key.tc:
                chunk = array(key.tc, chunk)
            held = m - (chunk.tobytes().count(0) if chunk.typecode == "B" else chunk.count(0))
            if not held:
                if not key.present.n:
                    del keys[k]
                continue
            key.version += 1
            if key.codes is None and (key.present.n + held) * KEY_RATIO >= n:
                self._to_dense(k, key, r0)
            if key.codes is not None:
                key.pad(r0)
                key.codes.extend(chunk)
            else:
                rows = list(compress(range(r0, n), chunk))
                cast("dict[int, int]", key.smap).update(
                    zip(rows, compress(chunk, chunk), strict=True)
                )
                self._note_extra(k, rows)
            self._index_chunk(key, chunk, list(coder.values()), r0, n)
        for k, pairs in rare.items():
            key = self._key(k)
            for r, v in pairs:
                self._gain(k, key, r, v, n)
        self._review(n)

    def _note_extra(self, k: str, rows: Iterable[int]) -> None:
        """Record sparse key ``k`` on each of ``rows``."""
        extras = self._extra
        for r in rows:
            extra = extras.get(r)
            if extra is None:
                extras[r] = [k]
            else:
                extra.append(k)

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
        LabelTable._index_pairs(key, compress(range(r0, r0 + len(chunk)), chunk), compress(chunk, chunk), n)  # fmt: skip

    @staticmethod
    def _index_pairs(key: _Key, rows: Iterable[int], codes: Iterable[int], n: int) -> None:
        """Add ``rows`` (new, ascending) holding ``codes`` (nonzero) to the key's sets."""
        groups: dict[int, list[int]] = {}
        present: list[int] = []
        for r, c in zip(rows, codes, strict=True):
            present.append(r)
            g = groups.get(c)
            if g is None:
                groups[c] = [r]
            else:
                g.append(r)
        for c, got in groups.items():
            key.posts[c].merge_rows(got, n)
        key.present.merge_rows(present, n)

    def _compact(self) -> None:
        alive = self._alive.mask()
        n = len(self._ids)
        flags = bin(alive)[:1:-1].encode("ascii").translate(bytes.maketrans(b"01", b"\x00\x01"))
        flags += bytes(max(0, n - len(flags)))
        old_keys = self._keys
        live = list(compress(range(n), flags))  # new row -> old row
        ids = list(compress(self._ids, flags))
        self._clear()
        self._ids = ids
        m = len(ids)
        self._row = dict(zip(ids, _block_starts(0, m), strict=False))
        self._alive.bits = (1 << m) - 1
        self._alive.n = m
        self._reviewed = m
        for k, old in old_keys.items():
            if old.codes is not None:
                col = array(old.tc, compress(old.codes, flags))
                used = sorted(set(col) - {0})
                if not used:
                    continue
                key = self._key(k)
                remap = [0] * len(old.values)
                for c in used:
                    remap[c] = key.new_value(cast(str, old.values[c]))
                chunk = array(key.tc, map(remap.__getitem__, col))
                rows = list(compress(range(len(chunk)), chunk))
                codes = list(compress(chunk, chunk))
            else:
                pairs = sorted(cast("dict[int, int]", old.smap).items())
                key = self._key(k)
                moved = {c: key.new_value(cast(str, old.values[c])) for c in sorted({c for _, c in pairs})}  # fmt: skip
                rows = list(map(bisect_left, repeat(live), [r for r, _ in pairs]))
                codes = [moved[c] for _, c in pairs]
                chunk = None
            if len(rows) * KEY_RATIO >= m:
                if chunk is None:
                    chunk = array(key.tc, bytes(m * array(key.tc).itemsize))
                    for r, c in zip(rows, codes, strict=True):
                        chunk[r] = c
                key.codes = chunk
                key.smap = None
                self._dense[k] = key
                self._index_chunk(key, chunk, sorted(set(codes)), 0, m)
            else:
                key.smap = dict(zip(rows, codes, strict=True))
                self._note_extra(k, rows)
                self._index_pairs(key, rows, codes, m)

    # -- reads -----------------------------------------------------------------

    def _eval(
        self, selector: Selector, row_mode: int | None = None
    ) -> int | tuple[_Listing, bytes | None]:
        """The selected rows (call with the lock held): a bitset, or rows and flags.

        Rows when an In/Exists requirement holds at most one row in ``row_mode``
        (default ``ROW_MODE``), all of them in row arrays: then the answer is that
        requirement's rows (ascending) and one byte per row, 1 for the selected ones
        (``None``: all of them).
        """
        if selector.is_nothing:
            return 0
        keys = self._keys
        n = len(self._ids)
        reqs: list[tuple[Requirement, _Key]] = []
        best: list[_Rows] | None = None
        best_at = -1
        best_n = n // (ROW_MODE if row_mode is None else row_mode) + 1
        for req in selector.requirements:
            key = keys.get(req.key)
            op = req.operator
            if key is None:
                if op is Operator.NOT_IN or op is Operator.DOES_NOT_EXIST:
                    continue
                return 0
            if op is Operator.IN or op is Operator.EXISTS:
                sets = key.sets(req.values) if op is Operator.IN else [key.present]
                if not sets:
                    return 0
                if all(s.rows is not None for s in sets):
                    est = sum(s.n for s in sets)
                    if est < best_n:
                        best, best_at, best_n = sets, len(reqs), est
            reqs.append((req, key))
        if best is not None:
            # Few rows: start from them and check the other requirements on those rows only.
            if len(best) == 1:
                lst = self._listings.listing(best[0], n)
            else:
                lst = _Listing(tuple(sorted(chain.from_iterable(cast("list[array[int]]", [s.rows for s in best])))))  # fmt: skip
            flags: bytes | None = None
            for i, (req, key) in enumerate(reqs):
                if i != best_at:
                    got = self._flags(lst, req, key, n)
                    if flags is not None:  # AND of two 0/1 byte strings, at C speed
                        both = int.from_bytes(flags, "little") & int.from_bytes(got, "little")
                        got = both.to_bytes(len(got), "little")
                    flags = got
            return lst, flags
        pos: int | None = None
        negs: list[int] = []
        shadows = self._shadows
        for req, key in reqs:
            op = req.operator
            if op is Operator.IN:
                m = 0
                for s in key.sets(req.values):
                    m |= s.mask(shadows)
            elif op is Operator.EXISTS:
                m = key.present.mask(shadows)
            elif op is Operator.NOT_IN:
                neg = 0
                for s in key.sets(req.values):
                    neg |= s.mask(shadows)
                negs.append(neg)
                continue
            elif op is Operator.DOES_NOT_EXIST:
                negs.append(key.present.mask(shadows))
                continue
            else:
                m = self._compare(key, op, req.threshold, n)
            pos = m if pos is None else pos & m
            if not pos:
                return 0
        if pos is None:
            pos = self._alive.mask()
        for neg in negs:
            if neg:
                pos &= ~neg
        return pos

    @staticmethod
    def _codes_of(lst: _Listing, key: _Key, n: int) -> bytes | array[int]:
        """The value codes of ``lst``'s rows on ``key``: ``bytes`` while they fit a byte.

        Read from the key's column in one ``itemgetter`` call (or ``dict.get`` over a
        sparse key) and kept in ``lst`` until a row of ``key`` changes.
        """
        hit = lst.codes.get(key)
        if hit is not None and hit[0] == key.version:
            return hit[1]
        col = key.codes
        got: Sequence[int]
        if col is not None:
            key.pad(n)
            got = lst.gather(col)
        else:
            got = list(map(cast("dict[int, int]", key.smap).get, lst.rows, repeat(0)))
        codes = bytes(got) if key.tc == "B" else array(key.tc, got)
        kept = lst.codes
        kept.pop(key, None)
        kept[key] = (key.version, codes)
        while len(kept) > LISTED_KEYS:
            del kept[next(iter(kept))]
        return codes

    @staticmethod
    def _flags(lst: _Listing, req: Requirement, key: _Key, n: int) -> bytes:
        """One byte per row of ``lst``: 1 if the row satisfies ``req`` (on ``key``), else 0.

        Codes that fit a byte become flags with one ``bytes.translate``.
        """
        op = req.operator
        codes = LabelTable._codes_of(lst, key, n)
        if op is Operator.IN or op is Operator.NOT_IN:
            wanted = {*map(key.code_of.get, req.values)}
            if isinstance(codes, bytes):
                table = _bitset.flags_table(c for c in wanted if c is not None)
                if op is Operator.NOT_IN:
                    table = table.translate(_FLIP)
                return codes.translate(table.translate(_TO_FLAGS))
            hits = map(wanted.__contains__, codes)
            return bytes(hits if op is Operator.IN else map(not_, hits))
        if op is Operator.EXISTS or op is Operator.DOES_NOT_EXIST:
            exists = op is Operator.EXISTS
            if isinstance(codes, bytes):
                return codes.translate(_NONZERO if exists else _ZERO)
            return bytes(map(bool, codes) if exists else map(not_, codes))
        num = key.nums()
        cmp = lt if op is Operator.GT else gt  # threshold < value / threshold > value
        return bytes(map(cmp, repeat(req.threshold), map(num.__getitem__, codes)))

    def _compare(self, key: _Key, op: Operator, threshold: int, n: int) -> int:
        """The rows whose value of ``key`` is an int64 above/below ``threshold`` (cached)."""
        ck = (key, op, threshold)
        compared = self._compared
        hit = compared.pop(ck, None)
        if hit is not None and hit[0] == key.version:
            compared[ck] = hit
            return hit[1]
        cmp = lt if op is Operator.GT else gt  # threshold < value / threshold > value
        col = key.codes
        if key.smap is not None:  # a rare key: compare its rows' values
            smap = key.smap
            num = key.nums()
            hits = map(cmp, repeat(threshold), map(num.__getitem__, smap.values()))
            m = _bitset.from_rows(list(compress(smap.keys(), hits)))
        elif col is not None and len(key.code_of) * COMPARE_SCAN > n:
            # Many distinct values: one C-level pass over the column beats a union per value.
            num = key.nums()
            hits = map(cmp, repeat(threshold), map(num.__getitem__, col))
            m = _bitset.from_flags(bytes(hits), _bitset.BYTE_FLAGS)
        else:
            nums, codes = key.sorted_ints()
            chosen = (
                codes[bisect_right(nums, threshold) :]
                if op is Operator.GT
                else codes[: bisect_left(nums, threshold)]
            )
            m = 0
            rows: list[int] = []
            posts = key.posts
            for c in chosen:
                s = posts[c]
                if s.rows is None or s.shadow:
                    m |= s.mask()
                else:
                    rows += s.rows
            if rows:
                m |= _bitset.from_rows(rows)
        compared[ck] = (key.version, m)
        while len(compared) > COMPARE_CACHE:
            del compared[next(iter(compared))]
        return m

    def mask(self, selector: Any) -> Mask:
        """The rows ``selector`` selects, as a :class:`Mask` to count, combine or list."""
        sel = as_selector(selector)
        with self._lock:
            got = self._eval(sel)
            if isinstance(got, int):
                bits = got
            else:
                rows, flags = got[0].rows, got[1]
                bits = _bitset.from_rows(rows if flags is None else list(compress(rows, flags)))
            return Mask(bits, self._ids, self._alive.mask(), self._epoch)

    def count(self, selector: Any) -> int:
        """How many label sets ``selector`` selects (no ids are built)."""
        sel = as_selector(selector)
        with self._lock:
            got = self._eval(sel)
            if isinstance(got, int):
                return got.bit_count()
            return len(got[0].rows) if got[1] is None else got[1].count(1)

    def select(self, selector: Any) -> list[Any]:
        """The ids whose labels ``selector`` selects, in insertion order (a new list).

        Between updates, repeating a query returns a copy of the remembered result
        (up to ``cache_size`` selectors; any update forgets them all).
        """
        sel = as_selector(selector)
        with self._lock:
            hit = self._cache.get(sel)
            if hit is None:
                got = self._eval(sel, ROW_MODE_SELECT)
                ids = self._ids
                version = self._version
                if not isinstance(got, int):  # few rows: not worth caching
                    lst, flags = got
                    listed = lst.ids
                    if listed is None:
                        listed = lst.ids = list(lst.gather(ids))
                    return listed[:] if flags is None else list(compress(listed, flags))
        if hit is not None:
            return hit[:]  # cached lists are never handed out, so never modified
        out = _bitset.pick(cast(int, got), ids)
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
            return {k: cast(str, key.values[c]) for k, key, c in self._current(r)}

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
        """Sizes for tuning and docs: rows, tombstones, keys, values, sets and columns, bytes.

        ``values`` counts the values some row holds now (forgotten ones are not kept);
        ``set_and_column_bytes`` covers the bitsets, row arrays and dense columns.
        """
        with self._lock:
            values = dense = sparse = nbytes = 0
            for key in self._keys.values():
                if key.codes is not None:
                    nbytes += key.codes.buffer_info()[1] * key.codes.itemsize
                for rows in [key.present, *key.posts[1:]]:
                    if rows is _GONE:
                        continue
                    nbytes += rows.nbytes()
                    if rows.rows is None:
                        dense += 1
                    else:
                        sparse += 1
                values += len(key.code_of)
            return {
                "rows": len(self._row),
                "tombstones": self._dead,
                "keys": len(self._keys),
                "values": values,
                "value_slots": sum(len(key.values) - 1 for key in self._keys.values()),
                "dense_sets": dense,
                "sparse_sets": sparse,
                "dense_columns": len(self._dense),
                "sparse_columns": len(self._keys) - len(self._dense),
                "rows_with_sparse_keys": len(self._extra),
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
