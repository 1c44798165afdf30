"""Help text, ``--version`` and shell completion of the command line (in process, as typer
runs it, except one check that ``python -m sim`` names itself ``negsim`` for completion)."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from sim.cli import app


def _invoke(*args: str, **env: str):
    env = {"COLUMNS": "200", "NO_COLOR": "1", **env}
    return CliRunner().invoke(app, list(args), env=env, prog_name="negsim")


@pytest.mark.parametrize("command", ["run", "compare"])
def test_help_shows_the_defaults_written_in_brackets(command):
    """rich markup used to swallow "[default: ...]", leaving "Worker processes ."."""
    out = _invoke(command, "--help").output
    assert "Worker processes [default: 1 below 20,000 runs, else all cores]." in out
    assert "Results folder [default: results/<scenario>/<UTC timestamp>/]." in out
    assert "processes ." not in out


def test_version_is_the_installed_packages():
    result = _invoke("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"negsim {importlib.metadata.version('negsim')}"


def test_shell_completion_completes_commands_and_options():
    assert "--install-completion" in _invoke("--help").output
    words = _invoke(_NEGSIM_COMPLETE="complete_bash", COMP_WORDS="negsim ru", COMP_CWORD="1")
    assert words.output.split() == ["run"]
    words = _invoke(_NEGSIM_COMPLETE="complete_bash", COMP_WORDS="negsim run --wor", COMP_CWORD="2")
    assert words.output.split() == ["--workers"]


def test_the_completion_script_is_for_negsim_even_from_python_m_sim():
    script = subprocess.run(
        [sys.executable, "-m", "sim", "--show-completion", "bash"],
        capture_output=True,
        text=True,
        timeout=60,
        # Typer detects the user's shell from the process tree unless told not to (then
        # --show-completion takes the shell by name), so the test does not depend on its parent.
        env={**os.environ, "NO_COLOR": "1", "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
    )
    assert script.returncode == 0, script.stderr
    assert "_NEGSIM_COMPLETE=complete_bash" in script.stdout
