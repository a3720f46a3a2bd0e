"""Incremental builds: a full build against rebuilds over it.

    .venv/bin/python bench/incremental.py [--size 3000] [--nlp | --no-nlp] [--workers 2] [--shared ../shared]

On the first --size allsides articles (../shared/bench/allsides.jsonl.gz),
three builds to the same database, each in a process of its own:

1. full: all but the last of them, as one JSON Lines file; no database and
   no kept analyses before it;
2. one file added: a second file holding the last one;
3. unchanged: the same inputs again.

For each: documents reused and analysed, wall seconds, the corpus-level
linking's share (outlets to stories, FTS, indexes), the ratio to the full
build, and peak resident memory of the build process and of its largest
worker. The database each rebuild gives is checked against the full
build's content (all tables, canonical order) for the added-file case by a
second full build, so the speed-up is not bought with a different result.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from measure import peak_rss  # noqa: E402


def _descendants_peak(stop: threading.Event, found: list[int]) -> None:
    """Largest peak resident memory (VmHWM) of this process's descendants
    (the workers, the forkserver), sampled every half second."""
    me = os.getpid()
    while not stop.wait(0.5):
        parents = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as fh:
                        parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
        for pid in parents:
            p, seen = pid, 0
            while p in parents and p != me and seen < 10:
                p, seen = parents[p], seen + 1
            if p == me and pid != me:
                try:
                    with open(f"/proc/{pid}/status") as fh:
                        for line in fh:
                            if line.startswith("VmHWM:"):
                                found.append(int(line.split()[1]) * 1024)
                except OSError:
                    continue


def one_build(corpus: Path, db: Path, workers: int, nlp: bool) -> dict:
    """Runs in its own process: one build, timed, with its peak memory."""
    from ingest.build import build
    from ingest.store.cache import cache_path_for

    stop, worker_peaks = threading.Event(), [0]
    sampler = threading.Thread(target=_descendants_peak, args=(stop, worker_peaks), daemon=True)
    sampler.start()
    started = time.perf_counter()
    summary = build([str(corpus)], db, workers=workers, nlp=nlp)
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    return {
        "seconds": seconds, "reused": summary.reused, "analysed": summary.analysed,
        "documents": summary.documents, "articles": summary.articles,
        "linking": sum(v for k, v in summary.timings.items() if k != "documents"), "timings": summary.timings,
        "peak": peak_rss(),
        "worker_peak": max(worker_peaks),
        "db_bytes": db.stat().st_size,
        "cache_bytes": cache_path_for(db).stat().st_size,
    }


def _run(corpus: Path, db: Path, workers: int, nlp: bool) -> dict:
    args = [sys.executable, __file__, "--one-build", str(corpus), "--db", str(db), "--workers", str(workers),
            "--nlp" if nlp else "--no-nlp"]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _write_corpus(shared: Path, size: int, folder: Path) -> Path:
    """The first `size` - 1 articles as corpus/allsides.jsonl; the next one
    (the size-th: allsides has exactly 12,000) returned as the file to add."""
    corpus = folder / "corpus"
    corpus.mkdir()
    extra = folder / "added.jsonl"
    with gzip.open(shared / "bench" / "allsides.jsonl.gz", "rt", encoding="utf-8") as src, \
            open(corpus / "allsides.jsonl", "w", encoding="utf-8") as out:
        for i, line in enumerate(src):
            if i < size - 1:
                out.write(line)
            else:
                extra.write_text(line, encoding="utf-8")
                break
    if not extra.exists():
        raise SystemExit(f"allsides has fewer than {size} articles")
    return extra


def _same_content(a: Path, b: Path) -> bool:
    import sqlite3

    def dump(path):
        conn = sqlite3.connect(path)
        try:
            out = {}
            for name, sql in conn.execute("select name, sql from sqlite_master where type = 'table'"):
                if not sql.upper().startswith("CREATE VIRTUAL TABLE"):
                    order = "1" if "WITHOUT ROWID" in sql.upper() else "rowid"
                    out[name] = conn.execute(f"select * from [{name}] order by {order}").fetchall()
            return out
        finally:
            conn.close()

    return dump(a) == dump(b)


def table(shared: Path, size: int, nlp: bool, workers: int, check: bool) -> str:
    with tempfile.TemporaryDirectory(prefix="press-atlas-incremental-") as tmp:
        folder = Path(tmp)
        extra = _write_corpus(shared, size, folder)
        corpus = folder / "corpus"
        db = folder / "atlas.db"
        runs = [("full build", _run(corpus, db, workers, nlp))]
        (corpus / "added.jsonl").write_text(extra.read_text("utf-8"), encoding="utf-8")
        runs.append(("one file added", _run(corpus, db, workers, nlp)))
        runs.append(("unchanged", _run(corpus, db, workers, nlp)))
        same = None
        if check:
            fresh = folder / "fresh" / "atlas.db"
            _run(corpus, fresh, workers, nlp)
            same = _same_content(db, fresh)

    full = runs[0][1]["seconds"]
    lines = [f"The first {size:,} allsides articles (the last of them added for the rebuild), "
             f"{'with' if nlp else 'without'} NLP, {workers} worker(s):",
             "",
             "| build | documents | reused | analysed | seconds | of which linking, FTS, indexes | "
             "time / full build | peak RSS, build process (MB) | peak RSS, largest worker (MB) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, r in runs:
        lines.append(f"| {name} | {r['documents']:,} | {r['reused']:,} | {r['analysed']:,} | {r['seconds']:.1f} "
                     f"| {r['linking']:.1f} | {r['seconds'] / full:.3f} | {r['peak'] / 1e6:.0f} "
                     f"| {r['worker_peak'] / 1e6:.0f} |")
    stages = runs[1][1]["timings"]
    lines += ["", "Rebuild with one file added, seconds per corpus-level stage: "
              + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()),
              f"Database {runs[-1][1]['db_bytes'] / 1e6:.0f} MB; kept analyses and band keys beside it "
              f"{runs[-1][1]['cache_bytes'] / 1e6:.0f} MB"]
    if same is not None:
        lines.append(f"Rebuild's database equals a full build's (every table, row by row): {same}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--size", type=int, default=3000)
    parser.add_argument("--nlp", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-check", dest="check", action="store_false",
                        help="skip the second full build that checks the rebuild's content")
    parser.add_argument("--one-build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one_build:
        print(json.dumps(one_build(args.one_build, args.db, args.workers, args.nlp)))
        return
    print(table(args.shared, args.size, args.nlp, args.workers, args.check))


if __name__ == "__main__":
    main()
