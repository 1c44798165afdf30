"""Generated scenario data: validated like a file, and written as an ordinary scenario YAML."""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML

from sim.scenario import Scenario, scenario_from_dict


def to_scenario(data: dict[str, Any]) -> Scenario:
    """Validate generated data with the same schema and cross-checks as a scenario file."""
    return scenario_from_dict(data, name="(generated scenario)")


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
