"""Reading command input: files or ``-`` (stdin), bounded, streamed document by document.

Every command reads its input here, so limits and error messages are the same everywhere:

* an input is read in chunks and cut into YAML documents at their ``---`` lines; each
  document is decoded and parsed on its own and its objects are handed on before the next
  one is read, so memory follows the largest document, not the input;
* an input larger than ``max_bytes`` (``--max-file-size``, default
  :data:`DEFAULT_MAX_BYTES`, the linter's default) stops with :class:`InputError` once that
  many bytes have been read, so ``/dev/zero`` or an endless pipe cannot exhaust memory;
* YAML is parsed by the linter's loader (:mod:`labelselector.lint.loader`): scalars are
  typed as Kubernetes types them, and alias bombs and deep nesting are refused in bounded
  time and memory;
* a duplicate mapping key keeps the last value, like Kubernetes' non-strict decoders, and
  is reported through the ``warn`` callback (``labelselector lint`` reports it as a
  warning finding with the same text);
* anything unreadable (missing file, closed stdin, binary data, invalid UTF-8 or YAML)
  raises :class:`InputError` naming the input and, where there is one, the line and column.
"""

from __future__ import annotations

import codecs
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from ..lint import loader
from ..lint.model import Severity

__all__ = [
    "DEFAULT_MAX_BYTES",
    "InputError",
    "add_size_option",
    "check_problems",
    "iter_documents",
    "iter_objects",
    "open_input",
    "read_text",
    "warn",
]

#: Default bound on one input's size (bytes): the linter's ``--max-file-size`` default.
DEFAULT_MAX_BYTES = loader.DEFAULT_MAX_FILE_BYTES
#: Bytes read at a time.
CHUNK = 1 << 20

# A "---" document-start line (the YAML spec ends any scalar there).
_DOC_START = re.compile(rb"\n---(?=[ \t\r\n])")
_BOMS_WIDE = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class InputError(Exception):
    """An input could not be read or decoded (the command exits with code 2)."""


def add_size_option(parser: Any) -> None:
    """Add ``--max-file-size BYTES`` (the linter's option, same default) to a sub-command."""
    parser.add_argument(
        "--max-file-size",
        type=_positive,
        metavar="BYTES",
        default=DEFAULT_MAX_BYTES,
        help=f"refuse inputs larger than this (default: {DEFAULT_MAX_BYTES})",
    )


def _positive(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of bytes: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def open_input(path: str) -> IO[bytes]:
    """``path`` opened for binary reading; ``-`` is standard input."""
    if path == "-":
        stdin = sys.stdin
        if stdin is None:  # the process was started with file descriptor 0 closed
            raise InputError("-: standard input is closed")
        buffer = getattr(stdin, "buffer", None)
        if buffer is None:  # a text stream without bytes underneath (e.g. io.StringIO)
            import io

            try:
                return io.BytesIO(stdin.read().encode("utf-8", "surrogateescape"))
            except (OSError, ValueError) as exc:
                raise InputError(f"-: {_reason(exc)}") from None
        return buffer  # type: ignore[no-any-return]
    try:
        return open(path, "rb")
    except OSError as exc:
        raise InputError(f"{path}: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, ValueError):  # reading a closed file
        return "standard input is closed"
    return str(exc)


def _chunks(path: str, max_bytes: int) -> Iterator[bytes]:
    """The bytes of ``path`` in pieces as they arrive; InputError past ``max_bytes``."""
    stream = open_input(path)
    total = 0
    try:
        read = getattr(stream, "read1", stream.read)
        while True:
            try:
                data = read(CHUNK)
            except (OSError, ValueError) as exc:
                raise InputError(f"{path}: {_reason(exc)}") from None
            if not data:
                return
            total += len(data)
            if total > max_bytes:
                raise InputError(
                    f"{path}: input is larger than the limit of {max_bytes} bytes; "
                    "raise it with --max-file-size"
                )
            yield data
    finally:
        if path != "-":
            stream.close()


def iter_documents(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[tuple[int, str]]:
    """``(lines before it, text)`` of each YAML document of ``path``, read incrementally.

    The input is cut before every ``---`` line; ``%`` directive lines just before it go
    with the document they introduce. Inputs with a UTF-16/32 byte-order mark are
    decoded whole (still bounded by ``max_bytes``).
    """
    chunks = _chunks(path, max_bytes)
    buf = bytearray()
    for data in chunks:
        buf += data
        if len(buf) >= 4:
            break
    if buf.startswith(_BOMS_WIDE):
        buf += b"".join(chunks)
        yield 0, _decode(bytes(buf), path, 0, 0)
        return
    if b"\x00" in buf[:8192]:
        raise InputError(f"{path}: binary data (NUL bytes), not a YAML or JSON text")
    line0 = 0
    offset0 = 0
    scan = 0
    eof = False
    while True:
        cut = 0
        for m in _DOC_START.finditer(buf, scan):
            end = _before_directives(buf, m.start() + 1)
            if end > cut:
                piece = bytes(buf[cut:end])
                yield line0, _decode(piece, path, line0, offset0)
                line0 += piece.count(b"\n")
                offset0 += len(piece)
                cut = end
        del buf[:cut]
        if eof:
            if buf:
                yield line0, _decode(bytes(buf), path, line0, offset0)
            return
        # A marker ("\n---" and the character after it) may straddle two chunks.
        scan = max(len(buf) - 4, 0)
        data = next(chunks, b"")
        if data:
            buf += data
        else:
            eof = True


def _before_directives(buf: bytearray, end: int) -> int:
    """Move a cut at ``end`` back over the ``%`` directive lines right before it."""
    while end > 0:
        start = buf.rfind(b"\n", 0, end - 1) + 1
        if not buf.startswith(b"%", start):
            break
        end = start
    return end


_OFFSET = re.compile(r"at offset (\d+)")


def _decode(data: bytes, path: str, line0: int, offset0: int) -> str:
    """Decode one document's bytes (found ``line0`` lines, ``offset0`` bytes into the input)."""
    text, problem = loader.decode(data, path)
    if text is None:
        assert problem is not None
        message = problem.message.removesuffix("; file skipped")
        message = _OFFSET.sub(lambda m: f"at offset {int(m.group(1)) + offset0}", message)
        raise InputError(f"{path}:{problem.span.line + line0}:{problem.span.col}: {message}")
    return text


def read_text(path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The whole text of ``path`` (``-`` = stdin), decoded, at most ``max_bytes`` long."""
    return "".join(text for _, text in iter_documents(path, max_bytes))


def warn(message: str) -> None:
    """Print a warning about the input to stderr (the ``warn`` callback commands pass)."""
    sys.stderr.write(f"warning: {message}\n")


def iter_objects(
    path: str,
    text: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    warn: Callable[[str], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Every Kubernetes object of ``path``: multi-document, ``kind: *List`` expanded.

    Objects come document by document as the input is read (``text`` instead parses that
    text as the content of ``path``). The first unreadable document raises
    :class:`InputError` with its position; warnings (duplicate keys) go to ``warn``.
    """
    docs = iter_documents(path, max_bytes) if text is None else iter([(0, text)])
    for line0, doc_text in docs:
        yield from _objects(path, line0, doc_text, warn)


def check_problems(
    path: str,
    problems: Iterable[loader.LoadProblem],
    warn: Callable[[str], None] | None = warn,
    line0: int = 0,
) -> None:
    """Apply the commands' policy to the loader's problems with ``path``.

    The first error raises :class:`InputError` (``FILE:LINE:COL: message``); the rest
    (duplicate mapping keys: the last value wins) go to ``warn``. For commands that call
    :func:`labelselector.lint.loader.parse_stream` themselves because they need positions.
    """
    for p in problems:
        where = f"{path}:{p.span.line + line0}:{p.span.col}"
        message = p.message.removesuffix("; document skipped")
        if p.severity is Severity.ERROR:
            raise InputError(f"{where}: {message}")
        if warn is not None:
            warn(f"{where}: {message}")


def _objects(
    path: str, line0: int, text: str, warn: Callable[[str], None] | None
) -> Iterator[dict[str, Any]]:
    docs, problems = loader.parse_stream(text, path)
    check_problems(path, problems, warn, line0)
    for doc in docs:
        yield from _expand(doc.value)


def _expand(value: Any) -> Iterator[dict[str, Any]]:
    """The objects in a document: itself, or the items of a ``kind: *List`` (nested too)."""
    stack = [value]
    while stack:
        doc = stack.pop()
        if not isinstance(doc, dict):
            continue
        kind = doc.get("kind")
        items = doc.get("items")
        if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
            stack.extend(reversed(items))
            continue
        yield doc
