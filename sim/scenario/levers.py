"""Levers a scenario declares: each must name a numeric field and stay within its bounds."""

from __future__ import annotations

from collections.abc import Iterator

from .paths import PathError, plain, resolve
from .schema import Scenario

Finding = tuple[tuple[str | int, ...], str, str | None]


def lever_findings(sc: Scenario) -> Iterator[Finding]:
    """What is wrong with the scenario's levers, in file order."""
    if not sc.levers:
        return
    data = plain(sc)
    for i, lever in enumerate(sc.levers):
        at = ("levers", i)
        try:
            target = resolve(data, lever.path)
        except PathError as exc:
            yield (*at, "path"), str(exc).split(": ", 1)[1], repr(lever.path)
            continue
        bounds = target.bounds
        if bounds is None:
            yield (*at, "path"), "a lever must name a numeric field", repr(lever.path)
            continue
        if not lever.min < lever.max:
            yield (*at, "max"), "must be above min", repr(lever.max)
        for side, value in (("min", lever.min), ("max", lever.max)):
            if not bounds.low <= value <= bounds.high:
                yield (
                    (*at, side),
                    f"must lie within the field's bounds, {bounds.low:g} to {bounds.high:g}",
                    repr(value),
                )
        if lever.step is not None and lever.min < lever.max and lever.step > lever.max - lever.min:
            yield (*at, "step"), "must not exceed max - min", repr(lever.step)
