"""The building blocks every part of the scenario schema shares: ids, scales, strictness, sources.

Kept apart so the crisis fields (``crisis.py``) and the main schema (``schema.py``) can both use
them without importing each other.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .params import param

Id = Annotated[
    str,
    Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        max_length=40,
        description="An identifier: lower case letters, digits and _, starting with a letter.",
    ),
]
Position = param(0, 100)
Unit = param(0, 1)


class Strict(BaseModel):
    """Unknown keys are errors (a misspelt field must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Sourced(Strict):
    """Where a number comes from: the article's words, or an assumption and its reason."""

    source: str | None = Field(None, description="The words of the source this value rests on.")
    assumption: str | None = Field(
        None, description="Why this value was assumed where the source is silent."
    )

    @model_validator(mode="after")
    def _has_basis(self) -> Sourced:
        if not (self.source or self.assumption):
            raise ValueError("needs a source: (the source's words) or an assumption: (why)")
        return self
