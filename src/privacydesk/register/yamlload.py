"""YAML with a line number for every node, and duplicate keys refused (PyYAML keeps the last)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from privacydesk.errors import UnusableInput

Path_ = tuple[str | int, ...]


@dataclass
class LineMap:
    """Where each node of a YAML document stands: (key, index, …) path → 1-based line."""

    file: str
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int:
        """The line of `path`, or of its nearest ancestor that has one."""
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.lines:
                return self.lines[path[:cut]]
        return 1

    def where(self, path: Path_) -> str:
        return f"{self.file}:{self.line(path)}"


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top)"


class _Loader(yaml.SafeLoader):
    pass


def _walk(node: Node, path: Path_, loader: _Loader, lines: LineMap) -> Any:
    lines.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, MappingNode):
        loader.flatten_mapping(node)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | bool) or isinstance(key, bool):
                key = str(key)
            if key in out:
                raise UnusableInput(
                    f"{lines.file}:{key_node.start_mark.line + 1}: duplicate key '{key}' in {dotted(path)}",
                    hint="each key may appear once; merge the two entries",
                )
            child = (*path, key)
            lines.lines[child] = key_node.start_mark.line + 1
            out[key] = _walk(value_node, child, loader, lines)
        return out
    if isinstance(node, SequenceNode):
        return [_walk(item, (*path, i), loader, lines) for i, item in enumerate(node.value)]
    assert isinstance(node, ScalarNode)
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str, file: str) -> tuple[Any, LineMap]:
    """Parse `text`; errors name `file` and the line, and never carry a traceback."""
    lines = LineMap(file)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise UnusableInput(f"{file}: the file is empty", hint="start from examples/ocqto/register.yaml")
        return _walk(root, (), loader, lines), lines
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        started = ""
        if exc.context and exc.context_mark and exc.context_mark.line + 1 != line:
            started = f" ({exc.context} that starts at line {exc.context_mark.line + 1})"
        raise UnusableInput(
            f"{file}:{line}: not valid YAML: {exc.problem or exc.context}{started}",
            hint="check indentation, brackets and quoting there",
        ) from None
    except yaml.YAMLError as exc:
        raise UnusableInput(f"{file}: not valid YAML: {exc}") from None
    finally:
        loader.dispose()


def read_yaml_file(path: Path) -> tuple[Any, LineMap, str]:
    """Read and parse a YAML file; returns (data, line map, raw text)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UnusableInput(f"{path}: no such file", hint="give the path of a register YAML file") from None
    except (IsADirectoryError, PermissionError) as exc:
        raise UnusableInput(f"{path}: cannot be read ({exc.strerror})") from None
    if b"\x00" in raw[:8192]:
        raise UnusableInput(f"{path}: this is a binary file, not a YAML register")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UnusableInput(f"{path}:{line}: not UTF-8 text", hint="save the file as UTF-8") from None
    data, lines = parse_yaml(text, str(path))
    return data, lines, text
