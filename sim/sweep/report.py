"""A sweep's charts and report page, from its own tables (points.csv, effects.csv)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.model.outcomes import OUTCOMES
from sim.results import ResultsFolder
from sim.scenario import Scenario

from .design import Vary


def main_outcome(effects: pd.DataFrame, points: pd.DataFrame) -> str:
    """The outcome the varied parameters move most (the heat map and tornado show it)."""
    ok = points[points["status"] == "ok"]
    spread = {o: float(ok[f"share_{o}"].max() - ok[f"share_{o}"].min()) for o in OUTCOMES}
    return max(spread, key=lambda o: (spread[o], -OUTCOMES.index(o)))


def sweep_charts(
    title: str, points: pd.DataFrame, effects: pd.DataFrame, paths: list[str]
) -> dict[str, tuple[str, Any]]:
    """Stem -> (caption, figure) for every chart of a sweep."""
    from sim.plots import style
    from sim.plots.sweep import share_curves, share_heatmap, tornado

    outcome = main_outcome(effects, points)
    name = style.outcome_name(outcome)
    runs = int(points["runs"].max()) if len(points) else 0
    several = " (pooled over the other varied parameters)" if len(paths) > 1 else ""
    charts: dict[str, tuple[str, Any]] = {
        "shares": (
            f"Each outcome's share against each varied parameter{several}, with 95% Wilson bands",
            share_curves(
                points,
                paths,
                title=f"{title}: outcome shares across the sweep ({runs:,} runs per point)",
            ),
        )
    }
    if len(paths) == 2:
        charts["heatmap"] = (
            f"{name}: share of runs over the two varied parameters",
            share_heatmap(
                points,
                paths[0],
                paths[1],
                outcome,
                title=f"{title}: {name.lower()} over two parameters",
            ),
        )
    charts["tornado"] = (
        f"{name}: one-at-a-time effect of each parameter from LOW to HIGH, the others as in "
        "the scenario",
        tornado(effects, outcome, title=f"{title}: what moves {name.lower()} most"),
    )
    return charts


def write_charts_and_report(
    folder: ResultsFolder,
    scenario: Scenario,
    points: pd.DataFrame,
    effects: pd.DataFrame,
    manifest: dict[str, Any],
    varies: list[Vary],
) -> None:
    """charts/*.png and report.html: each chart rendered once, the same bytes in both."""
    import matplotlib

    from sim.plots import figure_png
    from sim.report.html import render_report

    paths = [v.path for v in varies]
    with matplotlib.rc_context({"text.parse_math": False}):
        charts = sweep_charts(scenario.title, points, effects, paths)
        pngs = {}
        for stem, (caption, fig) in charts.items():
            pngs[caption] = figure_png(fig)
            folder.file(f"charts/{stem}.png").write_bytes(pngs[caption])
    ok = points[points["status"] == "ok"]
    failed = points[points["status"] != "ok"]
    shown = ["point", *paths, "runs"] + [f"share_{o}" for o in OUTCOMES] + ["status"]
    summary = pd.DataFrame(
        {
            "outcome": [o.replace("_", " ") for o in OUTCOMES],
            "lowest share at a point": [f"{100 * ok[f'share_{o}'].min():.1f}%" for o in OUTCOMES],
            "highest share at a point": [f"{100 * ok[f'share_{o}'].max():.1f}%" for o in OUTCOMES],
        }
    )
    tables = {"Points (first 200; all in points.csv)": points[shown].head(200)}
    if len(failed):
        tables["Points that failed"] = failed[["point", *paths, "status"]]
    page = render_report(
        title=f"{scenario.title}: sweep of {len(points):,} points",
        notes=scenario.notes.model_dump(),
        summary_rows=summary,
        figures=pngs,
        manifest={k: v for k, v in manifest.items() if k not in ("scenario", "point_overrides")},
        extra_tables=tables,
        chart_links={caption: f"charts/{stem}.png" for stem, (caption, _) in charts.items()},
    )
    folder.write_text("report.html", page)
