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
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import yaml

from .model import FILE_START, Document, Path, Severity, Span

try:  # pragma: no cover - depends on how PyYAML was built
    from yaml import CParser as _Parser  # type: ignore[attr-defined,unused-ignore]
except ImportError:  # pragma: no cover
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
    __slots__ = ("container", "path", "key", "key_span", "anchor", "start", "nodes")

    def __init__(self, container: Any, path: Path, anchor: str | None, start: Any) -> None:
        self.container = container
        self.path = path
        self.key: Any = _NOKEY
        self.key_span: Span | None = None
        self.anchor = anchor
        self.start = start
        self.nodes = 1


_NOKEY = object()
_MERGE = object()


class _Builder:
    """Turns parser events into documents, one at a time, without recursion."""

    def __init__(self, file: str, line0: int, limits: Limits) -> None:
        self.file = file
        self.line0 = line0
        self.limits = limits
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.total = 0
        self.root: Any = None
        self.duplicates: list[tuple[Path, Span]] = []
        self.doc = Document(file, 0, None, FILE_START)

    def start(self, doc: Document) -> None:
        self.doc = doc
        self.stack.clear()
        self.anchors.clear()
        self.open_anchors.clear()
        self.total = 0
        self.root = None

    def span(self, start: Any, end: Any) -> Span:
        return _span(start, end, self.line0)

    def _count(self, n: int, mark: Any, what: str) -> None:
        self.total += n
        if self.total > self.limits.max_nodes:
            raise _DocError(
                "yaml-limit",
                f"{what} more than {self.limits.max_nodes} nodes; document skipped",
                mark,
            )

    def feed(self, event: Any) -> None:
        """Apply one node event to the value being built."""
        stack = self.stack
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(stack) >= self.limits.max_depth:
                raise _DocError(
                    "yaml-limit",
                    f"nesting deeper than {self.limits.max_depth} levels; document skipped",
                    event.start_mark,
                )
            self._count(1, event.start_mark, "document has")
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            frame = _Frame(container, self._child_path(), event.anchor, event.start_mark)
            if event.anchor:
                self.open_anchors.add(event.anchor)
            stack.append(frame)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            frame = stack.pop()
            self.doc.values[frame.path] = self.span(frame.start, event.end_mark)
            if frame.anchor:
                self.open_anchors.discard(frame.anchor)
                self.anchors[frame.anchor] = (frame.container, frame.nodes)
            if stack:
                stack[-1].nodes += frame.nodes
            self._attach(frame.container, frame.start, event.end_mark)
        elif isinstance(event, yaml.AliasEvent):
            name = event.anchor
            if name in self.open_anchors:
                raise _DocError(
                    "yaml-limit", f"recursive alias *{name}; document skipped", event.start_mark
                )
            if name not in self.anchors:
                raise _DocError("yaml-syntax", f"found undefined alias *{name}", event.start_mark)
            target, nodes = self.anchors[name]
            self._count(nodes, event.start_mark, "aliases expand to")
            if stack:
                stack[-1].nodes += nodes
            self._attach(target, event.start_mark, event.end_mark)
        elif isinstance(event, yaml.ScalarEvent):
            self._count(1, event.start_mark, "document has")
            tag = event.tag
            is_key = bool(stack) and isinstance(stack[-1].container, dict) and (
                stack[-1].key is _NOKEY
            )
            value: Any
            if is_key and (tag is None or tag == "!") and event.implicit[0] and event.value == "<<":
                value = _MERGE
            else:
                value = _scalar(tag, event.value, event.implicit)
            if event.anchor:
                self.anchors[event.anchor] = (value, 1)
            if stack:
                stack[-1].nodes += 1
            self._attach(value, event.start_mark, event.end_mark)

    def _child_path(self) -> Path:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.container, list):
            return top.path + (len(top.container),)
        if top.key is _MERGE or top.key is _NOKEY:
            return top.path
        return top.path + (top.key,)

    def _attach(self, value: Any, start: Any, end: Any) -> None:
        """Put a finished value into its parent (or make it the document root)."""
        span = self.span(start, end)
        doc = self.doc
        if not self.stack:
            doc.values[()] = span
            self.root = value
            return
        top = self.stack[-1]
        if isinstance(top.container, list):
            doc.values.setdefault(top.path + (len(top.container),), span)
            top.container.append(value)
            return
        if top.key is _NOKEY:  # this value is a key
            if value is _MERGE:
                top.key = _MERGE
            else:
                top.key = _key_text("<complex key>" if isinstance(value, (dict, list)) else value)
                top.key_span = span
            return
        key = top.key
        top.key = _NOKEY
        if key is _MERGE:
            for src in value if isinstance(value, list) else [value]:
                if isinstance(src, dict):
                    for k, v in src.items():
                        top.container.setdefault(k, v)
            return
        path = top.path + (key,)
        if key in top.container and path in doc.keys and top.key_span is not None:
            self.duplicates.append((path, top.key_span))
        top.container[key] = value
        if top.key_span is not None:
            doc.keys[path] = top.key_span
        doc.values[path] = span


def _build_documents(
    text: str, builder: _Builder, first_index: int
) -> Iterator[Document | _DocError | yaml.YAMLError]:
    """Build documents from ``text``. Stops at the first document over a limit (yielding
    a ``_DocError``) or at the first syntax error (yielding the ``YAMLError``): the
    caller restarts after it, so no more time is spent on a hostile document."""
    parser = _Parser(text)
    index = first_index
    in_doc = False
    try:
        while True:
            event = parser.get_event()
            if event is None:
                return
            if isinstance(event, yaml.DocumentStartEvent):
                builder.start(
                    Document(builder.file, index, None, builder.span(event.start_mark, event.end_mark))
                )
                index += 1
                in_doc = True
            elif isinstance(event, yaml.DocumentEndEvent):
                if in_doc:
                    builder.doc.value = builder.root
                    yield builder.doc
                in_doc = False
            elif in_doc and not isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent)):
                builder.feed(event)
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
    duplicates: list[tuple[Path, Span]] = []
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
    for path, span in duplicates:
        problems.append(
            LoadProblem(
                "yaml-duplicate-key", Severity.WARNING, file, span,
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
        content = doc.values.get((), doc.start).line
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
            stream = stdin if stdin is not None else sys.stdin.buffer
            load_bytes(_read_limited(stream, limits.max_file_bytes), STDIN, limits, result)
            continue
        if os.path.isdir(path):
            for file in iter_files(path):
                _load_file(file, limits, result)
            continue
        _load_file(path, limits, result)
    return result


def _load_file(path: str, limits: Limits, result: LoadResult) -> None:
    name = display_name(path)
    try:
        with open(path, "rb") as fh:
            data = _read_limited(fh, limits.max_file_bytes)
    except OSError as err:
        result.unreadable.append(f"{name}: {err.strerror or err}")
        return
    load_bytes(data, name, limits, result)
