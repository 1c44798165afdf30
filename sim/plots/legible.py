"""How large chart text appears in the report, so "legible from the back of a room" is a number.

The report shows each chart at most as wide as its text column (``REPORT_WIDTH_PX`` CSS pixels,
the ``max-width`` of the report's body); a wider PNG is scaled down to it. Text drawn at
``points`` in a figure ``width`` inches wide therefore appears at
``points / 72 * DPI * min(1, REPORT_WIDTH_PX / (width * DPI))`` CSS pixels, and every chart
keeps that at ``MIN_TEXT_PX`` or more. No matplotlib here: the HTML report reads these too.
"""

from __future__ import annotations

DPI = 150  # every chart's PNG resolution: sharp on a projector, small enough to inline
REPORT_WIDTH_PX = 1120  # the report's text column (CSS px) at desktop width: 70rem
MIN_TEXT_PX = 14  # the smallest text the report shows, in its HTML and in its charts


def shown_px(points: float, width_inches: float) -> float:
    """CSS pixels a font of ``points`` occupies once its chart is fitted to the report."""
    scale = min(1.0, REPORT_WIDTH_PX / (width_inches * DPI))
    return points / 72.0 * DPI * scale
