"""executors: where a build's per-document work runs: here, on local processes, or on dask.

An executor maps a picklable top-level function over argument tuples and yields the results in
the order of the arguments, so the build's output does not depend on where the work ran. Used as
a context manager, an executor keeps its processes or cluster between builds; otherwise each
`map` starts and stops its own. Workers that outlive a build must not trust what they loaded for
an earlier one: the build passes its fingerprint with every task (see `build.process_task`).
"""

from __future__ import annotations

import collections
import gc
import itertools
import multiprocessing
import sys
from typing import Callable, Iterable, Iterator

from warnews.errors import WarnewsError

# Tasks in flight on a dask cluster at once: enough to keep every worker busy, few enough that
# finished results never pile up in memory while the writer catches up.
DASK_WINDOW = 8_000
# Tasks (batches of documents) handed to each local process ahead of the one the parent waits for.
IN_FLIGHT_PER_PROCESS = 4


class Executor:
    """Runs `fn(*args)` for each args tuple; results come back in the order of the tuples."""

    description = "1 process"

    def map(self, fn: Callable, tasks: Iterable[tuple]) -> Iterator:
        return (fn(*args) for args in tasks)

    def close(self) -> None:
        """Stop the processes or cluster this executor started (none here)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class LocalExecutor(Executor):
    """In this process, one document after the other."""


def _call(packed: tuple):
    fn, args = packed
    return fn(*args)


class ProcessExecutor(Executor):
    """A pool of `jobs` local processes (forked on Linux, so they start with what is loaded here)."""

    def __init__(self, jobs: int):
        if jobs < 1:
            raise WarnewsError(f"--jobs {jobs}: give at least 1 process")
        self.jobs = jobs
        self.description = f"{jobs} process{'es' if jobs > 1 else ''}"
        self._pool = None
        self._kept = False

    def __enter__(self):
        self._kept = True
        return self

    def map(self, fn: Callable, tasks: Iterable[tuple]) -> Iterator:
        tasks = list(tasks)
        if self.jobs == 1 or len(tasks) < 2:
            yield from (fn(*args) for args in tasks)
            return
        warmed = None
        if self._pool is None:
            method = "fork" if sys.platform == "linux" else "spawn"
            if method == "fork":
                warmed = self._warm(fn, tasks[0])
            self._pool = multiprocessing.get_context(method).Pool(self.jobs)
        try:  # a few tasks in flight per process: results never pile up while the parent writes
            pending, flying = iter(tasks[1:] if warmed else tasks), collections.deque()
            for args in itertools.islice(pending, self.jobs * IN_FLIGHT_PER_PROCESS):
                flying.append(self._pool.apply_async(_call, ((fn, args),)))
            if warmed:
                yield warmed[0]
            while flying:
                result = flying.popleft().get()
                following = next(pending, None)
                if following is not None:
                    flying.append(self._pool.apply_async(_call, ((fn, following),)))
                yield result
        finally:
            if not self._kept:
                self.close()

    @staticmethod
    def _warm(fn: Callable, args: tuple) -> tuple:
        """Run the first task here, before the workers are forked, and give back its result: what it
        loads on first use (the layers' gazetteers, first names, language models) is then in pages
        the workers share with this process instead of a copy in each. What is loaded is frozen
        out of the garbage collector until the pool stops, since its passes write to every object
        they visit and would copy those pages into each worker."""
        result = fn(*args)
        gc.collect()
        gc.freeze()
        return (result,)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            gc.unfreeze()
        self._kept = False


class DaskExecutor(Executor):
    """A dask.distributed cluster: a LocalCluster of `jobs` worker processes, or the scheduler at
    `scheduler`, whose workers must see the repository at the same path and run the same code."""

    def __init__(self, jobs: int = 1, scheduler: str | None = None):
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise WarnewsError("--executor dask needs dask.distributed: pip install 'warnews[dask]'") from None
        self.jobs, self.scheduler = jobs, scheduler
        self.description = f"a dask cluster ({scheduler or f'local, {jobs} workers'})"
        self._client = self._cluster = None
        self._kept = False

    def __enter__(self):
        self._kept = True
        return self

    def _connect(self):
        from distributed import Client, LocalCluster

        if self._client is None:
            if self.scheduler is None:
                self._cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                             dashboard_address=None)
            self._client = Client(self.scheduler or self._cluster)
        return self._client

    def map(self, fn: Callable, tasks: Iterable[tuple]) -> Iterator:
        client = self._connect()
        try:
            pending, futures = iter(tasks), []
            for args in pending:
                futures.append(client.submit(fn, *args, pure=False))
                if len(futures) >= DASK_WINDOW:
                    break
            while futures:
                result = futures.pop(0).result()
                following = next(pending, None)
                if following is not None:
                    futures.append(client.submit(fn, *following, pure=False))
                yield result
        finally:
            for future in futures:
                future.cancel()
            if not self._kept:
                self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
        if self._cluster is not None:
            self._cluster.close()
        self._client = self._cluster = None
        self._kept = False


def make_executor(kind: str = "local", jobs: int = 1, scheduler: str | None = None) -> Executor:
    """The executor the command line names: local (one process, or a pool for --jobs > 1) or dask."""
    if jobs < 1:
        raise WarnewsError(f"--jobs {jobs}: give at least 1 process")
    if scheduler and kind != "dask":
        raise WarnewsError("--scheduler needs --executor dask")
    if kind == "dask":
        return DaskExecutor(jobs, scheduler)
    if kind != "local":
        raise WarnewsError(f"--executor {kind!r}: choose local or dask")
    return ProcessExecutor(jobs) if jobs > 1 else LocalExecutor()
