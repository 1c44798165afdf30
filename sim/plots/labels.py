"""The few words and reference points a chart needs from a scenario, and outcome names.

Charts take these small labels rather than the scenario model itself so that plotting depends only
on plain data: a results folder's ``manifest.json`` (which holds the resolved scenario) is enough to
redraw every chart, without importing or validating the scenario package. No matplotlib here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.scenario.text import printable

OUTCOMES = ("agreement", "partial_agreement", "stalemate", "breakdown", "armed_conflict")

OUTCOME_NAMES = {
    "agreement": "Agreement",
    "partial_agreement": "Partial agreement",
    "stalemate": "Stalemate",
    "breakdown": "Breakdown",
    "armed_conflict": "Armed conflict",
}


def outcome_name(outcome: str) -> str:
    """Plain-words name so readers never see an identifier such as ``armed_conflict``."""
    return OUTCOME_NAMES.get(outcome, outcome.replace("_", " ").capitalize())


def order_outcomes(found: Iterable[str]) -> list[str]:
    """Canonical order first (best to worst), then anything unexpected in the order first seen."""
    seen = list(dict.fromkeys(found))
    return [o for o in OUTCOMES if o in seen] + [o for o in seen if o not in OUTCOMES]


def distribution_mean(value: Any) -> float:
    """The point to mark for a quantity that a scenario may give as a number or a distribution.

    The mean is the natural single point: it is what the draws average to over many runs (the
    same choice as ``Dist.central`` in the scenario package). Beta distributions are on the
    0-100 scale of the field, so their mean is ``100 a / (a + b)``.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a number or a distribution, got {value!r}")
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, Mapping) or len(value) != 1:
        raise ValueError(f"expected a number or a one-key distribution dict, got {value!r}")
    ((kind, params),) = value.items()
    params = [float(p) for p in (params if isinstance(params, list | tuple) else [params])]
    if kind == "normal" and len(params) == 2:
        # Samples are truncated to the 0-100 scale, so a mean outside it is marked at the end.
        return min(100.0, max(0.0, params[0]))
    if kind == "uniform" and len(params) == 2:
        return (params[0] + params[1]) / 2.0
    if kind == "triangular" and len(params) == 3:
        return sum(params) / 3.0
    if kind == "beta" and len(params) == 2:
        a, b = params
        if a + b <= 0:
            raise ValueError(f"beta parameters must be positive, got {params}")
        return 100.0 * a / (a + b)
    raise ValueError(f"unknown distribution {kind!r} with parameters {params}")


@dataclass(frozen=True)
class IssueLabel:
    """An issue as a reader sees it: its name and what the two ends of its 0-100 scale mean."""

    id: str
    name: str
    low: str
    high: str
    status_quo: float


@dataclass(frozen=True)
class ActorLabel:
    """An actor's name and its ideal point on each issue (the mean, if drawn at random)."""

    id: str
    name: str
    ideals: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ScenarioLabels:
    """Everything a chart needs to speak in the scenario's own words.

    The order of ``actors`` fixes each actor's colour in every chart. ``meetings`` maps a
    meeting id to its name, for labelling the agenda on round axes; ``never_settled`` maps an
    issue id to the reason no run can settle it, when the scenario rules that out (filled by
    the caller from ``sim.analysis.unsettleable_issues``, so labels stay plain data).
    """

    title: str
    issues: list[IssueLabel]
    actors: list[ActorLabel]
    meetings: dict[str, str] = field(default_factory=dict)
    never_settled: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_resolved(cls, d: Mapping[str, Any]) -> ScenarioLabels:
        """Build labels from a resolved scenario, as stored in ``manifest.json``."""
        issues = [
            IssueLabel(
                id=str(i["id"]),
                name=printable(i.get("name") or i["id"]),
                low=printable(i.get("low") or ""),
                high=printable(i.get("high") or ""),
                status_quo=distribution_mean(i["status_quo"]),
            )
            for i in d.get("issues", [])
        ]
        actors = []
        for a in d.get("actors", []):
            ideals = {}
            for issue_id, stance in (a.get("stances") or a.get("positions") or {}).items():
                position = (
                    stance["position"]
                    if isinstance(stance, Mapping) and "position" in stance
                    else stance
                )
                ideals[str(issue_id)] = distribution_mean(position)
            actors.append(
                ActorLabel(id=str(a["id"]), name=printable(a.get("name") or a["id"]), ideals=ideals)
            )
        meetings = {
            str(m["id"]): printable(m.get("name") or m["id"]) for m in d.get("meetings", [])
        }
        return cls(
            title=printable(d.get("title") or d.get("id") or ""),
            issues=issues,
            actors=actors,
            meetings=meetings,
        )

    def issue(self, issue_id: str) -> IssueLabel:
        for issue in self.issues:
            if issue.id == issue_id:
                return issue
        raise KeyError(f"no issue {issue_id!r} in the scenario labels")

    def actor_index(self, actor_id: str) -> int | None:
        for index, actor in enumerate(self.actors):
            if actor.id == actor_id:
                return index
        return None

    def actor_name(self, actor_id: str) -> str:
        index = self.actor_index(actor_id)
        return actor_id if index is None else self.actors[index].name
