"""Reading manifests: files, directories and stdin, YAML with a position for every node.

The YAML is read as a stream of parser *events* (PyYAML's parser, the libyaml one when
available) and the values are built here without recursion, so that

* every mapping key and value gets a ``line:col`` span (:class:`~.model.Document`);
* scalars are typed the way Kubernetes' YAML decoder types them (``true``, ``1`` and
  ``null`` are not strings; timestamps stay strings);
* nesting depth, alias expansion ("billion laughs") and file size are bounded, and a
  broken document is reported with its position while the following documents are
  still read.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import yaml

from .model import FILE_START, Document, Path, RawSpan, Severity, Span

try:  # pragma: no cover - depends on how PyYAML was built
    # libyaml's parser. ``yaml.CParser`` does not exist (``yaml.cyaml`` exports only the
    # C loaders/dumpers), so it is imported from the extension module itself.
    from yaml._yaml import CParser as _Parser  # type: ignore[import-not-found,unused-ignore]

    LIBYAML = True
except ImportError:  # pragma: no cover
    LIBYAML = False
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)


#: Default limits. A Kubernetes object never nests more than a few dozen levels.
DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_DEPTH = 1000
DEFAULT_MAX_NODES = 2_000_000
#: libyaml refuses nesting deeper than this itself ("exceeded maximum nesting depth").
LIBYAML_MAX_DEPTH = 1000

EXTENSIONS = (".yaml", ".yml", ".json")
STDIN = "<stdin>"

_TAG = "tag:yaml.org,2002:"
_DOC_START = re.compile(r"^---(?:[ \t]|$)", re.M)
_HELM_SOURCE = re.compile(r"^# Source: (.+?)\s*$", re.M)


@dataclass(frozen=True)
class Limits:
    """Bounds that keep hostile input in bounded time and memory."""

    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH
    max_nodes: int = DEFAULT_MAX_NODES


@dataclass(frozen=True)
class LoadProblem:
    """A problem reading input, reported as a finding of ``check`` at ``span``."""

    check: str
    severity: Severity
    file: str
    span: Span
    message: str


@dataclass
class LoadResult:
    """Everything read from the inputs."""

    documents: list[Document] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    #: Inputs that could not be read at all (missing file, permission denied): exit code 2.
    unreadable: list[str] = field(default_factory=list)
    #: Directory entries that are not regular files (FIFOs, sockets, devices): not read.
    skipped: list[str] = field(default_factory=list)
    files: int = 0


class _DocError(Exception):
    """A limit was hit inside one document: skip the rest of that document."""

    def __init__(self, check: str, message: str, mark: Any) -> None:
        super().__init__(message)
        self.check = check
        self.message = message
        self.mark = mark


_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()


def _scalar(tag: str | None, value: str, implicit: tuple[bool, bool]) -> Any:
    """Type a scalar like Kubernetes' YAML decoder does (YAML 1.1 booleans, no timestamps)."""
    if tag is None or tag == "!":
        tag = _resolver.resolve(yaml.ScalarNode, value, implicit)  # type: ignore[no-untyped-call]
    if not tag.startswith(_TAG):
        return value
    kind = tag[len(_TAG) :]
    node = yaml.ScalarNode(tag, value)
    try:
        if kind == "bool":
            return _constructor.construct_yaml_bool(node)
        if kind == "int":
            return _constructor.construct_yaml_int(node)
        if kind == "float":
            return _constructor.construct_yaml_float(node)
        if kind == "null":
            return None
    except (ValueError, KeyError, yaml.YAMLError):
        return value
    return value


def _key_text(key: Any) -> str:
    """Kubernetes converts non-string YAML keys to JSON strings (``true`` -> ``"true"``)."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


def _span(start: Any, end: Any, line0: int) -> Span:
    return Span(
        start.line + line0 + 1, start.column + 1, end.line + line0 + 1, end.column + 1
    )


class _Frame:
    __slots__ = ("container", "path", "key", "key_span", "anchor", "start", "nodes", "is_map")

    def __init__(self, container: Any, path: Path, anchor: str | None, start: Any, is_map: bool) -> None:
        self.container = container
        self.path = path
        self.key: Any = _NOKEY
        self.key_span: RawSpan | None = None
        self.anchor = anchor
        self.start = start
        self.nodes = 1
        self.is_map = is_map


_NOKEY = object()
_MERGE = object()
_MISS = object()

#: Typed value of each plain (unquoted, untagged) scalar text seen: most texts repeat
#: (``name``, ``app``, ``true``, ``80``), and resolving one runs PyYAML's regexes.
_PLAIN: dict[str, Any] = {}
_PLAIN_MAX = 100_000


def _plain(text: str) -> Any:
    value = _PLAIN.get(text, _MISS)
    if value is _MISS:
        value = _scalar(None, text, (True, False))
        if len(_PLAIN) >= _PLAIN_MAX:
            _PLAIN.clear()
        _PLAIN[text] = value
    return value


class _Builder:
    """Where :func:`_build_documents` starts (file, first line) and what it collects
    besides documents (duplicate keys)."""

    def __init__(self, file: str, line0: int, limits: Limits) -> None:
        self.file = file
        self.line0 = line0
        self.limits = limits
        self.duplicates: list[tuple[Path, RawSpan]] = []

    def span(self, start: Any, end: Any) -> Span:
        return _span(start, end, self.line0)


_ScalarEvent = yaml.ScalarEvent
_AliasEvent = yaml.AliasEvent
_MappingStartEvent = yaml.MappingStartEvent
_MappingEndEvent = yaml.MappingEndEvent
_SequenceStartEvent = yaml.SequenceStartEvent
_SequenceEndEvent = yaml.SequenceEndEvent
_DocumentStartEvent = yaml.DocumentStartEvent
_DocumentEndEvent = yaml.DocumentEndEvent


def _build_documents(
    text: str, builder: _Builder, first_index: int
) -> Iterator[Document | _DocError | yaml.YAMLError]:
    """Build documents from ``text`` in one pass over libyaml's events, without recursion.

    Values and spans are built together; per event there is one dispatch on the event's
    class and no helper call on the common path (a plain scalar in a mapping). Stops at
    the first document over a limit (yielding a ``_DocError``) or at the first syntax
    error (yielding the ``YAMLError``): the caller restarts after it, so no more time is
    spent on a hostile document.
    """
    get_event = _Parser(text).get_event
    file = builder.file
    lbase = builder.line0 + 1
    max_depth = builder.limits.max_depth
    max_nodes = builder.limits.max_nodes
    duplicates = builder.duplicates
    index = first_index
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int]] = {}
    open_anchors: set[str] = set()
    total = 0
    root: Any = None
    doc: Document | None = None
    values: dict[Path, RawSpan] = {}
    keys: dict[Path, RawSpan] = {}

    def attach(top: _Frame, value: Any, span: RawSpan) -> None:
        """Put a finished container or alias target into the open container ``top``."""
        container = top.container
        if not top.is_map:
            values.setdefault(top.path + (len(container),), span)
            container.append(value)
            return
        key = top.key
        if key is _NOKEY:  # this value is a key
            top.key = _key_text("<complex key>" if isinstance(value, (dict, list)) else value)
            top.key_span = span
            return
        top.key = _NOKEY
        if key is _MERGE:
            for src in value if isinstance(value, list) else [value]:
                if isinstance(src, dict):
                    for k, v in src.items():
                        container.setdefault(k, v)
            return
        path = top.path + (key,)
        if key in container and path in keys and top.key_span is not None:
            duplicates.append((path, top.key_span))
        container[key] = value
        if top.key_span is not None:
            keys[path] = top.key_span
        values[path] = span

    try:
        while True:
            event: Any = get_event()
            if event is None:
                return
            cls = event.__class__
            if cls is _ScalarEvent:
                total += 1
                if total > max_nodes:
                    raise _DocError(
                        "yaml-limit", f"document has more than {max_nodes} nodes; document skipped",
                        event.start_mark,
                    )
                sm, em = event.start_mark, event.end_mark
                span = (sm.line + lbase, sm.column + 1, em.line + lbase, em.column + 1)
                tag = event.tag
                raw = event.value
                if tag is None:
                    value = _plain(raw) if event.implicit[0] else raw
                else:
                    value = _scalar(tag, raw, event.implicit)
                if not stack:
                    if doc is not None:
                        values[()] = span
                        root = value
                    continue
                top = stack[-1]
                top.nodes += 1
                if top.is_map:
                    key = top.key
                    if key is _NOKEY:  # a key
                        if raw == "<<" and (tag is None or tag == "!") and event.implicit[0]:
                            value = _MERGE
                            top.key = _MERGE
                        else:
                            top.key = value if value.__class__ is str else _key_text(value)
                            top.key_span = span
                        if event.anchor:
                            anchors[event.anchor] = (value, 1)
                        continue
                    if event.anchor:
                        anchors[event.anchor] = (value, 1)
                    top.key = _NOKEY
                    if key is _MERGE:
                        continue  # merging a scalar: nothing to merge
                    container = top.container
                    path = top.path + (key,)
                    key_span = top.key_span
                    if key in container and path in keys and key_span is not None:
                        duplicates.append((path, key_span))
                    container[key] = value
                    if key_span is not None:
                        keys[path] = key_span
                    values[path] = span
                else:
                    if event.anchor:
                        anchors[event.anchor] = (value, 1)
                    values[top.path + (len(top.container),)] = span
                    top.container.append(value)
            elif cls is _MappingStartEvent or cls is _SequenceStartEvent:
                if doc is None:
                    continue
                if len(stack) >= max_depth:
                    raise _DocError(
                        "yaml-limit", f"nesting deeper than {max_depth} levels; document skipped",
                        event.start_mark,
                    )
                total += 1
                if total > max_nodes:
                    raise _DocError(
                        "yaml-limit", f"document has more than {max_nodes} nodes; document skipped",
                        event.start_mark,
                    )
                if stack:
                    top = stack[-1]
                    if not top.is_map:
                        path = top.path + (len(top.container),)
                    elif top.key is _MERGE or top.key is _NOKEY:
                        path = top.path
                    else:
                        path = top.path + (top.key,)
                else:
                    path = ()
                is_map = cls is _MappingStartEvent
                anchor = event.anchor
                if anchor:
                    open_anchors.add(anchor)
                stack.append(_Frame({} if is_map else [], path, anchor, event.start_mark, is_map))
            elif cls is _MappingEndEvent or cls is _SequenceEndEvent:
                frame = stack.pop()
                sm, em = frame.start, event.end_mark
                span = (sm.line + lbase, sm.column + 1, em.line + lbase, em.column + 1)
                values[frame.path] = span
                if frame.anchor:
                    open_anchors.discard(frame.anchor)
                    anchors[frame.anchor] = (frame.container, frame.nodes)
                if stack:
                    top = stack[-1]
                    top.nodes += frame.nodes
                    attach(top, frame.container, span)
                else:
                    root = frame.container
            elif cls is _AliasEvent:
                if doc is None:
                    continue
                name = event.anchor
                if name in open_anchors:
                    raise _DocError(
                        "yaml-limit", f"recursive alias *{name}; document skipped", event.start_mark
                    )
                if name not in anchors:
                    raise _DocError("yaml-syntax", f"found undefined alias *{name}", event.start_mark)
                target, nodes = anchors[name]
                total += nodes
                if total > max_nodes:
                    raise _DocError(
                        "yaml-limit", f"aliases expand to more than {max_nodes} nodes; document skipped",
                        event.start_mark,
                    )
                sm, em = event.start_mark, event.end_mark
                span = (sm.line + lbase, sm.column + 1, em.line + lbase, em.column + 1)
                if stack:
                    top = stack[-1]
                    top.nodes += nodes
                    if top.is_map and top.key is _NOKEY and target is _MERGE:
                        top.key = _MERGE
                    else:
                        attach(top, target, span)
                else:
                    values[()] = span
                    root = target
            elif cls is _DocumentStartEvent:
                values = {}
                keys = {}
                doc = Document(file, index, None, builder.span(event.start_mark, event.end_mark), values, keys)
                index += 1
                stack.clear()
                anchors.clear()
                open_anchors.clear()
                total = 0
                root = None
            elif cls is _DocumentEndEvent:
                if doc is not None:
                    doc.value = root
                    yield doc
                doc = None
    except _DocError as err:
        yield err
    except yaml.YAMLError as err:
        yield err


_FLOW = re.compile(r"[\[\]{}]|^---(?:[ \t]|$)", re.M)


def _blank_deep_flow(text: str, limit: int) -> tuple[str, list[int]]:
    """Blank out documents whose ``[``/``{`` nesting exceeds ``limit``.

    libyaml looks ahead over a whole flow collection before it emits the first event,
    in time quadratic in its depth, so such a document must not reach the parser. The
    count is naive (brackets inside quoted strings count too), which only matters for
    more than ``limit`` unbalanced brackets in one document. Returns the text (line
    numbers kept) and the offsets where the limit was crossed.
    """
    if text.count("[") + text.count("{") <= limit:
        return text, []
    hits: list[int] = []
    depth = 0
    doc_start = 0
    cut: list[tuple[int, int]] = []
    in_deep = False
    for m in _FLOW.finditer(text):
        ch = m.group()
        if ch.startswith("-"):
            if in_deep:
                cut.append((doc_start, m.start()))
            depth = 0
            doc_start = m.start()
            in_deep = False
        elif ch in "[{":
            depth += 1
            if depth > limit and not in_deep:
                in_deep = True
                hits.append(m.start())
        else:
            depth = max(depth - 1, 0)
    if in_deep:
        cut.append((doc_start, len(text)))
    if not cut:
        return text, []
    parts = []
    pos = 0
    for a, b in cut:
        parts.append(text[pos:a])
        parts.append("\n" * text.count("\n", a, b))
        pos = b
    parts.append(text[pos:])
    return "".join(parts), hits


def _marker_lines(text: str) -> list[int]:
    """0-based line numbers of ``---`` document-start markers."""
    lines = []
    for m in _DOC_START.finditer(text):
        lines.append(text.count("\n", 0, m.start()))
    return lines


def _line_offsets(text: str) -> list[int]:
    offsets = [0]
    for m in re.finditer("\n", text):
        offsets.append(m.end())
    return offsets


def parse_stream(original: str, file: str, limits: Limits | None = None) -> tuple[list[Document], list[LoadProblem]]:
    """Parse a (multi-document) YAML text into documents and problems.

    A syntax error drops the document it is in; reading restarts at the next ``---``.
    """
    limits = limits or Limits()
    docs: list[Document] = []
    problems: list[LoadProblem] = []
    offsets: list[int] | None = None
    markers: list[int] | None = None
    line0 = 0
    duplicates: list[tuple[Path, RawSpan]] = []
    text, deep = _blank_deep_flow(original, limits.max_depth)
    for offset in deep:
        line = original.count("\n", 0, offset) + 1
        col = offset - (original.rfind("\n", 0, offset) + 1) + 1
        problems.append(
            LoadProblem(
                "yaml-limit", Severity.ERROR, file, Span(line, col, line, col + 1),
                f"flow collections ([ or {{) nested deeper than {limits.max_depth} levels; "
                "document skipped",
            )
        )
    rest = text
    while True:
        failed_line: int | None = None
        builder = _Builder(file, line0, limits)
        for item in _build_documents(rest, builder, len(docs)):
            if isinstance(item, Document):
                docs.append(item)
            elif isinstance(item, _DocError):
                mark = item.mark
                span = _span(mark, mark, line0)
                problems.append(LoadProblem(item.check, Severity.ERROR, file, span, item.message))
                failed_line = span.line - 1
            else:
                mark = getattr(item, "problem_mark", None) or getattr(item, "context_mark", None)
                if mark is not None:
                    span = _span(mark, mark, line0)
                else:
                    span = Span(line0 + 1, 1, line0 + 1, 1)
                if "exceeded maximum nesting depth" in str(getattr(item, "problem", "")):
                    # libyaml's own bound (1000 levels), hit before ours.
                    problems.append(
                        LoadProblem(
                            "yaml-limit", Severity.ERROR, file, span,
                            f"nesting deeper than {min(limits.max_depth, LIBYAML_MAX_DEPTH)} levels; "
                            "document skipped",
                        )
                    )
                else:
                    problems.append(
                        LoadProblem(
                            "yaml-syntax", Severity.ERROR, file, span,
                            f"invalid YAML: {_yaml_message(item)}; document skipped",
                        )
                    )
                failed_line = span.line - 1
        duplicates.extend(builder.duplicates)
        if failed_line is None:
            break
        if markers is None:
            markers = _marker_lines(text)
            offsets = _line_offsets(text)
        # Restart at the next "---" at or after the error (the error may sit on the
        # marker that begins the next document), always moving forward.
        nxt = [m for m in markers if m >= failed_line and m > line0]
        if not nxt:
            break
        assert offsets is not None
        line0 = nxt[0]
        rest = text[offsets[line0] :]
    for path, raw in duplicates:
        problems.append(
            LoadProblem(
                "yaml-duplicate-key", Severity.WARNING, file, Span(*raw),
                f"duplicate mapping key {path[-1]!r} at {_path_text(path)}: "
                "the last value wins, the earlier one is silently lost",
            )
        )
    if markers is None and _HELM_SOURCE.search(text) is None:
        return docs, problems
    _attach_helm_sources(text, docs)
    return docs, problems


def _path_text(path: Path) -> str:
    from .model import api_path

    return api_path(path) or "the document root"


def _yaml_message(err: yaml.YAMLError) -> str:
    problem = getattr(err, "problem", None)
    context = getattr(err, "context", None)
    if problem:
        cmark = getattr(err, "context_mark", None)
        if context and cmark is not None:
            context = f"{context} (started at line {cmark.line + 1}, column {cmark.column + 1})"
        return f"{context}, {problem}" if context else str(problem)
    return str(err).splitlines()[0] if str(err) else type(err).__name__


def _attach_helm_sources(text: str, docs: list[Document]) -> None:
    """Map each document to the ``# Source: chart/templates/x.yaml`` comment before it
    (between the ``---`` that opens the document and its first node)."""
    sources = [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in _HELM_SOURCE.finditer(text)]
    if not sources:
        return
    markers = [line + 1 for line in _marker_lines(text)]
    for doc in docs:
        root = doc.values.get(())
        content = root[0] if root is not None else doc.start.line
        opened = max((m for m in markers if m <= content), default=1)
        found = [src for line, src in sources if opened <= line < content]
        doc.helm_source = found[-1] if found else None


def decode(data: bytes, file: str) -> tuple[str | None, LoadProblem | None]:
    """Decode input bytes (UTF-8, or UTF-16/32 with a BOM); refuse binary data."""
    head = data[:8192]
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            try:
                return data.decode(enc), None
            except UnicodeDecodeError:
                break
    if b"\x00" in head:
        return None, LoadProblem(
            "input-invalid", Severity.ERROR, file, FILE_START,
            "binary data (NUL bytes), not a YAML or JSON text; file skipped",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        return None, LoadProblem(
            "input-invalid", Severity.ERROR, file, Span(line, col, line, col + 1),
            f"not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); "
            "Kubernetes manifests must be UTF-8; file skipped",
        )
    bad = _NONPRINTABLE.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        return None, LoadProblem(
            "input-invalid", Severity.ERROR, file, Span(line, col, line, col + 1),
            f"control character U+{ord(bad.group()):04X} is not allowed in YAML; file skipped",
        )
    return text, None


_NONPRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def iter_files(path: str) -> Iterator[str]:
    """Files below a directory with a manifest extension, sorted, hidden folders skipped."""
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.lower().endswith(EXTENSIONS):
                yield os.path.join(root, name)


def display_name(path: str) -> str:
    """The path as shown in findings: relative to the working directory when below it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return path
    return path if rel.startswith("..") else rel


def load_bytes(data: bytes, file: str, limits: Limits, result: LoadResult) -> None:
    """Decode and parse one input's bytes into ``result``."""
    result.files += 1
    if len(data) > limits.max_file_bytes:
        result.problems.append(
            LoadProblem(
                "input-too-large", Severity.ERROR, file, FILE_START,
                f"input is larger than the limit of {limits.max_file_bytes} bytes "
                "(--max-file-size); file skipped",
            )
        )
        return
    text, problem = decode(data, file)
    if problem is not None:
        result.problems.append(problem)
    if text is None:
        return
    docs, problems = parse_stream(text, file, limits)
    if problems and file.lower().endswith(".json") and not docs:
        docs, problems = _json_fallback(text, file, problems)
    result.documents.extend(docs)
    result.problems.extend(problems)


def _json_fallback(text: str, file: str, problems: list[LoadProblem]) -> tuple[list[Document], list[LoadProblem]]:
    """JSON that the YAML 1.1 reader refuses (rare): read it with ``json``, positions lost."""
    import json

    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return [], problems
    return [Document(file, 0, value, FILE_START)], []


def _read_limited(stream: BinaryIO, limit: int) -> bytes:
    return stream.read(limit + 1)


def load(paths: Iterable[str], limits: Limits | None = None, stdin: BinaryIO | None = None) -> LoadResult:
    """Read every path (file, directory or ``-`` for stdin)."""
    limits = limits or Limits()
    result = LoadResult()
    for path in paths:
        if path == "-":
            stream = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
            if stream is None:  # started with file descriptor 0 closed
                result.unreadable.append(f"{STDIN}: standard input is closed")
                continue
            load_bytes(_read_limited(stream, limits.max_file_bytes), STDIN, limits, result)
            continue
        if os.path.isdir(path):
            for file in iter_files(path):
                _load_file(file, limits, result, regular_only=True)
            continue
        _load_file(path, limits, result)
    return result


def _file_type(mode: int) -> str | None:
    """What a non-regular file is (``None`` for a regular file)."""
    for test, name in (
        (stat.S_ISREG, None), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a directory"),
    ):
        if test(mode):
            return name
    return "not a regular file"  # pragma: no cover - no other file types on POSIX


def _load_file(path: str, limits: Limits, result: LoadResult, regular_only: bool = False) -> None:
    """Read one file. Found in a directory (``regular_only``), only a regular file is
    read: a FIFO would block the run until something writes to it, a device may never
    end. It is opened without blocking and checked on the open descriptor, so a file
    replaced in between cannot slip through. A path named on the command line is read
    whatever it is (``<(helm template ...)`` is a pipe), up to the size limit."""
    name = display_name(path)
    try:
        flags = os.O_RDONLY | (getattr(os, "O_NONBLOCK", 0) if regular_only else 0)
        fd = os.open(path, flags)
    except OSError as err:
        result.unreadable.append(f"{name}: {err.strerror or err}")
        return
    with os.fdopen(fd, "rb") as fh:
        what = _file_type(os.fstat(fd).st_mode)
        if regular_only and what is not None:
            result.skipped.append(f"{name}: {what}, not a regular file")
            return
        try:
            data = _read_limited(fh, limits.max_file_bytes)
        except OSError as err:
            result.unreadable.append(f"{name}: {err.strerror or err}")
            return
    load_bytes(data, name, limits, result)
