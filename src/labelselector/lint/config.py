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
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import yaml

NAMES = (".labelselector-lint.yaml", ".labelselector-lint.yml")

_KEYS = {
    "disable", "enable", "fail-on", "namespace", "group-by", "ignore-paths",
    "runtime-label-keys", "max-file-size",
}


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
