"""The configuration file, found like other linters find theirs.

``.labelselector-lint.yaml`` (or ``.yml``) in the working directory or the nearest
parent directory; ``--config FILE`` names one, ``--no-config`` ignores them. Keys::

    disable: [check-id, ...]        # also: enable: [...]
    fail-on: warning                # error (default), warning, info, never
    namespace: my-app               # namespace of objects without one
    group-by: all                   # all, file or dir: what cross-object checks compare
    ignore-paths: ["vendor/**"]     # glob patterns of input files to skip
    runtime-label-keys: [my.io/pod] # extra keys controllers add at run time
    max-file-size: 16777216         # bytes
    required-labels:                # for the required-labels check
      - key: team
        value: "[a-z]+"             # optional: a regular expression for the whole value
        objects: templates          # templates (default), workloads or all
    workload-kinds:                 # other kinds that own pods through a selector
      - kind: Pool
        apiVersion: example.com/v1  # optional: read for any apiVersion when omitted
        selector: spec.selector     # path of the selector
        selector-type: labelSelector  # or map
        template: spec.template     # path of the pod template
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from labelselector import validate_label_key

NAMES = (".labelselector-lint.yaml", ".labelselector-lint.yml")

_KEYS = {
    "disable", "enable", "fail-on", "namespace", "group-by", "ignore-paths",
    "runtime-label-keys", "max-file-size", "workload-kinds", "required-labels",
}
_REQUIRED_KEYS = {"key", "value", "objects"}
_KIND_KEYS = {"kind", "apiVersion", "selector", "selector-type", "template"}


class ConfigError(Exception):
    """The config file is unreadable or has a bad key/value (exit code 2)."""


@dataclass
class Config:
    """Settings read from a config file (``None``/empty = not set there)."""

    path: str | None = None
    disable: list[str] = field(default_factory=list)
    enable: list[str] = field(default_factory=list)
    fail_on: str | None = None
    namespace: str | None = None
    group_by: str | None = None
    ignore_paths: list[str] = field(default_factory=list)
    runtime_label_keys: list[str] = field(default_factory=list)
    max_file_size: int | None = None
    workload_kinds: list[WorkloadKindConfig] = field(default_factory=list)
    #: ``required-labels``: ``(key, value pattern or None, objects)``.
    required_labels: list[tuple[str, re.Pattern[str] | None, str]] = field(default_factory=list)


@dataclass(frozen=True)
class WorkloadKindConfig:
    """One entry of ``workload-kinds``."""

    kind: str
    api_version: str | None
    selector: str
    selector_type: str
    template: str


def _entries(
    data: dict[str, Any], name: str, path: str, known: set[str], shorthand: str | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, entry)`` of each mapping in the list ``name`` (a bare string is
    ``{shorthand: string}`` when ``shorthand`` is given); unknown keys are an error."""
    value = data.get(name, [])
    if not isinstance(value, list):
        raise ConfigError(f"{path}: {name} must be a list of mappings")
    for i, item in enumerate(value):
        where = f"{path}: {name}[{i}]"
        if isinstance(item, str) and shorthand:
            item = {shorthand: item}
        if not isinstance(item, dict):
            raise ConfigError(f"{where} must be a mapping with {', '.join(sorted(known))}")
        unknown = sorted(set(map(str, item)) - known)
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        yield where, item


def _required_labels(data: dict[str, Any], path: str) -> list[tuple[str, re.Pattern[str] | None, str]]:
    out = []
    for where, item in _entries(data, "required-labels", path, _REQUIRED_KEYS, shorthand="key"):
        key = item.get("key")
        if not isinstance(key, str):
            raise ConfigError(f"{where}: key must be a string")
        problems = validate_label_key(key)
        if problems:
            raise ConfigError(f"{where}: key {key!r} is not a valid label key: {problems[0]}")
        pattern = item.get("value")
        compiled = None
        if pattern is not None:
            if not isinstance(pattern, str):
                raise ConfigError(f"{where}: value must be a regular expression (a string)")
            try:
                compiled = re.compile(pattern)
            except re.error as err:
                raise ConfigError(f"{where}: value {pattern!r} is not a regular expression: {err}") from None
        objects = item.get("objects", "templates")
        if objects not in ("templates", "workloads", "all"):
            raise ConfigError(f"{where}: objects must be templates, workloads or all, not {objects!r}")
        out.append((key, compiled, objects))
    return out


def _workload_kinds(data: dict[str, Any], path: str) -> list[WorkloadKindConfig]:
    out = []
    for where, item in _entries(data, "workload-kinds", path, _KIND_KEYS):
        for key in ("kind", "selector", "template"):
            if not isinstance(item.get(key), str) or not item[key].strip("."):
                raise ConfigError(f"{where}: {key} must be a non-empty string")
        api_version = item.get("apiVersion")
        if api_version is not None and not isinstance(api_version, str):
            raise ConfigError(f"{where}: apiVersion must be a string")
        selector_type = item.get("selector-type", "labelSelector")
        if selector_type not in ("labelSelector", "map"):
            raise ConfigError(f"{where}: selector-type must be labelSelector or map, not {selector_type!r}")
        out.append(WorkloadKindConfig(item["kind"], api_version, item["selector"], selector_type, item["template"]))
    return out


def discover(start: str | None = None) -> str | None:
    """The nearest config file in ``start`` (default: cwd) or one of its parents."""
    cur = os.path.abspath(start or os.getcwd())
    while True:
        for name in NAMES:
            cand = os.path.join(cur, name)
            if os.path.isfile(cand):
                return cand
        parent = os.path.dirname(cur)
        if parent == cur:
            return None
        cur = parent


def _str_list(data: dict[str, Any], key: str, path: str) -> list[str]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {key} must be a list of strings")
    return list(value)


def load(path: str) -> Config:
    """Read a config file."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise ConfigError(f"{path}: cannot read config: {err}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the config must be a mapping")
    unknown = sorted(set(map(str, data)) - _KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_KEYS))})")
    cfg = Config(path=path)
    cfg.disable = _str_list(data, "disable", path)
    cfg.enable = _str_list(data, "enable", path)
    cfg.ignore_paths = _str_list(data, "ignore-paths", path)
    cfg.runtime_label_keys = _str_list(data, "runtime-label-keys", path)
    cfg.workload_kinds = _workload_kinds(data, path)
    cfg.required_labels = _required_labels(data, path)
    for key, attr in (("fail-on", "fail_on"), ("namespace", "namespace"), ("group-by", "group_by")):
        value = data.get(key)
        if value is not None:
            if not isinstance(value, str):
                raise ConfigError(f"{path}: {key} must be a string")
            setattr(cfg, attr, value)
    size = data.get("max-file-size")
    if size is not None:
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise ConfigError(f"{path}: max-file-size must be a positive integer")
        cfg.max_file_size = size
    return cfg
