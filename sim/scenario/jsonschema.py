"""The scenario JSON Schema, as ``negsim schema`` prints it and docs/ keeps it."""

from __future__ import annotations

import json

from .schema import Scenario


def schema_text() -> str:
    """The JSON Schema of a scenario file, pretty-printed, ending in a newline."""
    schema = Scenario.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=False) + "\n"
