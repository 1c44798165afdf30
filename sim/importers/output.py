"""Generated scenario data: validated like a file, and written as an ordinary scenario YAML."""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML

from sim.scenario import Scenario


def to_scenario(data: dict[str, Any]) -> Scenario:
    """Validate generated data with the same schema and cross-checks as a scenario file."""
    try:
        from sim.scenario import scenario_from_dict
    except ImportError:  # pragma: no cover - until sim.scenario_from_dict lands on main
        return _validate_fallback(data)
    return scenario_from_dict(data)


def _validate_fallback(data: dict[str, Any]) -> Scenario:
    from pydantic import ValidationError

    from sim.scenario.checks import cross_check
    from sim.scenario.errors import Location, Problem, ScenarioError

    here = Location("(generated)")
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(
            [Problem(here, ".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()]
        ) from None
    findings = cross_check(scenario)
    if findings:
        raise ScenarioError([Problem(here, ".".join(map(str, p)), m, g) for p, m, g in findings])
    return scenario


def scenario_yaml(data: dict[str, Any], comment: str) -> str:
    """The scenario as YAML a modeller can read and edit, with a header comment."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    yaml.width = 92
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(data, buf)
    head = "".join(f"# {line}\n" if line else "#\n" for line in comment.splitlines())
    return head + "\n" + buf.getvalue()
