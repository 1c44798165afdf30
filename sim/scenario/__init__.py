"""Scenario files: the schema, safe YAML loading with line numbers, variants and sampling."""

from .errors import Location, Problem, ScenarioError
from .load import load_scenario, scenario_from_dict
from .overrides import with_overrides
from .schema import Scenario

__all__ = [
    "Location",
    "Problem",
    "Scenario",
    "ScenarioError",
    "load_scenario",
    "scenario_from_dict",
    "with_overrides",
]
