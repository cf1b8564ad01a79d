"""Input: problems reading files and documents (reported by the loader) and fields of
the wrong type (reported by whichever check reads the field)."""

from __future__ import annotations

from ..registry import E, W, declare

FAMILY = "input"

declare(
    "input-invalid", E, "input is not UTF-8 text (binary data, bad encoding)", family=FAMILY,
    rationale="Binary data, a NUL byte, non-UTF-8 bytes (`not valid UTF-8 (byte 0xe9 at offset 31)`) "
    "or a control character: kubectl cannot decode the file either.",
    fix="Save the file as UTF-8 text, or leave it out of the paths given to the linter.",
)
declare(
    "input-too-large", E, "input file is larger than --max-file-size", family=FAMILY,
    rationale="A file over `--max-file-size` (default 16 MiB) is skipped; only the limit + 1 byte "
    "is read, so a huge or endless input costs bounded memory.",
    fix="Raise `--max-file-size` (or `max-file-size` in the config) if the file is meant to be linted.",
)
declare(
    "yaml-syntax", E, "document is not valid YAML", family=FAMILY,
    rationale="`data: [1, 2` then `---`: `invalid YAML: while parsing a flow sequence …; document "
    "skipped`. The rest of the stream, later documents of the same file included, is still linted.",
    fix="Fix the YAML at the reported position.",
)
declare(
    "yaml-limit", E, "document exceeds a safety limit (nesting, alias expansion)", family=FAMILY,
    rationale="Billion-laughs aliases (`aliases expand to more than 2000000 nodes`), a recursive alias, "
    "nesting deeper than 1,000 levels: the document is skipped instead of exhausting memory or stack.",
    fix="Flatten the document or expand the aliases; no real manifest needs this.",
)
declare(
    "yaml-duplicate-key", W, "a mapping repeats a key; the earlier value is lost", family=FAMILY,
    rationale="`app: web` and `app: api` in one `labels` map: decoders keep the last value, so the "
    "first is silently lost, and editing it later does nothing.",
    fix="Remove one of the two entries.",
)
MALFORMED = declare(
    "object-malformed", E, "a field has the wrong type for the Kubernetes API", family=FAMILY,
    rationale="E.g. `requiredDuringSchedulingIgnoredDuringExecution:` given as a list where a "
    "NodeSelector object is required: the API server cannot decode the object.",
    fix="Give the field the type the API reference documents.",
)
