"""Where chunks of runs are played: in this process, on a pool of processes, or on Dask.

The names follow EMA Workbench (``SequentialEvaluator``, ``MultiprocessingEvaluator``), which
analysts know. Every executor returns each chunk's result in the order the chunks were given,
and a chunk's result depends only on its arguments, so which executor plays them, and on how
many workers, changes how fast an experiment goes, never its files.

The stable API (also used by ``negsim sweep``)::

    with make_executor("process", workers=2) as ex:      # or "sequential", "dask"
        for result in ex.map_chunks(fn, [(a1, b1), (a2, b2)]):
            ...                                           # fn(a1, b1), then fn(a2, b2)

``fn`` must be a module-level function (it is pickled to the workers). ``ExecutorError`` says,
in one line, why an executor cannot start (Dask not installed, a scheduler unreachable).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import ExitStack
from typing import Any

from .processes import MAX_WORKERS_PER_CORE, cores, worker_pool

KINDS = ("sequential", "process", "dask")
DASK_HINT = "install it with: pip install 'negsim[dask]'"
SCHEDULER = re.compile(r"^(tcp|tls|inproc|ws|wss)://[^\s/]+(:\d+)?/?$")
CONNECT_TIMEOUT = 10  # seconds to reach a named scheduler before giving up


class ExecutorError(Exception):
    """An executor that cannot start; the message says why and what to do."""


class Executor:
    """Plays chunks; a context manager that releases its workers however the work ends."""

    kind = "sequential"

    def __init__(self, workers: int = 1):
        self.workers = max(1, workers)
        self._stack = ExitStack()

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, kind, value, tb) -> None:
        self._stack.__exit__(kind, value, tb)

    def close(self) -> None:
        self._stack.close()

    def map_chunks(self, fn: Callable[..., Any], chunks: Iterable[tuple]) -> Iterator[Any]:
        """``fn(*chunk)`` for each chunk, yielded in the chunks' order."""
        for args in chunks:
            yield fn(*args)


class SequentialEvaluator(Executor):
    """In this process: no start-up cost, the right choice for small experiments."""


class MultiprocessingEvaluator(Executor):
    """A pool of worker processes on this machine (sim/experiment/processes.py): workers
    die with the parent and are killed, not awaited, when the work is interrupted."""

    kind = "process"

    def __init__(self, workers: int):
        super().__init__(min(workers, MAX_WORKERS_PER_CORE * cores()))
        self._pool = None

    def map_chunks(self, fn: Callable[..., Any], chunks: Iterable[tuple]) -> Iterator[Any]:
        chunks = list(chunks)
        if self.workers <= 1 or len(chunks) <= 1:
            yield from super().map_chunks(fn, chunks)
            return
        if self._pool is None:  # started once, kept for later calls (a sweep's points)
            self._pool = self._stack.enter_context(worker_pool(self.workers))
        futures = [self._pool.submit(fn, *args) for args in chunks]
        for i in range(len(futures)):
            # Drop each future once read, so the parent holds one chunk's result at a time.
            future, futures[i] = futures[i], None
            yield wait_for(future)


class DaskEvaluator(Executor):
    """A Dask cluster: the scheduler at ``scheduler`` (``tcp://HOST:PORT``), or a
    ``LocalCluster`` of ``workers`` single-threaded processes on loopback when none is named."""

    kind = "dask"

    def __init__(self, workers: int, scheduler: str | None = None):
        super().__init__(workers)
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorError(
                f"--executor dask needs Dask, which is not installed; {DASK_HINT}"
            ) from None
        if scheduler is None:
            import dask

            # Dask's nannies start workers with MALLOC_TRIM_THRESHOLD_=65536, which turns off
            # glibc's adaptive mmap threshold: every large numpy temporary is then mapped and
            # unmapped afresh, and a chunk took four times the CPU of the process pool's.
            environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
            environ.pop("MALLOC_TRIM_THRESHOLD_", None)
            self._stack.enter_context(
                dask.config.set({"distributed.nanny.pre-spawn-environ": environ})
            )
            cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=40,  # logging.ERROR: no start-up chatter on the terminal
            )
            self._stack.callback(cluster.close)
            try:
                self.client = Client(cluster)
            except BaseException:
                self._stack.close()
                raise
        else:
            check_scheduler(scheduler)
            try:
                self.client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError) as exc:
                raise ExecutorError(
                    f"--scheduler {scheduler}: cannot reach the Dask scheduler ({exc}); "
                    "start one with `dask scheduler` or leave --scheduler out for a local cluster"
                ) from None
            info = self.client.scheduler_info()["workers"].values()
            self.workers = max(1, sum(w.get("nthreads", 1) for w in info))
        self._stack.callback(self.client.close)

    def map_chunks(self, fn: Callable[..., Any], chunks: Iterable[tuple]) -> Iterator[Any]:
        futures = [self.client.submit(fn, *args, pure=False) for args in chunks]
        try:
            for i in range(len(futures)):
                future, futures[i] = futures[i], None
                yield wait_for(future)
        finally:
            left = [f for f in futures if f is not None]
            if left:  # abandoned or interrupted: nothing more is computed for us
                self.client.cancel(left)


def wait_for(future) -> Any:
    """A future's result, waited for in short slices so a signal is handled at once."""
    while True:
        try:
            return future.result(timeout=0.25)
        except (FutureTimeout, TimeoutError):
            continue


def check_scheduler(address: str) -> None:
    """Refuse, before anything starts, an address that is not a Dask scheduler's."""
    if not SCHEDULER.match(address):
        raise ExecutorError(
            f"--scheduler {address!r}: not a Dask scheduler address; write tcp://HOST:PORT"
        )


def make_executor(kind: str, workers: int = 1, scheduler: str | None = None) -> Executor:
    """The executor of that kind (``sequential``, ``process`` or ``dask``).

    ``process`` with one worker plays in this process; ``scheduler`` applies to ``dask`` only.
    """
    if kind not in KINDS:
        raise ExecutorError(f"--executor {kind!r}: choose one of {', '.join(KINDS)}")
    if scheduler is not None and kind != "dask":
        raise ExecutorError("--scheduler names a Dask scheduler; add --executor dask")
    if kind == "dask":
        return DaskEvaluator(workers, scheduler)
    if kind == "process" and workers > 1:
        return MultiprocessingEvaluator(workers)
    return SequentialEvaluator()
