"""Build throughput: articles per second per stage, workers, memory and size, against spaCy alone.

    .venv/bin/python bench/build.py [--shared ../shared] [--sizes 3000,12000] [--workers 1,2] [--json FILE]
                                    [--keep DIR]

Corpus: the first N records of ../shared/bench/allsides.jsonl.gz (12,000 real
articles, JSON Lines), copied to a temporary .jsonl file before anything is
timed. For each size, and for each worker count W, two configurations run,
each in a process of its own (so that its peak memory is its own), in this
order: spaCy alone with W processes, then the build with W workers.

- **spaCy alone**, the reference for the limit: `ingest.document.nlp.load()` (the
  configured model with its whole pipeline, as the quote stage uses it),
  `nlp.pipe` over the N records' `text` field in batches of 32 articles
  (the model's default, 256 whole articles, only costs memory: 1.9 GB at
  100 articles); with W > 1, W processes each parsing chunks of 32 texts
  and returning only counts. Loading the model (and starting the
  processes) is inside the time, as it is for the build.
- **The build**: `ingest.build.build()` of the N-record file into a new
  database with `workers=W`, exactly as `press-atlas build` runs it: W
  processes analyse while the build's own process reads, reuses and
  writes (with one worker too, since commit 92af59d), so a build can use
  a little more than W cores where spaCy alone uses W; the ratio by CPU
  seconds per article compares the work itself.
  Stage times come from instrumentation, not from a second run: `read` is
  the time spent in `read_sources` (main process), `extract` / `quotes` /
  `entities` are the per-document timings each Analysis carries
  (`Analysis.timings`, measured in the workers, summed over them and
  divided by W), `write` is the writer's batched inserts (main process),
  `linking` the corpus-level stages (ingest/corpus/stages.py: the
  build's `Summary.timings`) and `FTS` the full-text
  indexes (both also shown pass by pass, in seconds). The per-document
  stage is the wall clock from the start of the
  build to the last analysis written; "whole build" is the wall clock of
  the whole call, up to the database renamed into place.

Every figure is articles per second of wall-clock time (N / seconds), so
the columns are comparable; the stages overlap (the main process reads
and writes while the workers analyse, one worker too), so they do not add up.
Peak memory is the largest sum of the resident memory of the configuration's
process and all its descendants (workers, the forkserver), sampled ten
times a second; CPU seconds are summed over the same processes. "Cores
used" is CPU seconds ÷ wall-clock seconds: what the configuration got of a
machine other jobs share. Since the share swings with the other jobs, the
build-÷-spaCy ratio is also given by CPU seconds per article, which the
load barely moves. The 2-workers-÷-1 ratio of the per-document
stage is shown as the product of the cores each run got and its articles
per CPU-second (the workers' CPU in `analyse`, `Analysis.timings["cpu"]`,
plus the main process's): the first is the machine's doing, the second the
build's (1.0 means no parallel overhead).
Database size is the file renamed into place, against the UTF-8 size of
the records' texts (the analysis cache the build keeps beside it is
reported on its own).

**One file added**: after each build, the build runs again to the same
database with one more file, the first page of ../shared/corpus/seeds
(a real news page not in allsides): every allsides record is reused from
the analyses kept beside the database, the page is analysed, and the
corpus-level linking runs again in full. This is done REBUILDS (3) times,
each adding the next seeds page (the earlier ones reused), and the median
time is compared with the full build's, in the same run (target: at most
0.05); all three times are in the JSON (`all_seconds`).

With --json FILE, the measurements are written to FILE after each
configuration, and a run started again with the same FILE skips the
configurations already there (a 12,000-article run takes hours).

With --rebuilds-again (and --json and --keep of an earlier run), only the
"one file added" rebuilds are measured again, with the code as it is now,
on each configuration's kept database and analyses: for a change to the
corpus-level linking, which the full build's time hardly depends on. The
seeds pages are first dropped from the kept analyses, so that each
rebuild has one new file again; the rows' full builds stay as they were
measured (the JSON then says which rebuilds were measured again, and when).

The targets (issue 7): the whole build at least 0.70 of spaCy alone's
throughput with the same number of processes; 2 workers at least 1.7x one
worker on the per-document stage; peak memory at 12,000 articles within
1.2x of that at 3,000; one file added at most 0.05 of a full build. The machine is shared: compare ratios within one run,
and see the load average each row was measured under.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import closing
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from measure import allsides_slice  # noqa: E402

from ingest.corpus.stages import stage_names  # noqa: E402

PER_DOCUMENT = ("extract", "quotes", "entities")
LINKING = tuple(name for name in stage_names() if name != "fts")
SAMPLE_SECONDS = 0.1
SPACY_CHUNK = 32
REBUILDS = 3  # "one file added", each time with one more seeds page; the median counts


# --- one configuration, in its own process -------------------------------------------------

def _load_model() -> None:
    from ingest.document import nlp as nlpmod

    nlpmod.load()


def _parse_chunk(texts: list[str]) -> int:
    from ingest.document import nlp as nlpmod

    return sum(len(doc) for doc in nlpmod.load().pipe(texts, batch_size=SPACY_CHUNK))


def run_spacy(path: Path, workers: int) -> dict:
    """spaCy alone over the records' texts with `workers` processes."""
    import multiprocessing

    texts = [json.loads(line).get("text") or "" for line in path.open(encoding="utf-8")]
    started = time.perf_counter()
    if workers <= 1:
        _load_model()
        tokens = _parse_chunk(texts)
    else:
        chunks = [texts[i:i + SPACY_CHUNK] for i in range(0, len(texts), SPACY_CHUNK)]
        ctx = multiprocessing.get_context("forkserver")
        with ctx.Pool(workers, initializer=_load_model) as pool:
            tokens = sum(pool.imap_unordered(_parse_chunk, chunks))
    return {"articles": len(texts), "tokens": tokens, "seconds": time.perf_counter() - started}


def run_build(path: Path, workers: int, folder: Path) -> dict:
    """`ingest.build.build` with its reader and writer instrumented."""
    from ingest import build as buildmod
    from ingest.store.writer import Writer

    read_sources = buildmod.read_sources
    read_seconds = 0.0

    def timed_read(*args, **kwargs):
        nonlocal read_seconds
        documents = read_sources(*args, **kwargs)
        while True:
            started = time.perf_counter()
            doc = next(documents, None)
            read_seconds += time.perf_counter() - started
            if doc is None:
                return
            yield doc

    class TimedWriter(Writer):
        last: "TimedWriter | None" = None

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            TimedWriter.last = self
            self.per_document: dict[str, float] = defaultdict(float)
            self.write_seconds = 0.0
            self.analysed_at = self.main_cpu_analysed = 0.0

        def add(self, analysis) -> None:
            for stage, seconds in getattr(analysis, "timings", {}).items():
                self.per_document[stage] += seconds
            self._timed(super().add, analysis)

        def flush(self) -> None:
            self._timed(super().flush)

        def _timed(self, method, *args) -> None:
            """Seconds writing, counted once (add may flush a batch)."""
            if getattr(self, "_timing", False):
                return method(*args)
            self._timing, started = True, time.perf_counter()
            try:
                method(*args)
            finally:
                self._timing = False
                self.write_seconds += time.perf_counter() - started

    link = buildmod.link

    def timed_link(db, *args, **kwargs):
        writer = TimedWriter.last
        writer.analysed_at = time.perf_counter()
        writer.main_cpu_analysed = _own_cpu()
        return link(db, *args, **kwargs)

    buildmod.read_sources = timed_read
    buildmod.Writer = TimedWriter
    buildmod.link = timed_link
    db = folder / f"build-{workers}.db"
    started, cpu_started = time.perf_counter(), _own_cpu()
    summary = buildmod.build([str(path)], db, workers=workers)
    total = time.perf_counter() - started
    writer = TimedWriter.last
    cache = [p for p in folder.iterdir() if p.name.startswith(f".{db.name}.") and p.name.endswith(".analyses")]
    return {
        "articles": summary.articles, "documents": summary.documents, "errors": summary.errors,
        "seconds": total,
        "main_cpu_seconds": _own_cpu() - cpu_started,
        "per_document_stage": writer.analysed_at - started,
        # CPU of the per-document stage: the main process's, plus the workers' analyses.
        "per_document_cpu": writer.main_cpu_analysed - cpu_started
        + (writer.per_document.get("cpu", 0.0) if workers >= 1 else 0.0),
        "read": read_seconds,
        "stages": {stage: writer.per_document.get(stage, 0.0) / max(1, workers) for stage in PER_DOCUMENT},
        "write": writer.write_seconds,
        "linking": sum(summary.timings.get(stage, 0.0) for stage in LINKING),
        "linking_stages": {stage: summary.timings.get(stage, 0.0) for stage in LINKING},
        "fts": summary.timings.get("fts", 0.0),
        "db_bytes": db.stat().st_size,
        "db_tables": table_sizes(db),
        "cache_bytes": sum(p.stat().st_size for p in cache),
    }


def run_rebuild(path: Path, added: list[Path], workers: int, folder: Path) -> dict:
    """The build again, to the database the previous build left (and the
    analyses kept beside it), with `added` after the corpus: all but the
    last were in that build, so one file is new: what `press-atlas build`
    costs when one new page joins the corpus."""
    from ingest import build as buildmod

    db = folder / f"build-{workers}.db"
    started = time.perf_counter()
    summary = buildmod.build([str(path), *map(str, added)], db, workers=workers)
    return {"seconds": time.perf_counter() - started, "documents": summary.documents,
            "reused": summary.reused, "analysed": summary.analysed, "timings": summary.timings}


def _own_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def table_sizes(db: Path) -> dict[str, int]:
    """Bytes per table, its indexes and full-text index included (SQLite's dbstat)."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        owner = dict(conn.execute("select name, tbl_name from sqlite_master where type in ('table', 'index')"))
        sizes: dict[str, int] = defaultdict(int)
        for name, size in conn.execute("select name, sum(pgsize) from dbstat group by name"):
            table = owner.get(name, name)
            for suffix in ("_fts_data", "_fts_idx", "_fts_docsize", "_fts_config", "_fts_content", "_fts"):
                table = table.removesuffix(suffix)
            sizes[table] += size
        return dict(sizes)
    finally:
        conn.close()


# --- measuring a process tree -------------------------------------------------------------

PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, int, float, int]]:
    """pid -> (parent pid, resident bytes, CPU seconds, start time) for every process."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2:].split()
        out[int(entry)] = (int(fields[1]), int(fields[21]) * PAGE,
                           (int(fields[11]) + int(fields[12])) / TICKS, int(fields[19]))
    return out


def _tree(root: int, processes: dict) -> list[int]:
    children = defaultdict(list)
    for pid, (parent, *_rest) in processes.items():
        children[parent].append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in processes:
            found.append(pid)
            todo.extend(children[pid])
    return found


def _loadavg() -> float:
    with open("/proc/loadavg") as fh:
        return float(fh.read().split()[0])


def measured(args: list[str]) -> dict:
    """Run this script with `args` in a new process; its result, with the peak
    resident memory and the CPU seconds of its process tree."""
    load_before = _loadavg()
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)
    peak = 0
    cpu: dict[tuple[int, int], float] = {}
    while proc.poll() is None:
        processes = _processes()
        pids = _tree(proc.pid, processes)
        peak = max(peak, sum(processes[pid][1] for pid in pids))
        for pid in pids:
            cpu[pid, processes[pid][3]] = processes[pid][2]
        time.sleep(SAMPLE_SECONDS)
    out = proc.stdout.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed with exit code {proc.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    result.update(peak_bytes=peak, cpu_seconds=sum(cpu.values()), load=(load_before + _loadavg()) / 2)
    return result


def check_kept(keep: Path, results: dict, sizes: list[int], workers: list[int]) -> None:
    """Each configuration to measure again has its kept database, and its
    kept analyses are this code's (else every document would be analysed
    again: hours at 12,000)."""
    import sqlite3

    from ingest.store import cache

    version = cache.version_key(True)
    for n, w in sorted(results):
        if n not in sizes or w not in workers:
            continue
        folder = keep / str(n)
        analyses = folder / f".build-{w}.db.analyses"
        if not (folder / f"build-{w}.db").exists() or not analyses.exists():
            raise SystemExit(f"{folder}: no kept build-{w}.db and its analyses")
        with closing(sqlite3.connect(analyses)) as conn, closing(sqlite3.connect(folder / f"build-{w}.db")) as db:
            kept = conn.execute("select count(*) from analyses where version = ?", [version]).fetchone()[0]
            articles = db.execute("select count(*) from articles").fetchone()[0]
        if kept < articles - REBUILDS:
            raise SystemExit(f"{analyses}: {kept} analyses of this code's version for {articles} articles: "
                             "the per-document code changed since they were kept; a full run is needed")


def measure_rebuilds(folder: Path, n: int, w: int, added: list[Path]) -> dict:
    """REBUILDS rebuilds of the build in `folder`, each with one more seeds
    page (the machine is noisy): the median, with all the times."""
    import hashlib
    import sqlite3

    path = folder / f"allsides-{n}.jsonl"
    analyses = folder / f".build-{w}.db.analyses"
    # The seeds pages must be new to the first rebuild (a kept run's
    # analyses may hold them); a file with the same bytes is the same
    # document. (Their texts' band keys for the copies pass may stay
    # kept: a few milliseconds of MinHash.)
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in added]
    conn = sqlite3.connect(analyses)
    with conn:
        conn.executemany("delete from analyses where sha256 = ?", [(d,) for d in digests])
    conn.close()
    rebuilds = []
    for k in range(1, REBUILDS + 1):
        rebuilds.append(measured(["--run", "rebuild", "--input", str(path), "--workers", str(w),
                                  "--added", *map(str, added[:k])]))
        if rebuilds[-1]["analysed"] != 1:
            raise SystemExit(f"{n} articles, {w} workers: {rebuilds[-1]['analysed']} documents analysed "
                             "in a rebuild with one file added, not 1")
        print(f"{n} articles, {w} workers: one file added {rebuilds[-1]['seconds']:.0f} s", file=sys.stderr)
    rebuild = sorted(rebuilds, key=lambda r: r["seconds"])[len(rebuilds) // 2]
    rebuild["all_seconds"] = [r["seconds"] for r in rebuilds]
    return rebuild


# --- the tables ---------------------------------------------------------------------------

def _rate(articles: int, seconds: float) -> str:
    return f"{articles / seconds:,.2f}" if seconds > 0 else "-"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a and b else "pending"


def tables(results: dict[tuple[int, int], dict]) -> str:
    throughput = [
        "| articles | workers | read | extract | quotes | entities | write | linking | FTS "
        "| per-document stage | whole build | spaCy alone | build ÷ spaCy |",
        "|---:|---:|" + "---:|" * 11,
    ]
    cpu = [
        "| articles | workers | build CPU s | of which main process | per-document stage: cores used "
        "| spaCy alone CPU s | spaCy alone: cores used | load average (build / spaCy) |",
        "|---:|---:|" + "---:|" * 6,
    ]
    storage = [
        "| articles | workers | build peak RSS MB | spaCy alone peak RSS MB | database MB | raw text MB "
        "| database ÷ text | analysis cache MB | largest tables (share of the database) |",
        "|---:|---:|" + "---:|" * 6 + "---|",
    ]
    linking = [
        "| articles | workers | " + " | ".join(f"{stage} s" for stage in LINKING) + " | FTS s |",
        "|---:|---:|" + "---:|" * (len(LINKING) + 1),
    ]
    for (n, w), r in sorted(results.items()):
        b, s = r["build"], r["spacy"]
        a = b["articles"]
        linking.append(f"| {n:,} | {w} | " + " | ".join(f"{b['linking_stages'][k]:.1f}" for k in LINKING)
                       + f" | {b['fts']:.1f} |")
        stages = [b["read"], *(b["stages"][k] for k in PER_DOCUMENT), b["write"], b["linking"], b["fts"],
                  b["per_document_stage"], b["seconds"]]
        throughput.append(f"| {n:,} | {w} | " + " | ".join(_rate(a, t) for t in stages)
                          + f" | {_rate(s['articles'], s['seconds'])} | "
                          + f"**{(a / b['seconds']) / (s['articles'] / s['seconds']):.2f}** |")
        cpu.append(f"| {n:,} | {w} | {b['cpu_seconds']:,.0f} | {b['main_cpu_seconds']:,.0f} "
                   f"| {b['per_document_cpu'] / b['per_document_stage']:.2f} | {s['cpu_seconds']:,.0f} "
                   f"| {s['cpu_seconds'] / s['seconds']:.2f} | {b['load']:.1f} / {s['load']:.1f} |")
        biggest = sorted(b["db_tables"].items(), key=lambda kv: -kv[1])[:4]
        largest = ", ".join(f"{name} {size / b['db_bytes']:.0%}" for name, size in biggest)
        storage.append(
            f"| {n:,} | {w} | {b['peak_bytes'] / 1e6:,.0f} | {s['peak_bytes'] / 1e6:,.0f} "
            f"| {b['db_bytes'] / 1e6:,.1f} | {r['text_bytes'] / 1e6:,.1f} | {b['db_bytes'] / r['text_bytes']:.2f} "
            f"| {b['cache_bytes'] / 1e6:,.1f} | {largest} |")
    sizes = sorted({n for n, _ in results})
    workers = sorted({w for _, w in results})
    targets = ["| target | " + " | ".join(f"{n:,} articles" for n in sizes) + " |",
               "|---|" + "---:|" * len(sizes)]
    def per_size(w: int, label: str, value, target: str = "") -> str:
        cells = [value(results[n, w]) if (n, w) in results else "pending" for n in sizes]
        return f"| {label}, {w} worker{'' if w == 1 else 's'}{target} | " + " | ".join(cells) + " |"

    for w in workers:
        targets.append(per_size(w, "whole build ÷ spaCy alone", lambda r: _ratio(
            r["build"]["articles"] / r["build"]["seconds"], r["spacy"]["articles"] / r["spacy"]["seconds"]),
            " (≥ 0.70)"))
        targets.append(per_size(w, "the same by CPU seconds per article (whatever the load)", lambda r: _ratio(
            r["spacy"]["cpu_seconds"] / r["spacy"]["articles"], r["build"]["cpu_seconds"] / r["build"]["articles"])))
        targets.append(per_size(w, "one file added ÷ full build", lambda r: (
            f"{r['rebuild']['seconds'] / r['build']['seconds']:.3f}" if r.get("rebuild") else "pending"),
            " (≤ 0.05 at 12,000)"))
    if 1 in workers and 2 in workers:
        def two_over_one(value) -> str:
            return " | ".join(_ratio(value(results[n, 2]) if (n, 2) in results else None,
                                     value(results[n, 1]) if (n, 1) in results else None) for n in sizes)

        def stage(r: dict) -> float:
            return r["build"]["articles"] / r["build"]["per_document_stage"]

        def cores(r: dict) -> float:
            return r["build"]["per_document_cpu"] / r["build"]["per_document_stage"]

        def per_cpu(r: dict) -> float:
            return r["build"]["articles"] / r["build"]["per_document_cpu"]

        targets += [
            f"| per-document stage, 2 workers ÷ 1 (≥ 1.7) | {two_over_one(stage)} |",
            f"| = cores it got, 2 workers ÷ 1 | {two_over_one(cores)} |",
            f"| × articles per CPU-second, 2 workers ÷ 1 | {two_over_one(per_cpu)} |",
            "| (reference) spaCy alone, 2 processes ÷ 1 | "
            + two_over_one(lambda r: r["spacy"]["articles"] / r["spacy"]["seconds"]) + " |",
        ]
    incremental = [
        "| articles | workers | full build s | one file added s | reused | analysed | one file added ÷ full build "
        "| peak RSS MB (full / one added) | reading, reusing and writing the documents s "
        "| linking s in the rebuild (largest passes) |",
        "|---:|---:|" + "---:|" * 7 + "---|",
    ]
    for (n, w), r in sorted(results.items()):
        b, re_ = r["build"], r.get("rebuild")
        if not re_:
            continue
        passes = sorted(((k, v) for k, v in re_["timings"].items() if k != "documents"), key=lambda kv: -kv[1])[:4]
        documents = re_["timings"].get("documents")  # (not measured before Writer.timings had it)
        again = " †" if re_.get("measured_again") else ""
        incremental.append(
            f"| {n:,} | {w} | {b['seconds']:,.1f} | {re_['seconds']:,.1f}{again} | {re_['reused']:,} | {re_['analysed']:,} "
            f"| **{re_['seconds'] / b['seconds']:.3f}** | {b['peak_bytes'] / 1e6:,.0f} / {re_['peak_bytes'] / 1e6:,.0f} "
            f"| {'-' if documents is None else f'{documents:.1f}'} | " + ", ".join(f"{k} {v:.1f}" for k, v in passes) + " |")
    again_at = {r["rebuild"]["measured_again"] for r in results.values()
                if r.get("rebuild") and r["rebuild"].get("measured_again")}
    memory = []
    for w in workers:
        small, large = results.get((3000, w)), results.get((12000, w))
        memory.append(f"{w} worker{'' if w == 1 else 's'}: "
                      + _ratio(large and large["build"]["peak_bytes"], small and small["build"]["peak_bytes"]))
    return "\n".join([
        "Throughput, articles per second (wall clock; per-document stages summed over the workers ÷ W):", "",
        *throughput, "",
        "The linking passes (corpus level, main process), wall-clock seconds:", "",
        *linking, "",
        "CPU (cores used = CPU seconds of the processes ÷ wall-clock seconds: on a 2-core machine shared "
        "with other jobs, how much of it the configuration got):", "",
        *cpu, "",
        "Memory and size:", "",
        *storage, "",
        "Incremental: the same build again with one file added (a seeds page; the median of "
        f"{REBUILDS} rebuilds, each adding the next seeds page), its analyses kept "
        "beside the database (target ≤ 0.05 of the full build):", "",
        *incremental, "",
        *(["† measured again later, with the code of that time, on the database and analyses the full build "
           f"kept (bench/build.py --rebuilds-again): {', '.join(sorted(again_at))}.", ""] if again_at else []),
        "Targets:", "",
        *targets, "",
        "Peak memory at 12,000 ÷ at 3,000 articles (≤ 1.2): " + "; ".join(memory),
    ])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--sizes", default="3000,12000", help="numbers of allsides articles, comma-separated")
    parser.add_argument("--workers", default="1,2", help="worker counts, comma-separated")
    parser.add_argument("--json", type=Path, help="also write the raw measurements to this file")
    parser.add_argument("--keep", type=Path, help="keep each configuration's input, database and kept "
                        "analyses in this folder (to measure rebuilds again later)")
    parser.add_argument("--rebuilds-again", action="store_true",
                        help="measure only the rebuilds again, on the databases kept by an earlier run "
                        "(needs --json and --keep)")
    parser.add_argument("--run", choices=("spacy", "build", "rebuild"), help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--added", type=Path, nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    workers = [int(w) for w in args.workers.split(",")]
    if args.run:
        import warnings

        warnings.filterwarnings("ignore")
        if args.run == "spacy":
            print(json.dumps(run_spacy(args.input, workers[0])))
        elif args.run == "rebuild":
            print(json.dumps(run_rebuild(args.input, args.added, workers[0], args.input.parent)))
        else:
            print(json.dumps(run_build(args.input, workers[0], args.input.parent)))
        return
    source = args.shared / "bench" / "allsides.jsonl.gz"
    if not source.exists():
        parser.error(f"{source} not found: pass --shared")
    added = sorted((args.shared / "corpus" / "seeds").iterdir())[:REBUILDS]  # real news pages, not in allsides
    sizes = [int(n) for n in args.sizes.split(",")]
    results = {}
    if args.json and args.json.exists():  # a run cut short goes on where it stopped
        results = {(r["articles"], r["workers"]): r for r in json.loads(args.json.read_text())}
        print(f"resuming: {sorted(results)} already measured in {args.json}", file=sys.stderr)
    if args.rebuilds_again:
        if not (args.json and args.keep and args.json.exists()):
            parser.error("--rebuilds-again needs --json and --keep of an earlier run")
        check_kept(args.keep, results, sizes, workers)
        for (n, w) in sorted(results):
            if n in sizes and w in workers:
                results[n, w]["rebuild"] = measure_rebuilds(args.keep / str(n), n, w, added)
                results[n, w]["rebuild"]["measured_again"] = time.strftime("%Y-%m-%d %H:%M")
                args.json.write_text(json.dumps(list(results.values()), indent=1))
    with tempfile.TemporaryDirectory(prefix="press-atlas-bench-") as tmp:
        for n in [] if args.rebuilds_again else sizes:
            if all((n, w) in results for w in workers):
                continue
            folder = Path(tmp) / str(n)
            folder.mkdir()
            path, text_bytes = allsides_slice(args.shared, n, folder)
            for w in workers:
                if (n, w) in results:
                    continue
                common = ["--input", str(path), "--workers", str(w)]
                spacy = measured(["--run", "spacy", *common])
                print(f"{n} articles, {w} workers: spaCy alone {spacy['seconds']:.0f} s", file=sys.stderr)
                build = measured(["--run", "build", *common])
                print(f"{n} articles, {w} workers: build {build['seconds']:.0f} s", file=sys.stderr)
                rebuild = measure_rebuilds(folder, n, w, added)
                for p in [*folder.glob("build-*"), *folder.glob(".build-*")]:
                    if args.keep:
                        (args.keep / str(n)).mkdir(parents=True, exist_ok=True)
                        shutil.move(p, args.keep / str(n) / p.name)
                    else:
                        p.unlink()
                if args.keep and not (args.keep / str(n) / path.name).exists():
                    shutil.copy(path, args.keep / str(n) / path.name)
                results[n, w] = {"articles": n, "workers": w, "spacy": spacy, "build": build,
                                 "rebuild": rebuild, "text_bytes": text_bytes}
                if args.json:
                    args.json.write_text(json.dumps(list(results.values()), indent=1))
    print(f"Build throughput on the first N allsides articles ({time.strftime('%Y-%m-%d')}, "
          f"{os.cpu_count()} cores):")
    print()
    print(tables(results))


if __name__ == "__main__":
    main()
