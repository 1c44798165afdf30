"""``negsim describe`` in an 80-column terminal: nothing wider, no word cut in two, scenario
text shown as written (never read as markup), and shorter than the old tables (374 lines)."""

from __future__ import annotations

import io
import re

from rich.console import Console

from sim.report.describe import describe
from tests.factory import REPO, actor, build, negsim, scenario_dict, stance

BASELINE = REPO / "scenarios" / "nato_russia_2022.yaml"
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


def test_describe_fits_80_columns_and_never_splits_a_word():
    proc = negsim("describe", BASELINE)  # COLUMNS=80
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in proc.stdout  # nothing cut short either
    # Every word printed is a word of the scenario or of the layout: a word folded across
    # two lines would leave fragments ("intimidati", "on") that are neither.
    known = _words(BASELINE.read_text()) | _words((REPO / "sim/report/describe.py").read_text())
    assert _words(proc.stdout) - known == set()
    # Readable at a glance: the old tables took 374 lines at this width.
    assert len(lines) < 300
    for name in ("NATO", "Russia", "United States", "NATO-Russia Council", "Risk reduction"):
        assert name in proc.stdout


def test_the_word_check_catches_a_folded_word():
    """The same check on the old layout's output finds the fragments it was built for."""
    old = "│ accused Russia of intimidati │\n│ on as they have │"
    known = _words("accused Russia of intimidation as they have")
    assert _words(old) - known == {"intimidati", "on"}


def test_scenario_text_in_square_brackets_is_shown_as_written(tmp_path):
    a = actor("east", {"x": stance(10, assumption="see [1] and [bold]this[/bold]")})
    b = actor("west", {"x": stance(90)}, name="West [the bloc]")
    shown = io.StringIO()
    console = Console(file=shown, width=80, highlight=False, soft_wrap=True)
    for block in describe(build(tmp_path, scenario_dict([a, b], {"x": 50}))):
        console.print(block, soft_wrap=False)  # as the command prints it
    assert "see [1] and [bold]this[/bold]" in shown.getvalue()
    assert "West [the bloc]" in shown.getvalue()


def test_the_agenda_says_what_each_meetings_rule_needs(tmp_path):
    ids = ["east", "west", "north"]
    actors = [actor(a, {"x": stance(10 * k)}) for k, a in enumerate(ids)]
    meetings = [
        {"id": "m1", "name": "Council", "participants": ids, "issues": ["x"], "rule": ["east"]},
        {
            "id": "m2",
            "name": "Assembly",
            "participants": ids,
            "issues": ["x"],
            "rule": {"kind": "majority", "veto": ["west"]},
        },
    ]
    shown = io.StringIO()
    console = Console(file=shown, width=80, highlight=False)
    for block in describe(build(tmp_path, scenario_dict(actors, {"x": 50}, meetings))):
        console.print(block, soft_wrap=False)
    text = " ".join(shown.getvalue().split())
    assert "agreement needs: East" in text
    assert "agreement needs: a majority of the participants, and West (veto)" in text
