"""The ``negsim`` command line: parse, call the layers, print. Nothing else lives here.

Exit codes: 0 success, 2 bad input (one clear message per problem, never a traceback),
1 internal error. Heavy libraries are imported inside the commands so ``--help`` is quick.
Each family of commands is one module of this package; importing them registers them on
``app``, in the order ``negsim --help`` lists them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from typing import NoReturn

# Importing each family registers its commands on ``app``, in this order (negsim --help's).
# isort: off
from . import scenarios, experiments, teaching, data, sweeps  # noqa: F401

# isort: on
from .common import BadInput, _say, app, err

__all__ = ["BadInput", "app", "main"]


def _what() -> str:
    """The command being run, in a few words, for the one line an interrupt prints."""
    args = [a for a in sys.argv[1:3] if a]
    return " ".join(args) or "the command"


def _leave(code: int) -> NoReturn:
    """Exit at once after an interrupt, the cleaning up already done by unwinding.

    The interpreter's own exit would join the process pool's manager thread, which on Python
    before 3.13 can hang or print a traceback once its workers have been killed (CPython
    gh-125451); nothing of ours is left to run at exit, so the streams are flushed and the
    process ends here.
    """
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def main() -> None:
    """Entry point: bad input exits 2 with one line per problem; a crash exits 1, briefly.

    SIGINT and SIGTERM unwind the command (workers killed, temporary folder removed), print
    one line and exit 130 or 143, as shells expect.
    """
    from sim.experiment.processes import Interrupted, interrupts_caught

    try:
        with interrupts_caught():
            app(prog_name="negsim")  # also under `python -m sim`, for help and completion
    except BadInput as exc:
        for line in exc.lines:
            _say(err, line)
        sys.exit(2)
    except Interrupted as exc:
        _say(err, f"negsim: {_what()} interrupted by {exc.name}; nothing was written")
        _leave(exc.exit_code)
    except KeyboardInterrupt:
        _say(err, f"negsim: {_what()} interrupted; nothing was written")
        _leave(130)
    except Exception as exc:
        if os.environ.get("NEGSIM_DEBUG"):
            raise
        _say(err, f"negsim: internal error: {type(exc).__name__}: {exc}")
        err.print("Set NEGSIM_DEBUG=1 to see the traceback, and please report it.", markup=False)
        sys.exit(1)
