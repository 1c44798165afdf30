"""Uncertain parameters: a number, or a distribution sampled once per run.

Every numeric field of a scenario may be written as a plain number or as one of
``{normal: [mean, sd]}``, ``{uniform: [low, high]}``, ``{triangular: [low, mode, high]}`` or
``{beta: [a, b]}``. Samples are truncated to the field's bounds by inverse-CDF sampling of the
run's own uniforms, so a truncated normal never needs rejection loops and a run's draws do not
depend on how many other runs share its batch. A beta is drawn on [0, 1] and mapped onto the
field's bounds, so a beta is only allowed on a bounded field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
from pydantic import PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError
from scipy import special


@dataclass(frozen=True)
class Bounds:
    """The closed range a field's values (and samples) must lie in."""

    low: float
    high: float


@dataclass(frozen=True)
class Dist:
    """A distribution of a parameter; ``kind`` is normal, uniform, triangular or beta."""

    kind: str
    args: tuple[float, ...]

    def central(self, bounds: Bounds) -> float:
        """The value to show when one number must stand for the distribution (its mean)."""
        a = self.args
        if self.kind == "normal":
            return float(np.clip(a[0], bounds.low, bounds.high))
        if self.kind == "uniform":
            return (a[0] + a[1]) / 2
        if self.kind == "triangular":
            return sum(a) / 3
        return bounds.low + (bounds.high - bounds.low) * a[0] / (a[0] + a[1])

    def support(self, bounds: Bounds) -> tuple[float, float]:
        """The smallest and largest values a sample can take."""
        if self.kind == "normal":
            return bounds.low, bounds.high
        if self.kind == "beta":
            return bounds.low, bounds.high
        return max(self.args[0], bounds.low), min(self.args[-1], bounds.high)

    def to_yaml(self) -> dict[str, list[float]]:
        return {self.kind: list(self.args)}


Value = float | Dist

ARITY = {"normal": 2, "uniform": 2, "triangular": 3, "beta": 2}
# Beyond this a beta is a fixed number (sd below 0.0005 of the range), and near 1e308 the
# inverse CDF returns NaN: bounded so that sampling always gives numbers.
MAX_BETA = 1e6
EXAMPLE = (
    "a number or {normal: [mean, sd]}, {uniform: [low, high]}, "
    "{triangular: [low, mode, high]} or {beta: [a, b]}"
)


def _err(message: str) -> PydanticCustomError:
    return PydanticCustomError("negsim_param", message)


def parse_value(raw: Any, bounds: Bounds) -> Value:
    """Check a number or a distribution against the field's bounds, with one clear message."""
    if isinstance(raw, bool):
        raise _err(f"expected {EXAMPLE}")
    if isinstance(raw, int | float):
        try:
            x = float(raw)
        except OverflowError:
            raise _err("number too large") from None
        if not math.isfinite(x):
            raise _err("must be a finite number")
        if not bounds.low <= x <= bounds.high:
            raise _err(f"must be between {bounds.low:g} and {bounds.high:g}")
        return x
    if isinstance(raw, Dist):
        return raw
    if not isinstance(raw, dict) or len(raw) != 1:
        raise _err(f"expected {EXAMPLE}")
    ((kind, args),) = raw.items()
    if kind not in ARITY:
        raise _err(f"unknown distribution {kind!r}; expected {EXAMPLE}")
    n = ARITY[kind]
    if (
        not isinstance(args, list)
        or len(args) != n
        or not all(isinstance(a, int | float) and not isinstance(a, bool) for a in args)
    ):
        raise _err(f"{kind} takes a list of {n} numbers")
    try:
        a = tuple(float(v) for v in args)
    except OverflowError:
        raise _err(f"{kind} parameters must be finite") from None
    if not all(math.isfinite(v) for v in a):
        raise _err(f"{kind} parameters must be finite")
    lo, hi = bounds.low, bounds.high
    if kind == "normal":
        if a[1] <= 0:
            raise _err("normal needs a standard deviation above 0")
        if not lo <= a[0] <= hi:
            raise _err(f"normal mean must be between {lo:g} and {hi:g}")
    elif kind == "uniform":
        if not a[0] < a[1]:
            raise _err("uniform needs low < high")
        if a[0] < lo or a[1] > hi:
            raise _err(f"uniform range must lie between {lo:g} and {hi:g}")
    elif kind == "triangular":
        if not (a[0] <= a[1] <= a[2] and a[0] < a[2]):
            raise _err("triangular needs low <= mode <= high and low < high")
        if a[0] < lo or a[2] > hi:
            raise _err(f"triangular range must lie between {lo:g} and {hi:g}")
    else:
        if a[0] <= 0 or a[1] <= 0:
            raise _err("beta needs a > 0 and b > 0")
        if a[0] > MAX_BETA or a[1] > MAX_BETA:
            raise _err(f"beta needs a and b at most {MAX_BETA:g} (use a number for a fixed value)")
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise _err("beta is only allowed on a field with finite bounds")
    return Dist(kind, a)


def param(low: float, high: float) -> Any:
    """The annotation of a numeric field that may also be a distribution."""
    bounds = Bounds(low, high)
    number: dict[str, Any] = {"type": "number"}
    if math.isfinite(low):
        number["minimum"] = low
    if math.isfinite(high):
        number["maximum"] = high

    def dist(name: str, n: int) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                name: {"type": "array", "items": {"type": "number"}, "minItems": n, "maxItems": n}
            },
            "required": [name],
            "additionalProperties": False,
        }

    schema = {"anyOf": [number, *(dist(k, n) for k, n in ARITY.items())]}
    return Annotated[
        Value,
        PlainValidator(lambda raw: parse_value(raw, bounds)),
        PlainSerializer(lambda v: v.to_yaml() if isinstance(v, Dist) else v),
        WithJsonSchema(schema),
        bounds,
    ]


def central(value: Value, bounds: Bounds) -> float:
    """A number's own value, or a distribution's mean: used for checks and labels."""
    return value.central(bounds) if isinstance(value, Dist) else float(value)


def sample(value: Value, bounds: Bounds, u: np.ndarray) -> np.ndarray:
    """Map the runs' uniforms ``u`` (shape [R]) onto the value's distribution, truncated."""
    if not isinstance(value, Dist):
        return np.full(u.shape, float(value))
    a, lo, hi = value.args, bounds.low, bounds.high
    if value.kind == "normal":
        mean, sd = a
        f_lo = special.ndtr((lo - mean) / sd) if math.isfinite(lo) else 0.0
        f_hi = special.ndtr((hi - mean) / sd) if math.isfinite(hi) else 1.0
        p = f_lo + u * (f_hi - f_lo)
        x = mean + sd * special.ndtri(np.clip(p, 1e-16, 1 - 1e-16))
    elif value.kind == "uniform":
        x = a[0] + u * (a[1] - a[0])
    elif value.kind == "triangular":
        low, mode, high = a
        cut = (mode - low) / (high - low)
        left = low + np.sqrt(u * (high - low) * (mode - low))
        right = high - np.sqrt((1 - u) * (high - low) * (high - mode))
        x = np.where(u < cut, left, right)
    else:
        x = lo + (hi - lo) * special.betaincinv(a[0], a[1], u)
    return np.clip(x, lo, hi)
