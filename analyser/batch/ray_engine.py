"""``ksb batch --engine ray``: the batch's reports analysed by Ray actors, on this machine or on a cluster.

:func:`run_on_ray` has the contract of :func:`~analyser.batch.workers.run_isolated`: it runs
``task(item)`` for every item in long-lived workers whose ``setup`` ran once, and yields
``(index, result)`` in completion order, a :class:`WorkerFailure` for a task whose worker had
to be stopped. Here a worker is a Ray actor holding one CPU. The driver (this process) keeps
at most one call in flight per actor, so it knows what each actor is doing and since when:

- a call that overruns ``timeout_s`` has its actor killed (``ray.kill``) and a new actor
  takes its place; the report is recorded as timed out, never retried;
- the memory cap is an address-space limit (``RLIMIT_AS``) set inside each actor before it
  loads the model, counted from what the actor had mapped when it started (Ray's shared
  object store and threads: about 7 GB on a 24 GB machine), so the analysis gets about the
  budget it has in a local worker; a report that needs more is recorded as out of memory and
  its actor replaced;
- an actor that dies under a report (killed, out of memory on the node, a lost node) is
  replaced and the report tried again on the new actor, at most :data:`MAX_RETRIES` more
  times, then recorded as crashed; a report the task itself fails is never retried.

Reports travel as absolute paths (the actors read them, so every node must see the same
folder) and results come back to the driver, which alone writes the outputs.

With no ``address`` a local Ray cluster sized to the machine is started for the run and shut
down after it: its files go to a temporary folder that is removed, its token (Ray's token
authentication) lives in this process's environment only, nothing is written under the home
folder, and usage statistics are off. Ray is imported only here, when the engine is chosen.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from ..datamodel import Scheme
from ..extract import ExtractSettings
from ..learners import LearnerInfo
from .task import Failed, TaskResult, analyse_in_worker, start_worker
from .ray_cluster import RAY_MISSING, _Connection, _import_ray
from .workers import WorkerFailure, WorkerLimits, WorkerStartError, _limit_resources, _start_reason, failure_reason

__all__ = ["MAX_RETRIES", "RAY_MISSING", "ray_results", "run_on_ray"]

#: A report whose actor died under it is tried this many more times, each time on a new actor.
MAX_RETRIES = 2
#: The one line a user gets when the engine is chosen but Ray is not installed.

_MB = 1024 * 1024
_STARTUP_SECONDS = 600.0  # no actor ready for this long: the cluster has no free CPU, or cannot load the model
_POLL_SECONDS = 5.0
# Ray tells the driver's stdout about every worker that dies; the batch reports it in its own words.


def ray_results(
    files: Sequence[Path],
    scheme: Scheme,
    settings: ExtractSettings | None,
    actors: int | None,
    limits: WorkerLimits | None,
    learners: Sequence[LearnerInfo | None],
    *,
    address: str | None = None,
) -> Iterator[tuple[int, TaskResult]]:
    """(index, result) per file in completion order, as the local engine gives them, from Ray actors.

    Each actor builds its one Analyser with :func:`~analyser.batch.task.start_worker` (one
    thread: an actor holds one CPU) and reads its reports by absolute path.
    """
    reference: Scheme | str = str(scheme.path) if scheme.path is not None else scheme  # each actor loads it
    results = run_on_ray(
        [(str(path.absolute()), learner) for path, learner in zip(files, learners)],
        analyse_in_worker,
        actors=actors,
        setup=start_worker,
        setup_args=(reference, settings, 1),
        timeout_s=limits.timeout_s if limits else None,
        max_memory_mb=limits.max_memory_mb if limits else None,
        address=address,
    )
    for index, result in results:
        yield index, Failed(failure_reason(result, limits or WorkerLimits())) if isinstance(result, WorkerFailure) else result


def run_on_ray(
    items: Sequence[Any],
    task: Callable[[Any], Any],
    *,
    actors: int | None = None,
    setup: Callable[..., None] | None = None,
    setup_args: tuple[Any, ...] = (),
    timeout_s: float | None = None,
    max_memory_mb: int | None = None,
    address: str | None = None,
) -> Iterator[tuple[int, Any]]:
    """Run ``task(item)`` for every item in Ray actors; yield ``(index, result)`` in completion order.

    ``actors``: how many (default: one per free CPU of the cluster). ``address``: a running
    cluster (``auto``, or ``HOST:PORT`` of its head); None starts a local one for this run.
    When this process is already connected to Ray, that connection is used and kept.
    ``task`` and ``setup`` must be importable module-level functions, installed on every node.
    Raises WorkerStartError when Ray is missing, the cluster cannot be reached or the actors
    cannot start.
    """
    if actors is not None and actors < 1:
        raise ValueError(f"The 'actors' parameter must be a positive integer. Got {actors!r} instead.")
    if not items:
        return
    ray = _import_ray()
    with _Connection(ray, address) as connection:
        count = actors or connection.free_cpus()
        pool = _Pool(ray, task, setup, setup_args, timeout_s, max_memory_mb, min(count, len(items)))
        try:
            yield from pool.run(items)
        finally:
            pool.stop()


@dataclass
class _Slot:
    """The driver's view of one actor: starting (``index`` None) or running the call ``ref`` on item ``index``."""

    actor: Any
    ref: Any
    index: int | None = None
    since: float = 0.0


class _Pool:
    """The actors of one run, and the loop that feeds them one item at a time."""

    def __init__(self, ray: Any, task: Callable[[Any], Any], setup: Callable[..., None] | None,
                 setup_args: tuple[Any, ...], timeout_s: float | None, max_memory_mb: int | None, size: int) -> None:
        self.ray = ray
        self.timeout_s = timeout_s
        self.max_memory_bytes = max_memory_mb * _MB if max_memory_mb else None
        self.size = size
        self.args = (task, setup, setup_args, self.max_memory_bytes)
        self.actor_class = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0)(_BatchWorker)
        self.slots: dict[Any, _Slot] = {}  # by the ref the driver waits on
        self.start_deaths = 0

    def run(self, items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        queue = deque(range(len(items)))
        deaths: dict[int, int] = {}
        waiting_since = time.monotonic()
        while queue or self._busy():
            self._top_up(len(queue))
            done, _ = self.ray.wait(list(self.slots), num_returns=1, timeout=self._wait_seconds())
            finished: list[tuple[int, Any]] = []
            for ref in done:
                slot = self.slots.pop(ref)
                if slot.index is None:
                    self._started(slot)
                else:
                    result = self._outcome(slot)
                    if result is _DIED:
                        deaths[slot.index] = deaths.get(slot.index, 0) + 1
                        if deaths[slot.index] <= MAX_RETRIES:
                            queue.appendleft(slot.index)  # on a new actor, started by _top_up
                            continue
                        result = WorkerFailure("crash", f"its worker died {deaths[slot.index]} times")
                    finished.append((slot.index, result))
                if slot.actor is not None:
                    self._assign(slot, queue, items)  # before the driver writes this result's outputs
            now = time.monotonic()
            for slot in self._overdue(now):
                self._discard(slot)
                finished.append((slot.index, WorkerFailure("timeout")))
            if done or self._busy():
                waiting_since = now
            elif now - waiting_since > _STARTUP_SECONDS:
                raise WorkerStartError(
                    f"no Ray actor became ready in {_STARTUP_SECONDS:g} s: the cluster has no free CPU "
                    "(another job holds them) or its nodes cannot load the model"
                )
            yield from finished

    def _busy(self) -> bool:
        return any(slot.index is not None for slot in self.slots.values())

    def _top_up(self, queued: int) -> None:
        """Start actors for queued items, up to the pool's size (replacing the ones stopped)."""
        starting = sum(1 for slot in self.slots.values() if slot.index is None)
        for _ in range(min(self.size - len(self.slots), queued - starting)):
            actor = self.actor_class.remote(*self.args)
            ref = actor.ready.remote()
            self.slots[ref] = _Slot(actor, ref)

    def _wait_seconds(self) -> float:
        if self.timeout_s is None or not self._busy():
            return _POLL_SECONDS
        deadline = min(slot.since for slot in self.slots.values() if slot.index is not None) + self.timeout_s
        return min(_POLL_SECONDS, max(0.0, deadline - time.monotonic()))

    def _started(self, slot: _Slot) -> None:
        """An actor finished loading: check it did; one that died while loading is replaced, a few times."""
        try:
            failure = self.ray.get(slot.ref)
        except self.ray.exceptions.RayError as err:
            self._discard(slot)
            slot.actor = None
            self.start_deaths += 1
            if self.start_deaths > max(3, self.size):
                detail = f"a Ray actor died while loading the model: {_first_line(err)}"
                raise WorkerStartError(_start_reason(detail, self.max_memory_bytes)) from err
            return
        if failure is not None:
            raise WorkerStartError(_start_reason(failure, self.max_memory_bytes))

    def _outcome(self, slot: _Slot) -> Any:
        """The call's result, a WorkerFailure (its actor then stopped), or _DIED (its actor is gone)."""
        exceptions = self.ray.exceptions
        gone = tuple(getattr(exceptions, name) for name in _GONE if hasattr(exceptions, name))
        try:
            result = self.ray.get(slot.ref)
        except gone:
            self._discard(slot)  # dead already, or unreachable: never left holding a CPU
            slot.actor = None
            return _DIED
        except exceptions.RayTaskError as err:  # the task raised past analyse_report: this worker is suspect
            self._discard(slot)
            slot.actor = None
            kind = "memory" if isinstance(err.cause, MemoryError) else "crash"
            return WorkerFailure(kind, type(err.cause).__name__ if kind == "crash" else "")
        if isinstance(result, WorkerFailure):  # out of memory under the cap: a fresh actor takes over
            self._discard(slot)
            slot.actor = None
        return result

    def _assign(self, slot: _Slot, queue: deque[int], items: Sequence[Any]) -> None:
        """Give a free actor the next item, or stop it when there is none."""
        if not queue:
            self._discard(slot)
            return
        slot.index = queue.popleft()
        slot.ref = slot.actor.run.remote(items[slot.index])
        slot.since = time.monotonic()
        self.slots[slot.ref] = slot

    def _overdue(self, now: float) -> list[_Slot]:
        limit = self.timeout_s
        return [s for s in self.slots.values() if limit is not None and s.index is not None and now - s.since > limit]

    def _discard(self, slot: _Slot) -> None:
        self.slots.pop(slot.ref, None)
        if slot.actor is not None:
            self.ray.kill(slot.actor, no_restart=True)

    def stop(self) -> None:
        """Kill every actor still alive (busy ones too: their calls are abandoned)."""
        for slot in list(self.slots.values()):
            self._discard(slot)


_DIED = object()  # what _Pool._outcome returns when the actor died under the call
# What ray.get raises when the actor (or its node, or its result) is gone, whatever the Ray version.
_GONE = ("RayActorError", "ObjectLostError", "OutOfMemoryError", "NodeDiedError")


def _first_line(err: BaseException) -> str:
    return next((line.strip() for line in str(err).splitlines() if line.strip()), type(err).__name__)


# ----------------------------------------------------------------------------------------
# Inside an actor
# ----------------------------------------------------------------------------------------


class _BatchWorker:
    """One Ray actor: the limits, then ``setup`` once; then ``task`` per call.

    A failed setup is kept and told to the driver by :meth:`ready`, which stops the run with
    the reason. MemoryError in a task is answered as WorkerFailure("memory"): the driver then
    replaces this actor, whose heap may be in pieces.
    """

    def __init__(self, task: Callable[[Any], Any], setup: Callable[..., None] | None, setup_args: tuple[Any, ...],
                 max_memory_bytes: int | None) -> None:
        self.task = task
        self.failure: str | None = None
        try:
            _limit_resources(None if max_memory_bytes is None else _mapped_bytes() + max_memory_bytes)
            if setup is not None:
                setup(*setup_args)
        except MemoryError:
            self.failure = "memory"
        except BaseException as err:  # noqa: BLE001 - reported to the driver, which stops the batch
            self.failure = " ".join(str(err).split()) or type(err).__name__

    def ready(self) -> str | None:
        """None once the setup ran, else why it failed."""
        return self.failure

    def run(self, item: Any) -> Any:
        try:
            return self.task(item)
        except MemoryError:
            return WorkerFailure("memory")


def _mapped_bytes() -> int:
    """This process's address space now (what RLIMIT_AS counts); 0 where psutil cannot read it."""
    import psutil

    try:
        return int(psutil.Process().memory_info().vms)
    except psutil.Error:
        return 0
