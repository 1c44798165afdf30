"""The jobs the command line runs, callable from notebooks too: run one scenario, compare several.

A job strings the layers together (scenario, experiment, results folder, analysis, charts,
report); each layer still does one thing and none of them runs another's work.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.analysis import (
    outcome_differences,
    pairing_notes,
    positions_summary,
    rounds_summary,
    shares_table,
    summarize,
)
from sim.experiment import run_experiment
from sim.experiment.runner import ChunkResult, check_memory, default_workers
from sim.results import Results, ResultsError, ResultsFolder, default_target, load_results
from sim.results.provenance import versions
from sim.results.store import (
    MANIFEST_JSON,
    OUTCOMES_CSV,
    POSITIONS_CSV,
    ROUNDS_CSV,
    SUMMARY_JSON,
    TRAJECTORIES,
)
from sim.results.trajectories import TrajectoryWriter
from sim.scenario import Scenario, load_scenario, with_overrides
from sim.scenario.overrides import manifest_entry
from sim.scenario.rng import DRAWS

CHART_FILES = {
    "outcomes": "Outcome distribution: share of runs ending each way, with 95% intervals",
    "issue_values": "Agreed value of each issue in the runs that settled it (the others stay at "
    "the status quo), with the status quo and each actor's ideal point",
    "trajectories": "Each actor's announced position by round: median with 50% and 90% bands",
    "tension": "Tension by round and the cumulative share of runs ended each way",
}


def resolved(scenario: Scenario) -> dict[str, Any]:
    """The scenario after ``extends:`` and defaults, as plain data (what the manifest keeps)."""
    return scenario.model_dump(mode="json", by_alias=True, exclude_none=True)


def _labels(resolved_scenario: dict[str, Any]):
    """Chart labels, bounded for large scenarios (sim/plots/scope.py), and what they omit;
    the issues the scenario itself makes impossible to settle are named for the charts."""
    from dataclasses import replace

    from sim.analysis import unsettleable_issues
    from sim.plots import ScenarioLabels
    from sim.plots.scope import chart_scope

    labels = ScenarioLabels.from_resolved(resolved_scenario)
    labels = replace(labels, never_settled=unsettleable_issues(resolved_scenario))
    return chart_scope(labels, resolved_scenario)


def _not_charted(
    summary: dict, outcomes: pd.DataFrame, issues: list[str], actors: list[str]
) -> dict[str, pd.DataFrame]:
    """Tables of the issues and actors the charts leave out, with their numbers."""
    from sim.plots.scope import MAX_ACTOR_LINES, MAX_ISSUE_PANELS

    nan = float("nan")
    tables = {}
    if issues:
        quantiles = summary.get("issue_quantiles", {})
        tables[
            f"Issues not charted (the charts show the {MAX_ISSUE_PANELS} the actors care most "
            "about)"
        ] = pd.DataFrame(
            {
                "issue": issue,
                "settled in": f"{100 * q.get('settled_share', 0):.1f}% of runs",
                "median value": f"{q.get('q50', nan):.1f}",
                "5%-95% of values": f"{q.get('q05', nan):.1f} to {q.get('q95', nan):.1f}",
            }
            for issue in issues
            for q in [quantiles.get(issue, {})]
        )
    if actors:
        tables[
            f"Actors not charted (the charts show the {MAX_ACTOR_LINES} with the most capability)"
        ] = pd.DataFrame(
            {
                "actor": actor,
                "mean utility": f"{outcomes[f'utility_{actor}'].mean():.3f}"
                if f"utility_{actor}" in outcomes
                else "",
            }
            for actor in actors
        )
    return tables


def draw_run_charts(
    summary: dict, outcomes: pd.DataFrame, rounds: pd.DataFrame, positions: pd.DataFrame, labels
) -> dict[str, Any]:
    """The four charts of one experiment, by file stem."""
    from sim import plots

    charted = positions[
        positions["issue"].isin([i.id for i in labels.issues])
        & positions["actor"].isin([a.id for a in labels.actors])
    ]
    return {
        "outcomes": plots.outcome_distribution({labels.title: summary}),
        "issue_values": plots.issue_values({labels.title: outcomes}, labels),
        "trajectories": plots.trajectories(charted, labels, rounds),
        "tension": plots.tension_and_endings({labels.title: rounds}, labels=labels),
    }


@contextmanager
def _text_as_text() -> Iterator[None]:
    """Chart text from scenarios is shown as written: a ``$`` is not mathtext."""
    import matplotlib

    with matplotlib.rc_context({"text.parse_math": False}):
        yield


def _render(figures: dict[str, Any], folder: ResultsFolder) -> dict[str, bytes]:
    """Render each chart to PNG once: the same bytes go to charts/ and into the report."""
    from sim.plots import figure_png

    pngs = {}
    for stem, fig in figures.items():
        pngs[stem] = figure_png(fig)
        folder.file(f"charts/{stem}.png").write_bytes(pngs[stem])
    return pngs


@dataclass
class RunOutput:
    path: Path
    summary: dict[str, Any]
    shares: pd.DataFrame


def run_job(
    scenario_path: Path,
    *,
    runs: int,
    seed: int,
    workers: int | None = None,
    out: Path | None = None,
    force: bool = False,
    trajectories: bool = False,
    results_root: Path = Path("results"),
    progress: Callable[[int], None] | None = None,
    charts: bool = True,
    scenario: Scenario | None = None,
    sources: list[tuple[str, str]] | None = None,
    overrides: Mapping[str, Any] | None = None,
    inputs_format: str = "csv",
) -> RunOutput:
    """Run one experiment and write its whole results folder (docs/results.md).

    ``overrides`` (path -> value, as ``--set``) are applied to the file and recorded in the
    manifest. ``scenario`` is the file already loaded (overrides applied), when the caller has
    it, with the ``sources`` ``load_scenario`` filled (each file read and the sha256 of its
    bytes as parsed): the manifest records what was run, not what the files hold by the end.
    """
    overrides = dict(overrides or {})
    if scenario is None or sources is None:
        sources = []
        scenario = with_overrides(load_scenario(scenario_path, sources), overrides)
    started = dt.datetime.now(dt.UTC)
    target = out if out is not None else default_target(results_root, scenario.id, started)
    workers = default_workers(runs) if workers is None else workers
    check_memory(scenario, runs, workers, trajectories)  # before anything is written
    with ResultsFolder(target, force, unique=out is None) as folder:
        writer = TrajectoryWriter(folder.file(TRAJECTORIES)) if trajectories else None

        def on_chunk(chunk: ChunkResult) -> None:
            if writer is not None and chunk.trajectories is not None:
                writer.write(chunk.trajectories)
            if progress is not None:
                progress(len(chunk.outcomes))

        try:
            exp = run_experiment(
                scenario, runs, seed, workers, on_chunk=on_chunk, trajectories=trajectories
            )
        finally:
            if writer is not None:
                writer.close()
        summary = summarize(exp.outcomes, scenario.id, seed)
        rounds = rounds_summary(exp)
        positions = positions_summary(exp)
        folder.write_csv(OUTCOMES_CSV, exp.outcomes)
        inputs_file = folder.write_inputs(exp.inputs, inputs_format)
        folder.write_json(SUMMARY_JSON, summary)
        folder.write_csv(ROUNDS_CSV, rounds)
        folder.write_csv(POSITIONS_CSV, positions)
        spec = resolved(scenario)
        manifest = {
            "scenario_file": str(scenario_path),
            "scenario_sha256": sources[0][1],
            "scenario_files": [{"file": f, "sha256": h} for f, h in sources],
            "scenario": spec,
            "overrides": manifest_entry(overrides),
            "seed": seed,
            "runs": runs,
            "draws": DRAWS,
            "inputs_file": inputs_file,
            "workers": workers,
            "command_line": sys.argv,
            "versions": versions(),
            "started": started.isoformat(timespec="seconds"),
        }
        if charts:
            from sim.report.html import render_report

            labels, left_issues, left_actors = _labels(spec)
            with _text_as_text():
                figures = _render(
                    draw_run_charts(summary, exp.outcomes, rounds, positions, labels), folder
                )
        manifest["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        folder.write_json(MANIFEST_JSON, manifest)
        if charts:
            from sim.analysis import impossible_outcomes
            from sim.report.tables import outcome_summary_table

            rest = _not_charted(summary, exp.outcomes, left_issues, left_actors)
            page = render_report(
                title=scenario.title,
                notes=scenario.notes.model_dump(),
                summary_rows=outcome_summary_table({scenario.title: summary}),
                figures={CHART_FILES[s]: f for s, f in figures.items()},
                manifest={k: v for k, v in manifest.items() if k != "scenario"},
                extra_tables=rest,
                impossible={scenario.title: impossible_outcomes(spec)},
                chart_links={CHART_FILES[s]: f"charts/{s}.png" for s in figures},
            )
            folder.write_text("report.html", page)
        path = folder.commit()
    return RunOutput(path=path, summary=summary, shares=shares_table(summary))


@dataclass
class CompareOutput:
    path: Path
    differences: pd.DataFrame
    summaries: dict[str, dict[str, Any]]
    pairing: dict[str, str]  # per scenario after the first: how its runs pair with the baseline's


def _structure(res: Results) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The actors and issues a results folder's runs drew for: runs of the same seed are paired
    (common random numbers) only between scenarios that draw for the same ones."""
    spec = res.manifest.get("scenario") or {}
    return (
        tuple(str(a.get("id")) for a in spec.get("actors", [])),
        tuple(str(i.get("id")) for i in spec.get("issues", [])),
    )


def _input_record(item: Path, res: Results) -> dict[str, Any]:
    """What one compared input holds, read from its own files (not the command's defaults)."""
    return {
        "input": str(item),
        "kind": "results folder" if item.is_dir() else "scenario file, run for this comparison",
        "scenario": res.summary.get("scenario"),
        "runs": res.summary.get("runs"),
        "seed": res.summary.get("seed"),
        "scenario_sha256": res.manifest.get("scenario_sha256"),
        "negsim": (res.manifest.get("versions") or {}).get("negsim"),
    }


def _as_results(
    item: Path, runs: int, seed: int, workers: int | None, tmp: Path, overrides: dict[str, Any]
) -> Results:
    """A results folder as given, or a scenario file run now (with the overrides) into ``tmp``."""
    if item.is_dir():
        if overrides:
            raise ResultsError(
                f"{item}: --set applies to scenario files; a results folder is read as it was run"
            )
        return load_results(item)
    out = run_job(
        item, runs=runs, seed=seed, workers=workers, out=tmp, charts=False, overrides=overrides
    )
    return load_results(out.path)


def compare_job(
    items: list[Path],
    *,
    runs: int,
    seed: int,
    workers: int | None = None,
    out: Path | None = None,
    force: bool = False,
    results_root: Path = Path("results"),
    overrides: Mapping[str, Any] | None = None,
) -> CompareOutput:
    """Put two or more scenarios (files run with common random numbers, or results folders)
    side by side: the same charts on shared axes and the differences from the first.

    ``overrides`` (as ``--set``) are applied to every scenario file compared."""
    overrides = dict(overrides or {})
    from sim import plots
    from sim.analysis import impossible_outcomes
    from sim.report.html import render_report
    from sim.report.tables import outcome_summary_table

    started = dt.datetime.now(dt.UTC)
    target = out if out is not None else default_target(results_root, "compare", started)
    with ResultsFolder(target, force, unique=out is None) as folder:
        loaded: dict[str, Results] = {}
        for i, item in enumerate(items):
            res = _as_results(Path(item), runs, seed, workers, folder.path / f"runs/{i}", overrides)
            name = res.summary.get("scenario", Path(item).stem)
            if name in loaded:
                name = f"{name} ({i + 1})"
            loaded[name] = res
        names = list(loaded)
        baseline = names[0]
        tables = {n: r.outcomes for n, r in loaded.items()}
        seeds = {n: r.summary["seed"] for n, r in loaded.items()}
        diff = outcome_differences(
            baseline, tables, seeds, {n: _structure(r) for n, r in loaded.items()}
        )
        notes = pairing_notes(baseline, diff, {n: r.scenario() for n, r in loaded.items()})
        summaries = {n: r.summary for n, r in loaded.items()}
        folder.write_csv("differences.csv", diff)
        folder.write_json("summaries.json", summaries)
        base_labels = _labels(loaded[baseline].manifest["scenario"])[0]
        with _text_as_text():
            figures = {
                "outcomes": plots.outcome_distribution(summaries),
                "differences": plots.outcome_differences(diff, baseline),
                "issue_values": plots.issue_values(tables, base_labels),
                "tension": plots.tension_and_endings(
                    {n: r.rounds for n, r in loaded.items()}, labels=base_labels
                ),
            }
            figures = _render(figures, folder)
        captions = {
            "outcomes": "Outcome distributions side by side, with 95% intervals",
            "differences": f"Difference in each outcome's share from {baseline}, with 95% "
            "intervals",
            "issue_values": "Agreed value of each issue in the runs that settled it, scenarios "
            "overlaid",
            "tension": "Tension and cumulative endings by round, scenarios overlaid",
        }
        manifest = {
            "inputs": [
                _input_record(Path(i), r) for i, r in zip(items, loaded.values(), strict=True)
            ],
            "overrides": manifest_entry(overrides),
            "draws": DRAWS,
            "pairing": notes,
            "command_line": sys.argv,
            "versions": versions(),
            "started": started.isoformat(timespec="seconds"),
            "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        folder.write_json(MANIFEST_JSON, manifest)
        shown = pd.DataFrame(
            {
                "scenario": diff["scenario"],
                "outcome": diff["outcome"].str.replace("_", " ").str.capitalize(),
                f"share in {baseline}": [f"{100 * v:.1f}%" for v in diff["baseline_share"]],
                "share here": [f"{100 * v:.1f}%" for v in diff["share"]],
                "difference": [f"{100 * v:+.1f} pp" for v in diff["difference"]],
                "95% interval": [
                    f"{100 * lo:+.1f} to {100 * hi:+.1f} pp"
                    for lo, hi in zip(diff["ci_low"], diff["ci_high"], strict=True)
                ],
                "verdict": diff["verdict"],
            }
        )
        scenarios = pd.DataFrame(
            [
                {
                    "scenario": n,
                    "title": r.manifest.get("scenario", {}).get("title", ""),
                    "what it is": r.manifest.get("scenario", {})
                    .get("notes", {})
                    .get("what_it_is", ""),
                    "runs": r.summary["runs"],
                    "seed": r.summary["seed"],
                }
                for n, r in loaded.items()
            ]
        )
        pairing = pd.DataFrame(
            {"scenario": list(notes), "how its runs pair with the baseline's": list(notes.values())}
        )
        captions["issue_values"] += (
            f"; actors' ideal points and the status quo marked are {baseline}'s"
        )
        page = render_report(
            title="Comparison: " + " vs ".join(names),
            notes=None,
            summary_rows=outcome_summary_table(summaries),
            figures={captions[s]: f for s, f in figures.items()},
            manifest=manifest,
            impossible={
                n: impossible_outcomes(r.manifest["scenario"])
                for n, r in loaded.items()
                if "scenario" in r.manifest
            },
            chart_links={captions[s]: f"charts/{s}.png" for s in figures},
            extra_tables={
                "Scenarios compared": scenarios,
                f"Differences from {baseline}": shown,
                "How the runs are paired (common random numbers)": pairing,
            },
        )
        folder.write_text("report.html", page)
        path = folder.commit()
    return CompareOutput(path=path, differences=diff, summaries=summaries, pairing=notes)
