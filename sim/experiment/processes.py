"""Everything that differs between operating systems, in one small place.

Workers must start under ``spawn`` (macOS, Windows) as well as ``fork`` (Linux), die with
their parent however it dies, and leave interrupts to the parent; signals that a platform
lacks are simply not handled there. Nothing else in negsim looks at ``sys.platform``.
"""

from __future__ import annotations

import errno
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from multiprocessing.context import BaseContext

START_METHOD_ENV = "NEGSIM_START_METHOD"
MAX_WORKERS_PER_CORE = 4


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived: unwinds like Ctrl-C, so partial work is cleaned up.

    A BaseException (like KeyboardInterrupt) so that no ``except Exception`` swallows it, but
    not a KeyboardInterrupt, which click would turn into a silent exit 130.
    """

    def __init__(self, signum: int):
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(self.name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _raise_interrupted(signum: int, frame: object) -> None:
    raise Interrupted(signum)


@contextmanager
def interrupts_caught() -> Iterator[None]:
    """Inside: SIGINT, SIGTERM and SIGHUP (where they exist) raise ``Interrupted``."""
    previous = {}
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        with suppress(ValueError, OSError):  # not the main thread, or not settable here
            previous[sig] = signal.signal(sig, _raise_interrupted)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            with suppress(ValueError, OSError):
                signal.signal(sig, handler)


def cores() -> int:
    """Cores this process may use (the affinity mask where the platform has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def plan_workers(requested: int) -> tuple[int, str | None]:
    """Workers to start for a request, and a note when the request is beyond the cores.

    More workers than cores only share them (results are the same whatever the count); far
    more only costs memory, one copy of the model per worker, so they are capped.
    """
    n = cores()
    cap = MAX_WORKERS_PER_CORE * n
    if requested > cap:
        return cap, (
            f"--workers {requested:,} is more than {MAX_WORKERS_PER_CORE} per core on this "
            f"machine's {n} cores; using {cap} (results do not depend on the number)"
        )
    if requested > n:
        return requested, (
            f"--workers {requested} is more than this machine's {n} cores; they will share them "
            "(results do not depend on the number)"
        )
    return requested, None


def physical_memory() -> int | None:
    """Bytes of memory this machine has, where the platform says (None where it does not)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def mp_context() -> BaseContext:
    """``fork`` on Linux (workers start at once with the modules imported), ``spawn`` elsewhere.

    Asked for explicitly, because importing mesa sets the global start method; the
    ``NEGSIM_START_METHOD`` environment variable chooses another (the tests run ``spawn``).
    """
    method = os.environ.get(START_METHOD_ENV) or (
        "fork" if sys.platform.startswith("linux") else "spawn"
    )
    return multiprocessing.get_context(method)


def _watch_parent() -> None:
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return
    from multiprocessing.connection import wait

    wait([parent.sentinel])  # ready when the parent is gone, however it died
    os._exit(1)


def worker_init() -> None:
    """In each worker: leave Ctrl-C to the parent, and die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sigterm = getattr(signal, "SIGTERM", None)
    if sigterm is not None:
        signal.signal(sigterm, signal.SIG_DFL)
    threading.Thread(target=_watch_parent, name="negsim-parent-watch", daemon=True).start()


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    kill = getattr(pool, "kill_workers", None)  # Python 3.14+
    if kill is not None:
        kill()
        return
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        with suppress(OSError, AttributeError):
            proc.kill()


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers are killed, not awaited, when the work is abandoned."""
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=mp_context(), initializer=worker_init
    )
    try:
        yield pool
    except BaseException:
        processes = list((getattr(pool, "_processes", None) or {}).values())
        _kill_workers(pool)
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            proc.join(timeout=2)
        raise
    pool.shutdown(wait=True)


def pid_alive(pid: int) -> bool:
    """Whether a process of this machine has this id (unsure counts as alive)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        import ctypes

        kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except OSError as exc:
        return exc.errno != errno.ESRCH
    return True
