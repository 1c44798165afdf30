"""Scenario paths: one syntax for a field of a scenario, used by ``--set``, levers and inputs.csv.

A path names a field with dots, the items of a list by their id and a stance by its issue id:
``actors.<actor id>.military_option.cost``, ``issues.<issue id>.status_quo``,
``actors.<actor id>.stances.<issue id>.salience``, ``settings.tension.war_rate``,
``meetings.<meeting id>.rounds``. The random draws are keyed by the same paths, so the name
of a column of inputs.csv, the key of its random numbers and the override that fixes it agree.
"""

from __future__ import annotations

import difflib
import functools
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .params import Bounds
from .schema import Scenario

NOT_SETTABLE = ("schema_ref", "extends", "levers")  # references and the levers themselves


def path_of(*parts: str | int) -> str:
    """A path from its parts (section, id, field, ...): the one place a path is spelt, for
    ``--set``, levers, inputs.csv columns and the keys of the random draws alike."""
    return ".".join(str(p) for p in parts)


class PathError(ValueError):
    """A path that names no field of the scenario; the message says why and what is nearest."""


def _unwrap(annotation: Any) -> Any:
    """The model, list or dict type behind Optional, Annotated and union wrappers."""
    options = _options(annotation)
    models = [o for o in options if _is_model(o)]
    if models:
        return models[0]
    return options[0] if len(options) == 1 else annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _options(annotation: Any) -> list[Any]:
    """The alternatives of a union (Annotated and None stripped); one item for a plain type."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [o for a in typing.get_args(annotation) if a is not type(None) for o in _options(a)]
    return [annotation]


def is_section(annotation: Any) -> bool:
    """A field that holds other fields (set them one by one), not a value set whole.

    A union that also allows a plain value (``rule: all``, ``rule: [a, b]`` or a mapping) is a
    value: it may be set whole, and its mapping's fields may be set one by one.
    """
    options = _options(annotation)
    if len(options) != 1:
        return False
    (only,) = options
    if _is_model(only):
        return True
    if typing.get_origin(only) in (list, dict):
        return _is_model(_unwrap(typing.get_args(only)[-1]))
    return False


def field_bounds(info: FieldInfo) -> Bounds | None:
    """The closed range of a numeric field: its ``param`` bounds, or its ge/le constraints."""
    for m in info.metadata:
        if isinstance(m, Bounds):
            return m
    for arg in typing.get_args(info.annotation):  # Optional[param(...)]
        if typing.get_origin(arg) is typing.Annotated:
            for m in arg.__metadata__:
                if isinstance(m, Bounds):
                    return m
    low = next((m.ge for m in info.metadata if hasattr(m, "ge")), None)
    high = next((m.le for m in info.metadata if hasattr(m, "le")), None)
    if low is not None or high is not None:
        inf = float("inf")
        return Bounds(-inf if low is None else low, inf if high is None else high)
    return None


@functools.cache
def numeric_fields(model: type[BaseModel]) -> Mapping[str, Bounds]:
    """A schema model's fields that may be numbers or distributions, with their bounds, in order.

    This is how the draws are declared once: every such field of Actor, Settings and the rest
    is drawn under its own name without a list kept by hand. A class's fields do not change,
    so each is read once (building every batch's draws asked again, about 5 ms a batch).
    """
    out: dict[str, Bounds] = {}
    for name, info in model.model_fields.items():
        bounds = next((m for m in info.metadata if isinstance(m, Bounds)), None)
        if bounds is None and _is_model(_unwrap(info.annotation)):
            continue
        if bounds is None:
            for arg in typing.get_args(info.annotation):
                if typing.get_origin(arg) is typing.Annotated:
                    bounds = next((m for m in arg.__metadata__ if isinstance(m, Bounds)), None)
        if bounds is not None:
            out[name] = bounds
    return types.MappingProxyType(out)


@dataclass(frozen=True)
class Target:
    """Where a path leads in a scenario's plain data: the container, key and field."""

    path: str
    data_path: tuple[str | int, ...]  # keys and list indices into the plain data
    container: Any  # the dict holding the field (None when an optional parent is absent)
    key: str
    info: FieldInfo

    @property
    def bounds(self) -> Bounds | None:
        return field_bounds(self.info)


def plain(scenario: Scenario) -> dict[str, Any]:
    """A scenario as plain data that validates back to the same scenario."""
    return scenario.model_dump(mode="json", by_alias=True)


def resolve(data: dict[str, Any], path: str) -> Target:
    """Follow a path into a scenario's plain data, down to one field that holds a value."""
    parts = path.split(".")
    if not path or any(not p for p in parts):
        raise PathError(_no_such(data, path, "is not a dotted path"))
    cls: Any = Scenario
    node: Any = data
    data_path: tuple[str | int, ...] = ()
    i = 0
    while True:
        part = parts[i]
        info = cls.model_fields.get(part) if part not in NOT_SETTABLE else None
        if info is None:
            raise PathError(_no_such(data, path, f"{cls.__name__} has no field {part!r}"))
        annotation = _unwrap(info.annotation)
        here = ".".join(parts[: i + 1])
        last = i == len(parts) - 1
        if last:
            if is_section(info.annotation):
                raise PathError(_no_such(data, path, f"{here} is a section, not a value"))
            return Target(path, (*data_path, part), node, part, info)
        child = node.get(part) if isinstance(node, dict) else None
        if _is_model(annotation):
            if child is None:
                raise PathError(f"{path}: {here} is not in this scenario (add it to the file)")
            if not isinstance(child, dict):  # a union written in its short form, e.g. rule: all
                raise PathError(f"{path}: {here} is {child!r} here, not a section; set {here}")
            cls, node, data_path, i = annotation, child, (*data_path, part), i + 1
            continue
        origin = typing.get_origin(annotation)
        item = _unwrap(typing.get_args(annotation)[-1]) if origin in (list, dict) else None
        if not _is_model(item):
            raise PathError(_no_such(data, path, f"{here} holds a value, not a section"))
        key = parts[i + 1]
        if origin is list:
            ids = [x.get("id") for x in child or []]
            if key not in ids:
                raise PathError(_no_such(data, path, f"no item of {here} has the id {key!r}"))
            child, step = child[ids.index(key)], ids.index(key)
        else:
            if key not in (child or {}):
                raise PathError(_no_such(data, path, f"{here} has no entry {key!r}"))
            child, step = child[key], key
        if i + 2 >= len(parts):
            raise PathError(_no_such(data, path, f"{here}.{key} is a section, not a value"))
        cls, node, data_path, i = item, child, (*data_path, part, step), i + 2


def leaf_paths(data: dict[str, Any]) -> list[str]:
    """Every path that holds a value in this scenario (the candidates for 'did you mean')."""
    out: list[str] = []

    def walk(cls: type[BaseModel], node: dict[str, Any], prefix: str) -> None:
        for name, info in cls.model_fields.items():
            if name in NOT_SETTABLE:
                continue
            annotation = _unwrap(info.annotation)
            here = f"{prefix}{name}"
            child = node.get(info.alias or name) if isinstance(node, dict) else None
            origin = typing.get_origin(annotation)
            if not is_section(info.annotation):
                out.append(here)
            if _is_model(annotation):
                if isinstance(child, dict):
                    walk(annotation, child, here + ".")
            elif origin in (list, dict):
                item = _unwrap(typing.get_args(annotation)[-1])
                if not _is_model(item) or not child:
                    continue
                entries = (
                    [(x.get("id"), x) for x in child] if origin is list else list(child.items())
                )
                for key, value in entries:
                    walk(item, value, f"{here}.{key}.")

    walk(Scenario, data, "")
    return out


def nearest(data: dict[str, Any], path: str) -> str:
    """The valid path closest in spelling to ``path``."""
    candidates = leaf_paths(data)
    close = difflib.get_close_matches(path, candidates, n=1, cutoff=0.0)
    return close[0] if close else candidates[0]


def _no_such(data: dict[str, Any], path: str, why: str) -> str:
    return f"{path}: no such field ({why}); nearest valid path: {nearest(data, path)}"


def id_path(data: dict[str, Any], loc: tuple[str | int, ...]) -> str:
    """A data path with list indices (as validation reports it) written with ids instead."""
    out: list[str] = []
    node: Any = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
            node = node[part]
            out.append(str(node.get("id", part)) if isinstance(node, dict) else str(part))
        else:
            node = node.get(part) if isinstance(node, dict) else None
            out.append(str(part))
    return ".".join(out)
