"""Small hand-made scenarios for tests whose answers are known by hand or by theory."""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from sim.scenario import Scenario, load_scenario

REPO = Path(__file__).resolve().parents[1]


def negsim(*args: object, cwd: Path = REPO, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the command as a user would (``python -m sim``), in a plain 80-column terminal."""
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, "COLUMNS": "80", "NO_COLOR": "1"},
    )


def stance(position: Any, salience: Any = 1.0, **extra: Any) -> dict[str, Any]:
    return {"position": position, "salience": salience, "assumption": "test", **extra}


def actor(aid: str, stances: dict[str, Any], **extra: Any) -> dict[str, Any]:
    base = {
        "id": aid,
        "name": aid.capitalize(),
        "capability": 1.0,
        "flexibility": 0.0,
        "patience": 1.0,
        "dialogue": 1.0,
        "stances": stances,
    }
    base.update(extra)
    return base


def scenario_dict(
    actors: list[dict[str, Any]],
    issues: dict[str, float],
    meetings: list[dict[str, Any]] | None = None,
    **settings: Any,
) -> dict[str, Any]:
    """A scenario of these actors and issues ({id: status quo}); one negotiation by default."""
    ids = [a["id"] for a in actors]
    meetings = meetings or [
        {"id": "talks", "name": "Talks", "participants": ids, "issues": list(issues), "rounds": 3}
    ]
    return {
        "id": "test_case",
        "title": "Test case",
        "notes": {"what_it_is": "A hand-made case for a test."},
        "settings": {"belief_noise": 0, "resolve_noise": 0, **settings},
        "issues": [
            {"id": k, "name": k, "low": "low end", "high": "high end", "status_quo": sq}
            for k, sq in issues.items()
        ],
        "actors": actors,
        "meetings": meetings,
    }


def crisis(p_win, cost, noise=0.0, resolve=0.0, rounds=4, settlement="issue_by_issue", **more):
    """A (ideal 100, can fight) against B (ideal 0 = status quo).

    B loses 0.5 if the talks fail (time pressure), so by the deadline it accepts any p <= 50;
    A needs p >= 100 (p_win - cost). The range is non-empty while p_win - cost <= 0.5.
    """
    return scenario_dict(
        [
            actor(
                "a",
                {"x": stance(100)},
                military_option={"p_win": p_win, "cost": cost, "signal": 0.5, "assumption": "t"},
                dialogue=0.3,
            ),
            actor("b", {"x": stance(0)}, patience=0.5, dialogue=0.3, time_pressure=0.5),
        ],
        {"x": 0},
        [{"id": "m", "name": "M", "participants": ["a", "b"], "issues": ["x"], "rounds": rounds}],
        belief_noise=noise,
        resolve_noise=resolve,
        settlement=settlement,
        tension={"initial": 0.8, "war_rate": 20, "breakdown_rate": 0},
        **more,
    )


def write(tmp_path: Path, data: dict[str, Any], name: str = "case.yaml") -> Path:
    path = tmp_path / name
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    with path.open("w") as fh:
        yaml.dump(data, fh)
    return path


def build(tmp_path: Path, data: dict[str, Any], name: str = "case.yaml") -> Scenario:
    return load_scenario(write(tmp_path, copy.deepcopy(data), name))


def negsim_here(*args: object, capsys: Any) -> tuple[int, str, str]:
    """Run the command in this process (no interpreter start-up): exit code, stdout, stderr."""
    import pytest

    from sim import cli

    old = sys.argv
    sys.argv = ["negsim", *map(str, args)]
    try:
        with pytest.raises(SystemExit) as done:
            cli.main()
    finally:
        sys.argv = old
    captured = capsys.readouterr()
    code = done.value.code
    code = code if isinstance(code, int) else (0 if code is None else 1)
    return code, captured.out, captured.err


def every_feature() -> dict[str, Any]:
    """The baseline with the engine's other paths switched on: a random chair (recognition), a
    mediator, majority and qualified-majority rules with vetoes, a linked pair of issues and a
    side payment. For tests that must hold on every path, not only the bundled scenarios'."""
    data = load_scenario(REPO / "scenarios/nato_russia_2022.yaml").model_dump(
        mode="json", by_alias=True, exclude_none=True
    )
    meetings = {m["id"]: m for m in data["meetings"]}
    meetings["us_russia_talks"]["chair"] = "random"
    meetings["us_russia_talks"]["rule"] = {"kind": "qualified_majority", "threshold": 0.5}
    meetings["osce_talks"]["mediation"] = "compromise"
    meetings["written_answers"]["rule"] = {"kind": "majority", "veto": ["russia"]}
    meetings["nato_russia_council"]["rule"] = {
        "kind": "qualified_majority",
        "threshold": 0.6,
        "veto": ["nato"],
    }
    data["linkage"] = [{"issues": ["exercises", "deployments"], "assumption": "a test"}]
    data["side_payments"] = [
        {
            "giver": "us",
            "receiver": "russia",
            "issue": "risk_reduction",
            "amount": 0.05,
            "cost": 0.03,
            "assumption": "a test",
        }
    ]
    return data


def case_data(case: Path | str) -> dict[str, Any]:
    """A bundled scenario's plain data by path, or ``"every_feature"``."""
    if case == "every_feature":
        return every_feature()
    return load_scenario(case).model_dump(mode="json", by_alias=True, exclude_none=True)


# Executor options that `run` and `sweep` refuse before anything runs, and what each says.
BAD_EXECUTOR_OPTIONS = [
    (["--scheduler", "tcp://127.0.0.1:8786"], "add --executor dask"),
    (["--executor", "dask", "--scheduler", "localhost"], "write tcp://HOST:PORT"),
    (["--executor", "threads"], "choose process or dask"),
]


def kill_when(cmd: list[Any], ready: Callable[[], bool], what: str) -> None:
    """Start ``cmd`` in the repository and SIGKILL it as soon as ``ready()`` holds (within a
    minute): a job killed part-way, as a power cut or the OOM killer leaves it."""
    proc = subprocess.Popen(list(map(str, cmd)), cwd=REPO, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None and not ready():
            time.sleep(0.01)
        assert proc.poll() is None, f"the {what} ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
