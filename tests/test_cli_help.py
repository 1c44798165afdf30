"""Help text, ``--version`` and shell completion of the command line."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys

import pytest


def _negsim(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **env},
    )


@pytest.mark.parametrize("command", ["run", "compare"])
def test_help_shows_the_defaults_written_in_brackets(command):
    """rich markup used to swallow "[default: ...]", leaving "Worker processes ."."""
    out = _negsim(command, "--help").stdout
    assert "Worker processes [default: 1 below 20,000 runs, else all cores]." in out
    assert "Results folder [default: results/<scenario>/<UTC timestamp>/]." in out
    assert "processes ." not in out


def test_version_is_the_installed_packages():
    proc = _negsim("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"negsim {importlib.metadata.version('negsim')}"


def test_shell_completion_is_offered_and_completes_commands_and_options():
    assert "--install-completion" in _negsim("--help").stdout
    script = _negsim("--show-completion", "bash")
    assert script.returncode == 0 and "_NEGSIM_COMPLETE=complete_bash" in script.stdout
    words = _negsim(_NEGSIM_COMPLETE="complete_bash", COMP_WORDS="negsim ru", COMP_CWORD="1")
    assert words.stdout.split() == ["run"]
    words = _negsim(_NEGSIM_COMPLETE="complete_bash", COMP_WORDS="negsim run --wor", COMP_CWORD="2")
    assert words.stdout.split() == ["--workers"]
