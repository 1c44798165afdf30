"""Loading scenarios: the valid fixture, ``extends:`` variants, distributions, error locations."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from sim.scenario import Scenario, ScenarioError, load_scenario
from sim.scenario.params import Dist

from .factory import negsim

HERE = Path(__file__).parent
REPO = HERE.parent
VALID = HERE / "data" / "valid_minimal.yaml"
LINE_FORMAT = re.compile(r"^[^:]+:\d+:\d+: \S.*: .+")


def valid_text() -> str:
    return VALID.read_text(encoding="utf-8")


def edited(old: str, new: str, text: str | None = None) -> str:
    """The valid fixture with one exact, unique snippet replaced."""
    text = valid_text() if text is None else text
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, snippet: str) -> int:
    """1-based line of the unique line containing ``snippet`` (found without the loader)."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if snippet in line]
    assert len(hits) == 1, f"{snippet!r} on lines {hits}"
    return hits[0]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.problems


def same_file(reported: str, expected: Path) -> bool:
    return Path(reported).resolve() == expected.resolve()


def find(problems: list, field: str) -> object:
    hits = [p for p in problems if p.field == field]
    assert hits, f"no problem on {field!r}:\n" + "\n".join(map(str, problems))
    return hits[0]


def actor(sc: Scenario, actor_id: str):
    (hit,) = [a for a in sc.actors if a.id == actor_id]
    return hit


# --- the valid fixture ------------------------------------------------------------------


def test_valid_minimal_loads():
    sc = load_scenario(VALID)
    assert isinstance(sc, Scenario)
    assert sc.id == "river_minimal"
    assert [a.id for a in sc.actors] == ["upstream", "midstream", "downstream"]
    assert [i.id for i in sc.issues] == ["water_release", "monitoring"]
    assert [m.id for m in sc.meetings] == ["basin_consultation", "river_summit"]
    assert [m.kind for m in sc.meetings] == ["consultation", "negotiation"]
    assert sc.meetings[0].date.isoformat() == "2024-03-01"
    assert sc.notes.what_it_is and sc.notes.how_it_works
    assert sc.notes.things_to_notice and sc.notes.things_to_try and sc.notes.references
    down = actor(sc, "downstream").stances["water_release"]
    assert down.red_line is not None and down.red_line.at_least == 50
    assert down.salience == Dist("beta", (8.0, 2.0))
    assert actor(sc, "midstream").stances["water_release"].position == Dist("normal", (60.0, 10.0))
    assert actor(sc, "downstream").patience == Dist("triangular", (0.7, 0.8, 0.95))
    assert actor(sc, "upstream").stances["monitoring"].salience == Dist("uniform", (0.1, 0.3))
    assert actor(sc, "upstream").capability == 3.0


def test_valid_minimal_carries_a_source_or_assumption_everywhere():
    sc = load_scenario(VALID)
    for issue in sc.issues:
        assert issue.source or issue.assumption, issue.id
    for a in sc.actors:
        assert a.source or a.assumption, a.id
        for issue_id, stance in a.stances.items():
            assert stance.source or stance.assumption, (a.id, issue_id)
            if stance.red_line is not None:
                assert stance.red_line.source or stance.red_line.assumption, (a.id, issue_id)
    assert all(m.source or m.description for m in sc.meetings)


def test_valid_file_with_bom_and_crlf_line_ends_loads(tmp_path):
    text = "\ufeff" + valid_text().replace("\n", "\r\n")
    path = tmp_path / "windows.yaml"
    path.write_bytes(text.encode("utf-8"))
    assert load_scenario(path) == load_scenario(VALID)


def test_load_accepts_str_and_path():
    assert load_scenario(str(VALID)) == load_scenario(VALID)


def test_all_problems_are_reported_in_one_pass_in_file_order(tmp_path):
    text = edited("    patience: 0.9\n", "    patience: 0.2\n")
    text = edited("        position: 80\n", "        position: 180\n", text)
    path = write(tmp_path / "two_mistakes.yaml", text)
    problems = problems_of(path)
    assert [p.field for p in problems] == [
        "actors[0].patience",
        "actors[2].stances.water_release.position",
    ]
    assert [p.location.line for p in problems] == [
        line_of(text, "patience: 0.2"),
        line_of(text, "position: 180"),
    ]
    for p in problems:
        assert LINE_FORMAT.match(str(p)), str(p)


def test_missing_file_is_a_problem_not_a_traceback(tmp_path):
    problems = problems_of(tmp_path / "nowhere.yaml")
    assert len(problems) == 1
    assert "no such file" in problems[0].message


def test_cli_validate_accepts_the_valid_file():
    result = negsim("validate", VALID.relative_to(REPO))
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert len(result.stdout.strip().splitlines()) == 1, result.stdout


def test_cli_validate_with_a_good_and_a_bad_file_exits_2(tmp_path):
    bad = write(tmp_path / "bad.yaml", edited("    patience: 0.9\n", "    patience: 0.2\n"))
    result = negsim("validate", VALID, bad)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert all(LINE_FORMAT.match(line) for line in lines), result.stderr
    assert any("bad.yaml:" in line and "actors[0].patience" in line for line in lines)


# --- extends: variants -------------------------------------------------------------------


@pytest.fixture
def base(tmp_path) -> Path:
    """The valid fixture copied to base/river.yaml inside a temporary folder."""
    return write(tmp_path / "base" / "river.yaml", valid_text())


@pytest.fixture
def elsewhere(tmp_path, monkeypatch) -> Path:
    """Run from an unrelated folder, so relative paths can only resolve from the files."""
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return cwd


VARIANT = """\
# Midstream becomes flexible and a second summit is added.
extends: ../base/river.yaml
title: Sharing the Upper River (flexible midstream)
actors:
  - id: midstream
    flexibility: 0.9
meetings:
  - id: second_summit
    name: Second summit
    participants: [upstream, downstream]
    issues: [water_release]
    rounds: 2
"""


def test_variant_overrides_a_field_by_id_and_adds_a_meeting(tmp_path, base, elsewhere):
    variant = write(tmp_path / "variants" / "flexible.yaml", VARIANT)
    sc = load_scenario(variant)
    original = load_scenario(base)
    assert sc.title == "Sharing the Upper River (flexible midstream)"
    assert sc.extends is None
    assert actor(sc, "midstream").flexibility == 0.9
    assert [m.id for m in sc.meetings] == ["basin_consultation", "river_summit", "second_summit"]
    added = sc.meetings[-1]
    assert added.participants == ["upstream", "downstream"] and added.rounds == 2
    # everything else is the base's
    expected = original.model_dump()
    got = sc.model_dump()
    assert got["actors"][1].pop("flexibility") == 0.9
    expected["actors"][1].pop("flexibility")
    got["meetings"].pop()
    for key in ("title", "extends"):
        got.pop(key)
        expected.pop(key)
    assert got == expected


def test_variant_path_is_relative_to_the_variant_file_not_the_cwd(tmp_path, base, elsewhere):
    write(elsewhere / "base" / "river.yaml", "this: is the wrong base\n")
    variant = write(tmp_path / "variants" / "flexible.yaml", VARIANT)
    assert actor(load_scenario(variant), "midstream").flexibility == 0.9
    # and through a relative path given on the command line
    rel = os.path.relpath(variant, elsewhere)
    assert actor(load_scenario(rel), "midstream").flexibility == 0.9


def test_variant_chain_resolves_each_path_from_its_own_file(tmp_path, base, elsewhere):
    write(tmp_path / "variants" / "flexible.yaml", VARIANT)
    second = write(
        tmp_path / "variants" / "more" / "patient.yaml",
        "extends: ../flexible.yaml\nactors:\n  - id: upstream\n    patience: 0.99\n",
    )
    sc = load_scenario(second)
    assert actor(sc, "upstream").patience == 0.99
    assert actor(sc, "midstream").flexibility == 0.9
    assert sc.title == "Sharing the Upper River (flexible midstream)"


def test_variant_may_extend_by_absolute_path(tmp_path, base):
    variant = write(tmp_path / "abs.yaml", f"extends: {base.resolve()}\ntitle: Absolute variant\n")
    assert load_scenario(variant).title == "Absolute variant"


def test_variant_deep_merges_stances(tmp_path, base):
    variant = write(
        tmp_path / "variants" / "stance.yaml",
        """\
extends: ../base/river.yaml
actors:
  - id: downstream
    stances:
      water_release:
        position: 70
""",
    )
    sc = load_scenario(variant)
    original = load_scenario(base)
    new = actor(sc, "downstream").stances["water_release"]
    old = actor(original, "downstream").stances["water_release"]
    assert new.position == 70
    assert new.salience == old.salience
    assert new.red_line == old.red_line
    assert new.assumption == old.assumption
    assert (
        actor(sc, "downstream").stances["monitoring"]
        == (actor(original, "downstream").stances["monitoring"])
    )
    assert actor(sc, "downstream").capability == actor(original, "downstream").capability


def test_variant_adds_an_actor_and_a_stance(tmp_path, base):
    variant = write(
        tmp_path / "variants" / "fourth.yaml",
        """\
extends: ../base/river.yaml
actors:
  - id: upstream
    stances:
      monitoring: {position: 50, salience: 0.3, assumption: Softer after the drought.}
  - id: delta
    name: Delta State
    capability: 0.5
    flexibility: 0.4
    patience: 0.8
    dialogue: 0.9
    assumption: A small newcomer.
    stances:
      water_release: {position: 95, salience: 1, assumption: Lives off the delta.}
""",
    )
    sc = load_scenario(variant)
    assert [a.id for a in sc.actors] == ["upstream", "midstream", "downstream", "delta"]
    up = actor(sc, "upstream")
    assert up.stances["monitoring"].position == 50
    assert up.stances["water_release"].position == 20


def test_variant_replaces_plain_lists_and_may_clear_an_optional_field(tmp_path, base):
    variant = write(
        tmp_path / "variants" / "lists.yaml",
        """\
extends: ../base/river.yaml
actors:
  - id: downstream
    stances:
      water_release:
        red_line: null
meetings:
  - id: river_summit
    issues: [water_release, monitoring]
    participants: [upstream, downstream, midstream]
""",
    )
    sc = load_scenario(variant)
    assert actor(sc, "downstream").stances["water_release"].red_line is None
    assert sc.meetings[1].participants == ["upstream", "downstream", "midstream"]


def test_variant_overriding_the_same_id_twice_is_refused(tmp_path, base):
    # Both entries would merge into 'midstream'; silently keeping only the last one loses
    # the flexibility override. It should be reported like any duplicate id.
    text = """\
extends: ../base/river.yaml
actors:
  - id: midstream
    flexibility: 0.9
  - id: midstream
    name: Middle State
"""
    variant = write(tmp_path / "variants" / "twice.yaml", text)
    problems = problems_of(variant)
    dup = [p for p in problems if "duplicate" in p.message]
    assert dup, "\n".join(map(str, problems))
    assert same_file(dup[0].location.file, variant)
    assert dup[0].location.line == line_of(text, "name: Middle State") - 1


# --- errors in variants point at the right file and line ---------------------------------


def test_error_in_the_variant_points_at_the_variant(tmp_path, base):
    text = """\
extends: ../base/river.yaml
actors:
  - id: midstream
    flexibility: 1.5
"""
    variant = write(tmp_path / "variants" / "bad.yaml", text)
    problems = problems_of(variant)
    assert len(problems) == 1
    p = find(problems, "actors[1].flexibility")
    assert same_file(p.location.file, variant)
    assert p.location.line == line_of(text, "flexibility: 1.5")
    assert "between 0 and 1" in p.message


def test_error_in_a_deep_merged_stance_points_at_the_variant(tmp_path, base):
    text = """\
extends: ../base/river.yaml
actors:
  - id: downstream
    stances:
      water_release:
        position: 150
"""
    variant = write(tmp_path / "variants" / "bad.yaml", text)
    p = find(problems_of(variant), "actors[2].stances.water_release.position")
    assert same_file(p.location.file, variant)
    assert p.location.line == line_of(text, "position: 150")


def test_cross_check_error_in_an_added_meeting_points_at_the_variant(tmp_path, base):
    text = VARIANT.replace("[upstream, downstream]", "[upstream, downsteam]")
    variant = write(tmp_path / "variants" / "bad.yaml", text)
    p = find(problems_of(variant), "meetings[2].participants[1]")
    assert same_file(p.location.file, variant)
    assert p.location.line == line_of(text, "downsteam")
    assert "no actor has this id" in p.message


def test_error_in_the_base_points_at_the_base(tmp_path):
    base_text = edited("    patience: 0.9\n", "    patience: 0.2\n")
    base = write(tmp_path / "base" / "river.yaml", base_text)
    # a variant that leaves the actor alone: its mapping is the base's, taken whole
    variant = write(tmp_path / "variants" / "v.yaml", VARIANT)
    p = find(problems_of(variant), "actors[0].patience")
    assert same_file(p.location.file, base)
    assert p.location.line == line_of(base_text, "patience: 0.2")
    # a variant that touches the same actor: its mapping is merged with the variant's
    variant2 = write(
        tmp_path / "variants" / "v2.yaml",
        "extends: ../base/river.yaml\nactors:\n  - id: upstream\n    flexibility: 0.4\n",
    )
    p = find(problems_of(variant2), "actors[0].patience")
    assert same_file(p.location.file, base)
    assert p.location.line == line_of(base_text, "patience: 0.2")


def test_variant_can_fix_an_error_in_its_base(tmp_path):
    write(
        tmp_path / "base" / "river.yaml",
        edited("    patience: 0.9\n", "    patience: 0.2\n"),
    )
    variant = write(
        tmp_path / "variants" / "fixed.yaml",
        "extends: ../base/river.yaml\nactors:\n  - id: upstream\n    patience: 0.9\n",
    )
    assert actor(load_scenario(variant), "upstream").patience == 0.9


def test_syntax_error_in_the_base_points_at_the_base(tmp_path):
    base_text = edited("title: Sharing the Upper River\n", "title: [Sharing the Upper River\n")
    base = write(tmp_path / "base" / "river.yaml", base_text)
    variant = write(tmp_path / "variants" / "v.yaml", VARIANT)
    problems = problems_of(variant)
    assert all(same_file(p.location.file, base) for p in problems), problems


def test_extends_must_name_a_file(tmp_path):
    variant = write(tmp_path / "v.yaml", "extends: [a.yaml, b.yaml]\ntitle: x\n")
    p = find(problems_of(variant), "extends")
    assert p.location.line == 1
    assert "must name a scenario file" in p.message


def test_a_file_extending_itself_is_a_loop(tmp_path):
    variant = write(tmp_path / "self.yaml", "title: x\nextends: self.yaml\n")
    p = find(problems_of(variant), "extends")
    assert p.location.line == 2
    assert "extends loop" in p.message


# --- distributions -----------------------------------------------------------------------

UP_POSITION = "        position: 20\n"  # upstream's stance on water_release
UP_SALIENCE = "        salience: 0.8\n"
UP_PATIENCE = "    patience: 0.9\n"


@pytest.mark.parametrize(
    ("old", "new", "get", "want"),
    [
        (
            UP_POSITION,
            "        position: {normal: [50, 10]}\n",
            lambda sc: sc.actors[0].stances["water_release"].position,
            Dist("normal", (50.0, 10.0)),
        ),
        (
            UP_POSITION,
            "        position: {uniform: [10, 30.5]}\n",
            lambda sc: sc.actors[0].stances["water_release"].position,
            Dist("uniform", (10.0, 30.5)),
        ),
        (
            UP_POSITION,
            "        position: {triangular: [10, 20, 40]}\n",
            lambda sc: sc.actors[0].stances["water_release"].position,
            Dist("triangular", (10.0, 20.0, 40.0)),
        ),
        (
            UP_SALIENCE,
            "        salience: {beta: [2, 5]}\n",
            lambda sc: sc.actors[0].stances["water_release"].salience,
            Dist("beta", (2.0, 5.0)),
        ),
        (
            UP_PATIENCE,
            "    patience:\n      normal: [0.9, 0.05]\n",
            lambda sc: sc.actors[0].patience,
            Dist("normal", (0.9, 0.05)),
        ),
        (
            "  belief_noise: 8\n",
            "  belief_noise: {uniform: [0, 20]}\n",
            lambda sc: sc.settings.belief_noise,
            Dist("uniform", (0.0, 20.0)),
        ),
        (
            UP_POSITION,
            "        position: 20.5\n",
            lambda sc: sc.actors[0].stances["water_release"].position,
            20.5,
        ),
    ],
)
def test_distributions_parse(tmp_path, old, new, get, want):
    path = write(tmp_path / "dist.yaml", edited(old, new))
    assert get(load_scenario(path)) == want


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (UP_POSITION, "{normal: [50, 0]}", "position", "standard deviation above 0"),
        (UP_POSITION, "{normal: [150, 10]}", "position", "normal mean must be between 0 and 100"),
        (UP_POSITION, "{uniform: [30, 30]}", "position", "uniform needs low < high"),
        (UP_POSITION, "{uniform: [-10, 30]}", "position", "must lie between 0 and 100"),
        (UP_POSITION, "{triangular: [10, 5, 40]}", "position", "low <= mode <= high"),
        (UP_POSITION, "{triangular: [10, 20, 140]}", "position", "must lie between 0 and 100"),
        (UP_SALIENCE, "{beta: [1, -1]}", "salience", "beta needs a > 0 and b > 0"),
        (UP_POSITION, "{poisson: [3]}", "position", "unknown distribution 'poisson'"),
        (UP_POSITION, "{normal: [50, 10, 2]}", "position", "normal takes a list of 2 numbers"),
        (UP_POSITION, "{normal: 50}", "position", "normal takes a list of 2 numbers"),
        (UP_POSITION, "{normal: [50, ten]}", "position", "normal takes a list of 2 numbers"),
        (UP_POSITION, "{normal: [true, 10]}", "position", "normal takes a list of 2 numbers"),
        (UP_POSITION, "{normal: [50, 10], uniform: [0, 100]}", "position", "expected a number"),
        (UP_POSITION, "[50, 10]", "position", "expected a number"),
        (UP_POSITION, "{normal: [50, .inf]}", "position", "finite"),
    ],
)
def test_bad_distributions_are_refused_with_the_field_path(tmp_path, old, new, field, message):
    key = old.strip().split(":")[0]
    text = edited(old, old.replace(old.strip().split(": ")[1], new))
    path = write(tmp_path / "dist.yaml", text)
    problems = problems_of(path)
    want = f"actors[0].stances.water_release.{field}"
    hits = [p for p in problems if p.field.startswith(want)]
    assert hits, "\n".join(map(str, problems))
    assert message in hits[0].message, str(hits[0])
    assert hits[0].location.line == line_of(text, f"{key}: {new}")
