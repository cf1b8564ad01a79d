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
    workload-kinds:                 # other kinds that own pods through a selector
      - kind: Pool
        apiVersion: example.com/v1  # optional: read for any apiVersion when omitted
        selector: spec.selector     # path of the selector
        selector-type: labelSelector  # or map
        template: spec.template     # path of the pod template
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import yaml

NAMES = (".labelselector-lint.yaml", ".labelselector-lint.yml")

_KEYS = {
    "disable", "enable", "fail-on", "namespace", "group-by", "ignore-paths",
    "runtime-label-keys", "max-file-size", "workload-kinds",
}
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


@dataclass(frozen=True)
class WorkloadKindConfig:
    """One entry of ``workload-kinds``."""

    kind: str
    api_version: str | None
    selector: str
    selector_type: str
    template: str


def _workload_kinds(data: dict[str, Any], path: str) -> list[WorkloadKindConfig]:
    value = data.get("workload-kinds", [])
    if not isinstance(value, list):
        raise ConfigError(f"{path}: workload-kinds must be a list of mappings")
    out = []
    for i, item in enumerate(value):
        where = f"{path}: workload-kinds[{i}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{where} must be a mapping with kind, selector and template")
        unknown = sorted(set(map(str, item)) - _KIND_KEYS)
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_KIND_KEYS))})")
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
