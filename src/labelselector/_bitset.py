"""Row sets as Python ints (bit ``i`` = row ``i``): building them and reading them out.

Python's arbitrary-precision ints do ``&``, ``|``, ``~`` and ``bit_count()`` in C at
about 30 bits per machine step, so a set of a million rows is a 125 kB int and an
AND of two of them takes tens of microseconds. This module holds the few helpers
that cross between ints and rows: :func:`from_rows`, :func:`from_flags` (bulk,
from one byte per row), :func:`split_column` (one int per distinct byte of a
column, in a few C-level passes) and :func:`pick` (the set rows, in ascending
order, mapped through a sequence).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from typing import TypeVar

__all__ = ["from_rows", "from_flags", "flags_table", "split_column", "pick", "positions"]

T = TypeVar("T")

_BIT = bytes(1 << i for i in range(8))
# '0'/'1' characters (as bin() prints them) -> 0/1 bytes, for itertools.compress.
_TO_FLAGS = bytes.maketrans(b"01", b"\x00\x01")
# _PLANE[b] maps a byte to "1" when its bit b is set: one bit plane of a 1-byte column.
_PLANE = [bytes(0x31 if c >> b & 1 else 0x30 for c in range(256)) for b in range(8)]

# pick() switches from per-row C iteration to per-match str.rfind when fewer than
# one row in SPARSE_PICK is set (measured crossover: compress costs ~9 ns per row,
# rfind ~0.3 us per match).
SPARSE_PICK = 40
# from_rows() sets one character per row and parses the string in one pass (cost
# ~O(max row) at C speed) instead of a Python loop per row (~0.1 us a row) when
# more than one row in FLAGS_FROM_ROWS is set.
FLAGS_FROM_ROWS = 16


def from_rows(rows: Iterable[int]) -> int:
    """The int with exactly the bits in ``rows`` set."""
    rows = rows if isinstance(rows, (list, tuple)) else list(rows)
    if len(rows) <= 4:
        m = 0
        for r in rows:
            m |= 1 << r
        return m
    top = max(rows)
    if len(rows) * FLAGS_FROM_ROWS > top:
        # Many rows: one '1' character per row set at C speed, then one int() pass.
        chars = bytearray(b"0" * (top + 1))
        deque(map(chars.__setitem__, rows, repeat(0x31)), 0)
        return int(chars[::-1], 2)
    buf = bytearray((top >> 3) + 1)
    bit = _BIT
    for r in rows:
        buf[r >> 3] |= bit[r & 7]
    return int.from_bytes(buf, "little")


# from_flags() table for a column of 0/1 bytes.
BYTE_FLAGS = bytes.maketrans(b"\x00\x01", b"01")


def flags_table(codes: Iterable[int]) -> bytes:
    """A ``bytes.translate`` table mapping each of ``codes`` to ``b"1"`` and the rest to ``b"0"``."""
    t = bytearray(b"0" * 256)
    for c in codes:
        t[c] = 0x31
    return bytes(t)


def from_flags(column: bytes, table: bytes) -> int:
    """Bit ``i`` set where ``table`` maps byte ``column[i]`` to ``b"1"`` (C speed, O(len))."""
    if not column:
        return 0
    return int(column.translate(table)[::-1], 2)


def split_column(column: bytes, codes: Iterable[int]) -> tuple[int, dict[int, int]]:
    """The rows of each code of a 1-byte ``column`` (byte ``i`` = row ``i``'s code, 0 = none).

    Returns ``(present, {code: bits})``, ``present`` holding every row with a nonzero
    code. ``codes`` must include every nonzero byte that occurs in ``column`` (extra
    codes get 0). Cost: one ``translate`` + ``int(..., 2)`` pass per bit plane
    (``max(codes).bit_length()`` of them, at most 8), then about two big-int
    operations per code, splitting the rows by one plane at a time (a binary
    trie over the codes). A pass per code would cost ``len(codes)`` full passes.
    """
    wanted = sorted(set(codes))
    if wanted and wanted[0] == 0:
        del wanted[0]
    if not column or not wanted:
        return 0, dict.fromkeys(wanted, 0)
    rev = column[::-1]
    top = wanted[-1].bit_length()
    planes = [int(rev.translate(_PLANE[b]), 2) for b in range(top)]
    present = 0
    for plane in planes:
        present |= plane
    out: dict[int, int] = {}
    # (rows, bit, group): every row in ``rows`` has a code in ``group`` (which share
    # all bits above ``bit``); split the group on ``bit`` until one code is left.
    stack = [(present, top - 1, wanted)]
    while stack:
        rows, bit, group = stack.pop()
        while len(group) > 1:
            lo = [c for c in group if not c >> bit & 1]
            if lo and len(lo) < len(group):
                ones = rows & planes[bit]
                stack.append((rows ^ ones, bit - 1, lo))
                rows = ones
                group = group[len(lo) :]  # sorted: the codes with the bit set come last
            bit -= 1
        out[group[0]] = rows
    return present, out


def pick(mask: int, seq: Sequence[T]) -> list[T]:
    """``[seq[i] for each set bit i of mask]`` in ascending ``i``; ``mask`` must be >= 0."""
    if not mask:
        return []
    s = bin(mask)  # "0b1...": bit i is character len(s) - 1 - i
    if mask.bit_count() * SPARSE_PICK < len(s):
        out: list[T] = []
        append = out.append
        rfind = s.rfind
        last = len(s) - 1
        end = len(s)
        while True:
            c = rfind("1", 2, end)
            if c < 0:
                return out
            append(seq[last - c])
            end = c
    return list(compress(seq, s[:1:-1].encode("ascii").translate(_TO_FLAGS)))


def positions(mask: int) -> list[int]:
    """The set bits of ``mask`` in ascending order."""
    return pick(mask, range(mask.bit_length()))
