"""Levers a page or a sweep offers: the scenario's own (checked against the schema) or defaults."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic.fields import FieldInfo

from .paths import PathError, field_bounds, plain, resolve
from .schema import Actor, Lever, MilitaryOption, Scenario, Settings

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


def levers_of(sc: Scenario) -> list[Lever]:
    """The scenario's own levers, or sensible defaults when it declares none.

    The defaults are what a class asks about first (issue 8): each armed actor's cost of war,
    every actor's flexibility and patience, and the belief noise, each over its field's bounds.
    """
    if sc.levers:
        return list(sc.levers)
    out: list[Lever] = []

    def add(path: str, label: str, info: FieldInfo, description: str) -> None:
        bounds = field_bounds(info)
        if bounds is None:  # every field offered below is bounded; a change would show here
            raise TypeError(f"{path}: a default lever needs a bounded numeric field")
        low, high = bounds.low, bounds.high
        out.append(
            Lever(
                path=path,
                label=label,
                min=low,
                max=high,
                step=(high - low) / 20,
                description=description,
            )
        )

    for a in sc.actors:
        if a.military_option is not None:
            add(
                f"actors.{a.id}.military_option.cost",
                f"{a.name}: cost of war",
                MilitaryOption.model_fields["cost"],
                f"What {a.name} expects a war to cost it, in utility units.",
            )
    for field in ("flexibility", "patience"):
        info = Actor.model_fields[field]
        for a in sc.actors:
            add(f"actors.{a.id}.{field}", f"{a.name}: {field}", info, info.description or "")
    info = Settings.model_fields["belief_noise"]
    add("settings.belief_noise", "Belief noise", info, info.description or "")
    return out
