"""Load a register file into the model; every problem names the file, line and field."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from privacydesk.errors import UnusableInput
from privacydesk.register.model import Register
from privacydesk.register.yamlload import LineMap, dotted, parse_yaml, read_yaml_file


class RegisterInvalid(UnusableInput):
    """The file parsed as YAML but is not a register; `problems` lists every one with file:line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            "\n".join(problems),
            hint="compare with examples/ocqto/register.yaml and docs/register.md",
        )
        self.problems = problems


@dataclass(frozen=True)
class LoadedRegister:
    """A register with where it came from: its text, line map and content hash."""

    register: Register
    lines: LineMap
    text: str
    source: str

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def _describe(error: dict[str, object], lines: LineMap) -> str:
    loc = tuple(p for p in error["loc"] if isinstance(p, str | int))  # type: ignore[attr-defined]
    field = dotted(loc)
    kind = str(error["type"])
    if kind == "extra_forbidden":
        return f"{lines.where(loc)}: unknown key '{loc[-1]}' in {dotted(loc[:-1])}"
    if kind == "missing":
        return f"{lines.where(loc[:-1])}: {field} is missing"
    value = error.get("input")
    shown = f" (got {value!r})" if isinstance(value, str | int | float) and len(str(value)) < 60 else ""
    return f"{lines.where(loc)}: {field}: {error['msg']}{shown}"


def build_register(data: object, lines: LineMap) -> Register:
    if not isinstance(data, dict):
        raise RegisterInvalid([f"{lines.file}:1: the top level must be a mapping of register sections"])
    try:
        return Register.model_validate(data)
    except ValidationError as exc:
        problems = [_describe(dict(e), lines) for e in exc.errors()]
        raise RegisterInvalid(problems) from None


def load_register(path: Path) -> LoadedRegister:
    data, lines, text = read_yaml_file(path)
    return LoadedRegister(build_register(data, lines), lines, text, str(path))


def load_register_text(text: str, source: str = "register.yaml") -> LoadedRegister:
    data, lines = parse_yaml(text, source)
    return LoadedRegister(build_register(data, lines), lines, text, source)
