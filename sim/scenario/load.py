"""Load a scenario file into a validated ``Scenario``, or report every problem with its line."""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .checks import cross_check
from .errors import Location, Problem, ScenarioError, describe_value
from .schema import Scenario
from .yamlio import LocatedDict, LocatedList, read_scenario_data


def load_scenario(path: str | Path, sources: list[tuple[str, str]] | None = None) -> Scenario:
    """Read, merge (``extends:``), validate and cross-check one scenario file.

    ``sources``, when given, receives each file read (its name and the sha256 of the very
    bytes parsed), the file itself first, then its ``extends:`` chain: what a manifest keeps.
    """
    return _validate(read_scenario_data(Path(path), sources=sources))


def scenario_from_dict(data: Mapping[str, Any], name: str = "<data>") -> Scenario:
    """Validate plain data (a scenario built by a program) exactly as a file is validated.

    Problems carry the dotted path of the bad field (``actors[2].stances.x.salience``) in
    place of a line; ``name`` stands for the file in messages. ``extends:`` needs a file to
    be relative to, so it is refused here.
    """
    located = _located(data, Location(name, 0, 0))
    if not isinstance(located, LocatedDict):
        raise ScenarioError([Problem(Location(name, 0, 0), "(document)", "expected a mapping")])
    if "extends" in located:
        raise ScenarioError(
            [Problem(Location(name, 0, 0), "extends", "extends: needs a file; merge in Python")]
        )
    return _validate(located)


def _located(value: Any, where: Location) -> Any:
    """Plain data wrapped as the YAML reader's located containers, every place at ``where``."""
    if isinstance(value, Mapping):
        out = LocatedDict((str(k), _located(v, where)) for k, v in value.items())
        out.loc, out.key_locs = where, {str(k): where for k in value}
        return out
    if isinstance(value, list | tuple):
        out = LocatedList(_located(v, where) for v in value)
        out.loc, out.item_locs = where, [where] * len(value)
        return out
    return value


def _validate(data: LocatedDict) -> Scenario:
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_problems(data, exc)) from None
    findings = cross_check(scenario)
    if findings:
        raise ScenarioError(
            [
                Problem(_locate(data, path)[0], _dotted(path), message, got)
                for path, message, got in findings
            ]
        )
    return scenario


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def _locate(data: LocatedDict, loc: tuple[Any, ...]) -> tuple[Location, tuple[Any, ...], Any]:
    """Follow a validation path into the data as far as it goes.

    Parts that are not in the data (the names pydantic gives union branches) are skipped; a
    missing key ends the walk with the key in the path and the location of its mapping.
    Returns the location of the deepest value reached, the data path, and the value.
    """
    node: Any = data
    where, path = data.loc, ()
    for part in loc:
        tag = isinstance(part, str) and ("[" in part or part[:1].isupper()) and part != "[key]"
        if tag and not (isinstance(node, LocatedDict) and part in node):
            continue  # a union member's tag (a type name), not a place in the data
        if part == "[key]":  # pydantic's marker for a bad mapping key: the key is the value
            return where, path, path[-1] if path else node
        if isinstance(node, LocatedDict) and isinstance(part, str):
            if part not in node:
                return (node.loc, (*path, part), _MISSING)
            where, node, path = node.key_locs[part], node[part], (*path, part)
        elif isinstance(node, LocatedList) and isinstance(part, int) and 0 <= part < len(node):
            where, node, path = node.item_locs[part], node[part], (*path, part)
    return where, path, node


def _walk_model(path: tuple[Any, ...]) -> type[BaseModel] | None:
    cls: Any = Scenario
    for part in path:
        cls = _step(cls, part)
        if cls is None:
            return None
    cls = _unwrap(cls)
    return cls if isinstance(cls, type) and issubclass(cls, BaseModel) else None


def _unwrap(cls: Any) -> Any:
    while True:
        origin = typing.get_origin(cls)
        if origin is typing.Annotated:
            cls = typing.get_args(cls)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(cls) if a is not type(None)]
            models = [a for a in options if isinstance(a, type) and issubclass(a, BaseModel)]
            cls = models[0] if models else options[0]
        else:
            return cls


def _step(cls: Any, part: Any) -> Any:
    cls = _unwrap(cls)
    if isinstance(cls, type) and issubclass(cls, BaseModel):
        field = cls.model_fields.get(part) if isinstance(part, str) else None
        return field.annotation if field else None
    origin = typing.get_origin(cls)
    if origin is list and isinstance(part, int):
        return typing.get_args(cls)[0]
    if origin is dict and isinstance(part, str):
        return typing.get_args(cls)[1]
    return None


def _message(err: dict[str, Any], path: tuple[Any, ...]) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        model = _walk_model(path[:-1])
        if model is not None:
            fields = [f.alias or name for name, f in model.model_fields.items()]
            close = difflib.get_close_matches(str(path[-1]), fields, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            return f"unknown field{hint} (known fields: {', '.join(fields)})"
        return "unknown field"
    if kind == "missing":
        return "missing required field"
    if kind == "string_pattern_mismatch":
        return "must be an id: lower case letters, digits and _, starting with a letter"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg[0].lower() + msg[1:] if msg else "invalid value"


def _problems(data: LocatedDict, exc: ValidationError) -> list[Problem]:
    """One problem per offending value: a union's several complaints are joined into one."""
    grouped: dict[tuple[Any, ...], tuple[Location, list[str], Any]] = {}
    for err in exc.errors():
        where, path, value = _locate(data, tuple(err["loc"]))
        message = _message(err, path)
        if path in grouped:
            if message not in grouped[path][1]:
                grouped[path][1].append(message)
        else:
            shown = err["type"] not in ("missing", "extra_forbidden")
            grouped[path] = (where, [message], value if shown else _MISSING)
    problems = []
    for path, (where, messages, value) in grouped.items():
        text = " or ".join(messages) if len(messages) <= 3 else messages[0]
        got = None if value is _MISSING else describe_value(value)
        problems.append(Problem(where, _dotted(path), text, got))
    return problems


_MISSING = object()


def load_with_warnings(path: str | Path) -> tuple[Scenario, list[Problem]]:
    """A scenario file loaded as ``load_scenario`` does, with the things that are legal but
    probably mistaken, each pinned to its line (``validate`` prints them)."""
    from .warnings import scenario_warnings

    data = read_scenario_data(Path(path))
    scenario = _validate(data)
    return scenario, [
        Problem(_locate(data, where)[0], _dotted(where), message, got)
        for where, message, got in scenario_warnings(scenario)
    ]
