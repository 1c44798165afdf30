"""The levers a page offers and a scenario with levers moved.

``with_overrides`` and ``levers_of`` belong to ``sim.scenario`` (issue 8, item 1); until they
land there, this module supplies the same interface, so the page is written against it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.scenario.params import Bounds, Dist
from sim.scenario.schema import Actor, MilitaryOption, Scenario, Settings

try:  # pragma: no cover - which branch is taken depends on what has landed in sim.scenario
    from sim.scenario import with_overrides  # type: ignore[attr-defined]
    from sim.scenario.levers import levers_of  # type: ignore[import-not-found]
except ImportError:

    @dataclass(frozen=True)
    class Lever:
        """A field a page offers as a slider: its path, label, range, step and meaning."""

        path: str
        label: str
        min: float
        max: float
        step: float | None
        description: str

    def with_overrides(scenario: Scenario, overrides: dict[str, Any]) -> Scenario:
        """``scenario`` with fields changed by dotted path (actors and issues named by id)."""
        from sim.scenario import scenario_from_dict

        data = scenario.model_dump(by_alias=True, exclude_none=True)
        for path, value in overrides.items():
            node: Any = data
            keys = path.split(".")
            for key in keys[:-1]:
                if isinstance(node, list):
                    node = next(x for x in node if x.get("id") == key)
                else:
                    node = node[key]
            node[keys[-1]] = value
        return scenario_from_dict(_plain(data))

    def _plain(value: Any) -> Any:
        if isinstance(value, Dist):
            return value.to_yaml()
        if isinstance(value, dict):
            return {k: _plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [_plain(v) for v in value]
        return value

    def levers_of(sc: Scenario) -> list[Lever]:
        """Defaults: each armed actor's cost of war, flexibility, patience, the belief noise."""
        out = []
        for a in sc.actors:
            if a.military_option is not None:
                out.append(
                    Lever(
                        f"actors.{a.id}.military_option.cost",
                        f"{a.name}: cost of war",
                        0.0,
                        1.0,
                        0.05,
                        MilitaryOption.model_fields["cost"].description or "",
                    )
                )
        for field, low in (("flexibility", 0.0), ("patience", 0.5)):
            info = Actor.model_fields[field]
            for a in sc.actors:
                out.append(
                    Lever(
                        f"actors.{a.id}.{field}",
                        f"{a.name}: {field}",
                        low,
                        1.0,
                        (1.0 - low) / 20,
                        info.description or "",
                    )
                )
        info = Settings.model_fields["belief_noise"]
        out.append(
            Lever("settings.belief_noise", "Belief noise", 0.0, 50.0, 2.5, info.description or "")
        )
        return out


__all__ = ["current_value", "levers_of", "with_overrides"]


def current_value(scenario: Scenario, path: str) -> float:
    """Where a lever starts: the field's value, or a distribution's mean."""
    node: Any = scenario
    for key in path.split("."):
        if isinstance(node, list):
            node = next(x for x in node if x.id == key)
        elif isinstance(node, dict):
            node = node[key]
        else:
            node = getattr(node, key)
    if isinstance(node, Dist):
        # The mean of the distribution (clipped to the widest scale, 0-100, for a normal).
        return float(node.central(Bounds(0.0, 100.0)))
    return float(node)
