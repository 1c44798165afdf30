"""Colour-vision-deficiency simulation for checking charts (Machado, Oliveira and Fernandes
2009, severity 1.0), applied in linear RGB. Test helper only: the project never recolours."""

from __future__ import annotations

import numpy as np

DEUTERANOPIA = np.array(
    [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]
)


def _to_linear(srgb: np.ndarray) -> np.ndarray:
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _to_srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)


def deuteranopia(rgb: np.ndarray) -> np.ndarray:
    """sRGB values in [0, 1] (last axis R, G, B) as a deuteranope sees them."""
    return _to_srgb(_to_linear(np.asarray(rgb, dtype=float)[..., :3]) @ DEUTERANOPIA.T)
