"""What the charts show when a scenario is large: legible and bounded, whatever its size.

One panel per issue and one line per actor read well up to about nine panels and eight lines
(the Okabe-Ito palette has eight colours). Beyond that the charts keep the issues the actors
care most about (total salience) and the actors with the most weight (capability), and the
report lists the rest in a table; the data files always keep everything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sim.plots.labels import ScenarioLabels

MAX_ISSUE_PANELS = 9
MAX_ACTOR_LINES = 8


def _mean(value: Any, low: float = 0.0, high: float = 1.0) -> float:
    """A number, or a distribution's mean on its field's scale (beta maps [0, 1] there)."""
    if isinstance(value, bool):
        return 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, Mapping) and len(value) == 1:
        ((kind, args),) = value.items()
        try:
            a = [float(x) for x in args]
        except (TypeError, ValueError):
            return 0.0
        if kind == "beta" and len(a) == 2 and a[0] + a[1] > 0:
            return low + (high - low) * a[0] / (a[0] + a[1])
        if kind == "normal" and a:
            return min(high, max(low, a[0]))
        if a:
            return sum(a) / len(a)
    return 0.0


def chart_scope(
    labels: ScenarioLabels, resolved: Mapping[str, Any]
) -> tuple[ScenarioLabels, list[str], list[str]]:
    """Labels for the charts, and the ids of the issues and actors they leave out."""
    actors = resolved.get("actors", [])
    salience: dict[str, float] = {}
    for a in actors:
        for issue, stance in (a.get("stances") or {}).items():
            if isinstance(stance, Mapping):
                salience[issue] = salience.get(issue, 0.0) + _mean(stance.get("salience", 0))
    weight = {str(a.get("id")): _mean(a.get("capability", 0), 0.001, 100) for a in actors}
    issues, actor_labels = labels.issues, labels.actors
    if len(issues) > MAX_ISSUE_PANELS:
        kept = {
            i.id for i in sorted(issues, key=lambda i: -salience.get(i.id, 0.0))[:MAX_ISSUE_PANELS]
        }
        issues = [i for i in issues if i.id in kept]
    if len(actor_labels) > MAX_ACTOR_LINES:
        ranked = sorted(actor_labels, key=lambda a: -weight.get(a.id, 0.0))
        kept = {a.id for a in ranked[:MAX_ACTOR_LINES]}
        actor_labels = [a for a in actor_labels if a.id in kept]
    shown = replace(labels, issues=issues, actors=actor_labels)
    left_issues = [i.id for i in labels.issues if i not in issues]
    left_actors = [a.id for a in labels.actors if a not in actor_labels]
    return shown, left_issues, left_actors
