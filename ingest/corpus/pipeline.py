"""Run the linking stages (ingest/corpus/stages.py) over a database.

In one process, in the declared order. With a second process (an
executor), the order follows from the declarations:

- a stage whose heavy part may run elsewhere is started there as soon as
  no earlier stage still to run writes what it gathers (one that only
  `seldom_writes` it does not hold it back: if that stage then changes
  the table, the started one is started again);
- meanwhile the build's process runs the next stages that can move ahead
  of every earlier stage still to run (neither reads what the other
  writes), except that it first waits for a started stage whose result
  another stage is waiting to start from;
- a started stage's result is applied in its place among the others.

Either way each stage sees the same data, so the database is the same.
"""

from __future__ import annotations

import time
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from . import stages as declared
from .stages import Stage, conflict


@dataclass
class _Started:
    future: Future
    marks: dict[str, tuple[int, int]]  # table seldom written by an earlier stage -> its rows when gathered


def run_stages(db, *, executor: Executor | None = None, needs: dict[str, Any] | None = None,
               timings: dict[str, float] | None = None, checkpoint: Callable[[str], None] = lambda name: None,
               stages: Sequence[Stage] | None = None) -> None:
    """Run every stage once. `needs`: values for the stages' `needs`
    (the kept band keys); `timings` gets the seconds each stage spent in
    this process; `checkpoint(name)` is called before each stage starts."""
    pending = list(declared.STAGES if stages is None else stages)
    needs = needs or {}
    timings = {} if timings is None else timings
    started: dict[str, _Started] = {}

    def timed(stage: Stage, work: Callable[[], Any]) -> Any:
        begun = time.perf_counter()
        try:
            return work()
        finally:
            timings[stage.name] = timings.get(stage.name, 0.0) + time.perf_counter() - begun

    def start(stage: Stage, earlier: Sequence[Stage]) -> None:
        marks = {table: _rows_of(db, table) for e in earlier for table in e.seldom_writes
                 if conflict(frozenset({table}), stage.inputs)}
        data = timed(stage, lambda: stage.gather(db))
        started[stage.name] = _Started(executor.submit(stage.compute, data), marks)

    while pending:
        if executor is not None:
            for i, stage in enumerate(pending):
                if stage.offloadable and stage.name not in started and _may_start(stage, pending[:i]):
                    checkpoint(stage.name)
                    start(stage, pending[:i])
        stage = _next(pending, started)
        pending.remove(stage)
        if stage.name in started:
            result = started.pop(stage.name).future.result()
            timed(stage, lambda: stage.apply(db, result))
        else:
            checkpoint(stage.name)
            if stage.offloadable:
                timed(stage, lambda: stage.apply(db, stage.compute(stage.gather(db))))
            else:
                timed(stage, lambda: stage.run(db, **{name: needs.get(name) for name in stage.needs}))
        for name, begun in list(started.items()):
            if any(_rows_of(db, table) != rows for table, rows in begun.marks.items()
                   if table in stage.seldom_writes):
                # What it gathered changed after all: gathered again (and
                # queued behind the first computation, which runs to its end).
                again = next(s for s in pending if s.name == name)
                del started[name]
                start(again, pending[:pending.index(again)])


def _may_start(stage: Stage, earlier: Sequence[Stage]) -> bool:
    """No earlier stage still to run writes what it gathers."""
    return not any(conflict(e.writes, stage.inputs) for e in earlier)


def _may_pass(stage: Stage, other: Stage) -> bool:
    """Whether `stage` may run before `other`, declared earlier."""
    return not (conflict(stage.reads, other.writes | other.seldom_writes)
                or conflict(stage.writes | stage.seldom_writes, other.reads | other.writes | other.seldom_writes))


def _next(pending: list[Stage], started: dict[str, _Started]) -> Stage:
    """The stage to run or apply next (see the module's docstring)."""
    first = pending[0]
    if first.name in started and any(
            s.offloadable and s.name not in started and conflict(first.writes, s.inputs) for s in pending[1:]):
        return first
    for i, stage in enumerate(pending):
        if stage.name not in started and all(_may_pass(stage, other) for other in pending[:i]):
            return stage
    return first


def _rows_of(db, table: str) -> tuple[int, int]:
    """Which rows a table holds, in short: rows removed, or removed and
    others added, change it (new rows get new rowids)."""
    return tuple(db.execute(f"select count(*), coalesce(sum(rowid), 0) from [{table}]").fetchone())


def schedule(stages: Sequence[Stage] | None = None, second_process: bool = True) -> list[str]:
    """The order the stages would start and finish in, as
    "start NAME" / "run NAME" / "apply NAME" (for tests and docs): what
    run_stages does, without a database."""
    pending = list(declared.STAGES if stages is None else stages)
    started: set[str] = set()
    order = []
    while pending:
        if second_process:
            for i, stage in enumerate(pending):
                if stage.offloadable and stage.name not in started and _may_start(stage, pending[:i]):
                    started.add(stage.name)
                    order.append(f"start {stage.name}")
        stage = _next(pending, dict.fromkeys(started))  # type: ignore[arg-type]
        pending.remove(stage)
        order.append(f"{'apply' if stage.name in started else 'run'} {stage.name}")
        started.discard(stage.name)
    return order
