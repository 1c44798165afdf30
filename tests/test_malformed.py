"""Every malformed scenario in tests/malformed/ is refused with one clear, located problem.

Each file is a small variation of one valid scenario (its first line says what is wrong).
The table below says, for each file, the problem a modeller must see: its line, a piece of
its field path and a piece of its message. The same files are run through
``negsim validate`` to check the command answers with exit code 2, one line per problem on
stderr and never a traceback.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from sim.scenario import ScenarioError, load_scenario

from .factory import negsim, negsim_here

HERE = Path(__file__).parent
REPO = HERE.parent
MALFORMED = HERE / "malformed"
LINE_FORMAT = re.compile(r"^[^:]+:\d+:\d+: \S.*: .+")


class Expected(NamedTuple):
    line: int
    field: str  # a piece of the dotted field path ("" when the wording is left to the fix)
    message: str  # a piece of the message ("" when the wording is left to the fix)
    file: str | None = None  # the file the problem is in, when not the file loaded


CASES: dict[str, Expected] = {
    # --- reading the file and YAML syntax
    "syntax_error.yaml": Expected(58, "(syntax)", "mapping values are not allowed"),
    "tab_indent.yaml": Expected(60, "(syntax)", "tabs cannot indent"),
    "duplicate_key.yaml": Expected(63, "meetings[1].rounds", "duplicate key 'rounds'"),
    "empty.yaml": Expected(1, "(document)", "empty"),
    "only_comment.yaml": Expected(1, "(document)", "empty"),
    "binary_garbage.yaml": Expected(1, "(file)", "not UTF-8"),
    "invalid_utf8.yaml": Expected(3, "(file)", "not UTF-8"),
    "top_list.yaml": Expected(2, "(document)", "a scenario is a mapping"),
    "top_scalar.yaml": Expected(2, "(document)", "a scenario is a mapping"),
    # ruamel's context ("expected a single document in the stream") must not be dropped
    "two_documents.yaml": Expected(64, "(syntax)", "single document"),
    # an unclosed quote is reported where it opens, not at the end of the file
    "unclosed_quote.yaml": Expected(3, "(syntax)", "quot"),
    # a NUL byte in text: the line and the character, not 'position 75' at 1:1
    "control_character.yaml": Expected(3, "", "character"),
    # an impossible date must not escape as a ValueError traceback
    "bad_date.yaml": Expected(59, "meetings[1].date", ""),
    # deep nesting must not escape as a RecursionError traceback
    "deep_nesting.yaml": Expected(3, "", ""),
    # an integer too large for a float must not escape as an OverflowError traceback
    "huge_integer.yaml": Expected(22, "actors[0].capability", ""),
    # a top-level key that is not text: the field must not be empty (": : keys must...")
    "non_text_key.yaml": Expected(4, "", "keys must be names"),
    # --- nothing in a scenario is executed; aliases are bounded
    "python_tag.yaml": Expected(3, "title", "tags are refused"),
    "merge_key.yaml": Expected(36, "actors[1].stances.water", "merge keys (<<) are not supported"),
    "recursive_alias.yaml": Expected(4, "notes.again", "recursive alias"),
    "billion_laughs.yaml": Expected(2, "lol", "alias bomb"),
    # --- fields: unknown, missing, malformed ids
    "unknown_top_field.yaml": Expected(4, "sumary", "did you mean 'summary'"),
    "misspelt_salience.yaml": Expected(
        47, "actors[2].stances.water.salince", "did you mean 'salience'"
    ),
    "missing_actors.yaml": Expected(2, "actors", "missing required field"),
    "missing_status_quo.yaml": Expected(7, "issues[0].status_quo", "missing required field"),
    # an empty value is reported on its own line, not on the next key's line
    "null_status_quo.yaml": Expected(11, "issues[0].status_quo", "expected a number"),
    "bad_actor_id.yaml": Expected(29, "actors[1].id", "must be an id"),
    # a bad stance key: field 'actors[0].stances.Monitoring', not '...Monitoring.[key]'
    "stance_key_not_id.yaml": Expected(28, "actors[0].stances.Monitoring", "must be an id"),
    # --- references between sections
    "unknown_participant.yaml": Expected(59, "meetings[1].participants[1]", "no actor has this id"),
    "unknown_meeting_issue.yaml": Expected(61, "meetings[1].issues[1]", "no issue has this id"),
    "unknown_stance_issue.yaml": Expected(
        28, "actors[0].stances.monitorng", "no issue has this id"
    ),
    "chair_not_participant.yaml": Expected(
        56, "meetings[0].chair", "must be one of the participants"
    ),
    "rule_non_participant.yaml": Expected(
        63, "meetings[1].rule[1]", "must be one of the participants"
    ),
    "duplicate_actor_id.yaml": Expected(38, "actors[2].id", "duplicate id in actors"),
    "duplicate_participant.yaml": Expected(59, "meetings[1].participants[3]", "listed twice"),
    # the same issue twice on one table is refused like a participant listed twice
    "duplicate_meeting_issue.yaml": Expected(61, "meetings[1].issues[2]", "listed twice"),
    "issue_not_tabled.yaml": Expected(13, "issues[1].id", "on no negotiation's table"),
    "no_negotiation.yaml": Expected(52, "meetings", "at least one negotiation meeting"),
    "single_participant.yaml": Expected(55, "meetings[0].participants", "at least 2"),
    # --- values
    "quoted_number.yaml": Expected(36, "actors[1].stances.water.salience", "expected a number"),
    "bool_for_number.yaml": Expected(31, "actors[1].capability", "expected a number"),
    "nan.yaml": Expected(46, "actors[2].stances.water.position", "finite"),
    "inf.yaml": Expected(22, "actors[0].capability", "finite"),
    "position_out_of_range.yaml": Expected(
        36, "actors[1].stances.water.position", "between 0 and 100"
    ),
    "salience_negative.yaml": Expected(27, "actors[0].stances.water.salience", "between 0 and 1"),
    "patience_too_low.yaml": Expected(24, "actors[0].patience", "between 0.5 and 1"),
    "rounds_zero.yaml": Expected(62, "meetings[1].rounds", "greater than or equal to 1"),
    "all_saliences_zero.yaml": Expected(27, "actors[0].stances", "salience above 0"),
    "stance_without_source.yaml": Expected(36, "actors[1].stances.water", "needs a source"),
    "red_line_wrong_side.yaml": Expected(
        49, "actors[2].stances.water.red_line.at_least", "must not exceed"
    ),
    "red_line_both_bounds.yaml": Expected(
        49, "actors[2].stances.water.red_line", "exactly one of at_least: or at_most:"
    ),
    # --- distributions
    "dist_normal_negative_sd.yaml": Expected(
        46, "actors[2].stances.water.position", "standard deviation above 0"
    ),
    "dist_uniform_reversed.yaml": Expected(
        47, "actors[2].stances.water.salience", "uniform needs low < high"
    ),
    "dist_triangular_mode_outside.yaml": Expected(42, "actors[2].patience", "low <= mode <= high"),
    "dist_beta_zero.yaml": Expected(37, "actors[1].stances.monitoring.salience", "a > 0"),
    "dist_unknown.yaml": Expected(
        36, "actors[1].stances.water.position", "unknown distribution 'gauss'"
    ),
    "dist_wrong_arity.yaml": Expected(23, "actors[0].flexibility", "takes a list of 2 numbers"),
    # --- extends
    "extends_loop_a.yaml": Expected(2, "extends", "extends loop", file="extends_loop_b.yaml"),
    "extends_loop_b.yaml": Expected(2, "extends", "extends loop", file="extends_loop_a.yaml"),
    "extends_missing.yaml": Expected(2, "extends", "does not exist"),
    # --- hostile files (issue 10): nothing read that is not a scenario, nothing echoed
    "extends_nul.yaml": Expected(2, "extends", "control characters"),
    "extends_system_file.yaml": Expected(2, "extends", "ending in .yaml or .yml"),
    "extends_text_file.yaml": Expected(2, "(document)", "this file holds text", "top_scalar.yaml"),
    # --- texts shown to readers, compared as readers see them
    "blank_title.yaml": Expected(3, "title", "must not be blank"),
    "invisible_name.yaml": Expected(30, "actors[1].name", "must not be blank"),
    "zero_width_duplicate_name.yaml": Expected(21, "actors[0].name", "share this name"),
    "fullwidth_duplicate_name.yaml": Expected(21, "actors[0].name", "share this name"),
    # --- sampling can never give NaN; budgets before work
    "dist_beta_huge.yaml": Expected(32, "actors[1].flexibility", "at most 1e+06"),
    "too_many_actors.yaml": Expected(108, "actors[100]", "NEGSIM_MAX_ACTORS"),
    "too_many_rounds.yaml": Expected(52, "meetings", "NEGSIM_MAX_ROUNDS"),
}


def _load_problems(path: Path) -> list:
    """The problems load_scenario reports; fails the test on success or any other exception."""
    try:
        load_scenario(path)
    except ScenarioError as exc:
        return exc.problems
    except BaseException as exc:  # a crash is exactly what this suite is here to catch
        pytest.fail(f"{path.name}: load_scenario raised {type(exc).__name__}: {exc}")
    pytest.fail(f"{path.name}: load_scenario accepted a malformed scenario")


def _matches(problem, name: str, expected: Expected) -> bool:
    return (
        Path(problem.location.file).name == (expected.file or name)
        and problem.location.line == expected.line
        and expected.field in problem.field
        and expected.message in problem.message
    )


def test_table_covers_the_whole_corpus():
    on_disk = {p.name for p in MALFORMED.iterdir() if p.is_file()}
    assert on_disk == set(CASES)
    assert len(CASES) >= 30


@pytest.mark.parametrize("name", sorted(CASES))
def test_load_reports_the_expected_problem(name):
    expected = CASES[name]
    problems = _load_problems(MALFORMED / name)
    assert problems, "ScenarioError raised with no problems"
    shown = "\n".join(str(p) for p in problems)
    assert any(_matches(p, name, expected) for p in problems), (
        f"expected a problem at line {expected.line}, field ~{expected.field!r}, "
        f"message ~{expected.message!r}; got:\n{shown}"
    )
    for p in problems:
        assert "\n" not in str(p), f"a problem spans several lines: {p!s}"
        assert LINE_FORMAT.match(str(p)), f"not FILE:LINE:COL: field: message: {p!s}"
        assert p.field.strip(), f"empty field path: {p!s}"
        assert "[key]" not in p.field, f"pydantic's internal '[key]' leaked: {p!s}"
        assert p.location.line >= 1 and p.location.column >= 1


@pytest.mark.parametrize("name", sorted(CASES))
def test_cli_validate_reports_the_problems(name, capsys, monkeypatch):
    # In-process (the same entry point as the command, without an interpreter per case).
    expected = CASES[name]
    path = MALFORMED / name
    monkeypatch.chdir(REPO)
    code, stdout, stderr = negsim_here("validate", path.relative_to(REPO), capsys=capsys)
    output = stdout + stderr
    assert "Traceback" not in output, output
    assert code == 2, f"exit code {code}\n{output}"
    assert stdout == "", f"stdout should be empty:\n{stdout}"
    lines = stderr.splitlines()
    assert lines, "no problem printed on stderr"
    for line in lines:
        assert LINE_FORMAT.match(line), f"not FILE:LINE:COL: field: message: {line!r}"
    try:
        load_scenario(path)
    except ScenarioError as exc:
        assert len(lines) == len(exc.problems), stderr
    except BaseException:
        pass  # the in-process test reports the crash
    where = f"{expected.file or name}:{expected.line}:"
    assert any(
        where in line and expected.field in line and expected.message in line for line in lines
    ), f"no line with {where} ~{expected.field!r} ~{expected.message!r}:\n{stderr}"


def test_billion_laughs_is_refused_quickly():
    start = time.perf_counter()
    with pytest.raises(ScenarioError):
        load_scenario(MALFORMED / "billion_laughs.yaml")
    assert time.perf_counter() - start < 2.0


def test_python_tag_is_never_executed(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(os, "system", lambda *args: calls.append(args) or 0)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError):
        load_scenario(MALFORMED / "python_tag.yaml")
    assert calls == []
    assert not (tmp_path / "negsim-pwned").exists()


def test_a_bad_stance_key_names_the_key_itself():
    problems = _load_problems(MALFORMED / "stance_key_not_id.yaml")
    fields = [p.field for p in problems]
    assert "actors[0].stances.Monitoring" in fields, fields
    problem = problems[fields.index("actors[0].stances.Monitoring")]
    assert problem.got is None or "Monitoring" in problem.got


def test_the_whole_corpus_in_one_command():
    """The command itself (one interpreter): one line per problem, exit 2, no traceback."""
    names = sorted(CASES)
    result = negsim("validate", *(MALFORMED.relative_to(REPO) / n for n in names))
    assert result.returncode == 2 and result.stdout == ""
    assert "Traceback" not in result.stderr
    for name in names:
        assert any(
            f"{CASES[name].file or name}:{CASES[name].line}:" in line
            for line in result.stderr.splitlines()
        ), name


def test_a_file_that_is_not_a_scenario_is_never_echoed():
    for name in ("extends_text_file.yaml", "extends_system_file.yaml", "top_scalar.yaml"):
        shown = "\n".join(str(p) for p in _load_problems(MALFORMED / name))
        assert "just a sentence" not in shown and "root:" not in shown, shown


def test_an_extends_loop_names_every_file_in_it():
    problems = _load_problems(MALFORMED / "extends_loop_a.yaml")
    (loop,) = [p for p in problems if "extends loop" in p.message]
    assert "extends_loop_a.yaml -> " in loop.message
    assert "extends_loop_b.yaml -> " in loop.message
