"""Overrides: a scenario with a few fields changed by path, validated exactly like a file.

``with_overrides(scenario, {"settings.belief_noise": 0})`` is what ``--set``,
the levers of a page and the points of a sweep call: the changed scenario goes through the
same schema and cross-checks as a file, and a bad path or value is a ``ScenarioError`` naming
the path and, for a bad path, the nearest valid one; for a bad value, the allowed range.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .checks import cross_check
from .errors import Location, Problem, ScenarioError, describe_value
from .load import _message  # the file loader's wording, so a file and --set read the same
from .params import Dist
from .paths import PathError, Target, id_path, plain, resolve
from .schema import Scenario

SET = Location("--set", 0, 0)  # line 0: no file line, the option and the path say where


def _problem(path: str, message: str, got: Any = None) -> Problem:
    """A problem with an override; ``got`` is the value as given (shown briefly)."""
    return Problem(SET, path, message, None if got is None else describe_value(got))


def parse_value(text: str) -> Any:
    """A VALUE as YAML flow: ``0.5``, ``{normal: [0.5, 0.1]}``, ``package``, ``[a, b]``."""
    try:
        return YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        problem = str(exc).splitlines()[0] if str(exc) else "not valid YAML"
        raise ValueError(f"not a number, word or YAML flow value ({problem})") from None


def parse_assignments(items: Iterable[str]) -> dict[str, Any]:
    """``PATH=VALUE`` strings (as typed after ``--set``) to a mapping, or a ScenarioError."""
    out: dict[str, Any] = {}
    problems = []
    for item in items:
        path, sep, text = item.partition("=")
        path = path.strip()
        if not sep or not path or not text.strip():
            problems.append(_problem(item, "expected PATH=VALUE, e.g. settings.belief_noise=5"))
            continue
        try:
            out[path] = parse_value(text)
        except ValueError as exc:
            problems.append(_problem(path, str(exc), text))
    if problems:
        raise ScenarioError(problems)
    return out


def _plain(value: Any) -> Any:
    return value.to_yaml() if isinstance(value, Dist) else value


def with_overrides(scenario: Scenario, overrides: Mapping[str, Any]) -> Scenario:
    """The scenario with each path set to its value, validated and cross-checked like a file."""
    if not overrides:
        return scenario
    data = plain(scenario)
    problems: list[Problem] = []
    where: dict[tuple, Target] = {}
    for path, value in overrides.items():
        try:
            target = resolve(data, path)
        except PathError as exc:
            problems.append(_problem(path, str(exc).split(": ", 1)[1]))
            continue
        target.container[target.key] = copy.deepcopy(_plain(value))
        where[target.data_path] = target
    if problems:
        raise ScenarioError(problems)
    try:
        changed = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_value_problems(data, exc, where, overrides)) from None
    findings = cross_check(changed)
    if findings:
        raise ScenarioError(
            [Problem(SET, id_path(data, loc), message, got) for loc, message, got in findings]
        )
    return changed


def _value_problems(
    data: dict[str, Any],
    exc: ValidationError,
    where: dict[tuple, Target],
    overrides: Mapping[str, Any],
) -> list[Problem]:
    problems: dict[str, Problem] = {}
    for err in exc.errors():
        loc = tuple(err["loc"])
        target = next((t for dp, t in where.items() if loc[: len(dp)] == dp), None)
        path = target.path if target is not None else id_path(data, loc)
        if path in problems:
            continue
        message = _message(err, loc)
        bounds = target.bounds if target is not None else None
        if bounds is not None and "between" not in message:
            message += f" (allowed: {bounds.low:g} to {bounds.high:g})"
        problems[path] = _problem(path, message, overrides.get(path))
    return list(problems.values())


def manifest_entry(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Overrides as plain data for a manifest (distributions written as in a file)."""
    return {path: _plain(value) for path, value in overrides.items()}
