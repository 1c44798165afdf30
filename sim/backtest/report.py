"""The backtest's charts and its self-contained report page (the project's chart style and
HTML helpers, as for ``negsim run``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.results import ResultsFolder

SOURCE = "Data: DEU III (Arregui and Perarnaud 2021, doi:10.34810/data53)"
CAPTIONS = {
    "forecast_vs_outcome": "Each issue's forecast against the outcome the law took, per "
    "predictor (negsim: mean of runs, grey bars its 10-90% interval)",
    "error_vs_movement": "Mean absolute error by how far the outcome moved from the reference "
    "point (issues with a coded reference point)",
}


def _shown_scores(scores: pd.DataFrame, subset: str) -> pd.DataFrame:
    from sim.plots.backtest import predictor_name

    part = scores[scores["subset"] == subset]
    return pd.DataFrame(
        {
            "predictor": [predictor_name(p) for p in part["predictor"]],
            "issues": part["n"],
            "MAE": part["mae"].round(2),
            "RMSE": part["rmse"].round(2),
            "median error": part["medae"].round(2),
            "CRPS": part["crps"].round(2),
            "in 50% interval": part["cover50"].round(2),
            "in 80% interval": part["cover80"].round(2),
            "MAE minus best reference [95% interval]": [
                "" if pd.isna(d) else f"{d:+.2f} [{lo:+.2f}, {hi:+.2f}]"
                for d, lo, hi in zip(
                    part["diff_vs_best_reference"], part["diff_low"], part["diff_high"], strict=True
                )
            ],
        }
    )


def write_charts_and_report(
    folder: ResultsFolder,
    forecasts: pd.DataFrame,
    scores: pd.DataFrame,
    skipped: pd.DataFrame,
    manifest: dict[str, Any],
    best: str | None,
) -> None:
    from sim.importers import DEU_CITATION
    from sim.plots import figure_png
    from sim.plots.backtest import error_vs_movement, forecast_vs_outcome, predictor_name
    from sim.report.html import render_report

    figures = {
        "forecast_vs_outcome": forecast_vs_outcome(forecasts, source=SOURCE),
        "error_vs_movement": error_vs_movement(forecasts, source=SOURCE),
    }
    pngs = {}
    for stem, fig in figures.items():
        pngs[CAPTIONS[stem]] = figure_png(fig)
        folder.file(f"charts/{stem}.png").write_bytes(pngs[CAPTIONS[stem]])
    best_text = predictor_name(best) if best else "none"
    notes = {
        "what_it_is": (
            f"negsim's forecasts of {len(forecasts)} contested issues of "
            f"{forecasts['proposal'].nunique()} EU legislative proposals, scored against the "
            f"outcome each law took, beside the reference predictors. Best reference predictor "
            f"here: {best_text}. A negative difference means negsim (or the predictor) missed "
            "by less than it."
        ),
        "how_it_works": (
            f"One scenario per {manifest['per']} (docs/backtest.md): the Commission proposes, "
            "the Council votes by its treaty rule, the Parliament co-decides under codecision; "
            f"{manifest['runs']} runs each with master seed {manifest['seed']}. negsim's "
            "forecast is the mean of the runs' final values; CRPS scores its whole spread of "
            "runs. Intervals of differences: paired bootstrap over proposals."
        ),
        "references": [DEU_CITATION],
    }
    extra = {
        "Scores on QMV issues": _shown_scores(scores, "QMV"),
        "Scores on unanimity issues": _shown_scores(scores, "Unan"),
        f"Rows skipped or partly skipped ({len(skipped)})": skipped,
    }
    page = render_report(
        title=f"Backtest: negsim against real EU negotiations ({manifest['data_file']})",
        notes=notes,
        summary_rows=_shown_scores(scores, "all"),
        figures=pngs,
        manifest=manifest,
        extra_tables=extra,
    )
    folder.write_text("report.html", page)
