"""The mechanisms a scenario can choose (``settings.mechanism``), one module each.

The registry is the one place a mechanism's name is bound to its class; the schema's list of
names is checked against it by the tests.
"""

from __future__ import annotations

from .bargaining import Bargaining
from .base import Formatter, Mechanism
from .expected_utility import ExpectedUtility

MECHANISMS: dict[str, type[Mechanism]] = {m.name: m for m in (Bargaining, ExpectedUtility)}

__all__ = ["MECHANISMS", "Bargaining", "ExpectedUtility", "Formatter", "Mechanism"]
