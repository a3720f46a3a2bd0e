"""Linking across the corpus: stories, copies and the cost of linking.

    .venv/bin/python bench/linking.py [--shared ../shared] [--part stories|copies|scaling|all]

Stories: B-cubed precision, recall and F1 against the benchmark's EventId on
../shared/bench/giveme5w1h, for ingest.corpus.stories and for a baseline (TF-IDF
cosine with single-link clustering at its best threshold, which flatters it).
Copies: the whole-article copies and shared passages found among the seeds
and in allsides, with a sample to check by hand.
Scaling: time and peak memory of the corpus-level linking stage (outlets,
repeated lines, copies, entities, stories, FTS) on the first 3,000, 6,000
and 12,000 allsides articles. The per-document stage runs first, untimed,
without NLP (so the entity pass has nothing to resolve; bench/build.py times
the NLP stages).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from ingest.corpus import stories  # noqa: E402
from measure import allsides_slice, peak_rss, peak_rss_reset  # noqa: E402


def bcubed(predicted: list[list[str]], gold: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 of a clustering against gold labels."""
    cluster_of = {i: k for k, members in enumerate(predicted) for i in members}
    members = defaultdict(set)
    for i, k in cluster_of.items():
        members[k].add(i)
    by_class = defaultdict(set)
    for i, c in gold.items():
        by_class[c].add(i)
    p = r = 0.0
    for i, c in gold.items():
        mine, theirs = members[cluster_of[i]], by_class[c]
        both = len(mine & theirs)
        p += both / len(mine)
        r += both / len(theirs)
    p, r = p / len(gold), r / len(gold)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def load_giveme(shared: Path, keys: dict[str, frozenset] | None = None
                ) -> tuple[list[stories.StoryInput], dict[str, str]]:
    """The benchmark's articles (its own title and text, so every method
    reads the same words) and their events; `keys` adds each article's
    entities and shared quotes, as the build finds them."""
    items, gold = [], {}
    for path in sorted((shared / "bench" / "giveme5w1h" / "articles").glob("*.json")):
        d = json.loads(path.read_text("utf-8"))
        items.append(stories.StoryInput(d["dId"], d.get("title") or "", d.get("text") or "",
                                        d.get("date_publish"), (keys or {}).get(d["dId"], frozenset())))
        gold[d["dId"]] = str(d["newsCluster"]["EventId"])
    return items, gold


def giveme_keys(shared: Path, db: Path | None = None) -> tuple[dict[str, frozenset], float]:
    """Each giveme5w1h article's story keys (entities, shared quotes) from a
    real build with NLP (`press-atlas build`, 2 workers, untimed here but
    its seconds returned), by the benchmark's document id."""
    import subprocess

    seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        if db is None:
            db = Path(tmp) / "giveme.db"
            started = time.perf_counter()
            subprocess.run([str(HERE.parent / ".venv" / "bin" / "press-atlas"), "build",
                            str(shared / "bench" / "giveme5w1h" / "articles"), "--db", str(db), "--workers", "2"],
                           check=True, capture_output=True)
            seconds = time.perf_counter() - started
        conn = sqlite3.connect(db)
        conn.create_function("stem", 1, lambda p: Path(p).stem)
        db_keys = stories.story_keys(_Execute(conn))
        ids = dict(conn.execute("select a.id, stem(s.path) from articles a join sources s on s.id = a.source"))
        conn.close()
    return {ids[a]: frozenset(k) for a, k in db_keys.items() if a in ids}, seconds


class _Execute:
    """Enough of sqlite_utils.Database for stories.story_keys."""

    def __init__(self, conn):
        self.execute = conn.execute


def single_link(items: list[stories.StoryInput], threshold: float, matrix=None) -> list[list[str]]:
    """Baseline: TF-IDF cosine (scikit-learn), single link at `threshold`."""
    from scipy.sparse.csgraph import connected_components

    if matrix is None:
        matrix = tfidf_cosine(items)
    graph = matrix >= threshold
    _n, labels = connected_components(graph, directed=False)
    clusters = defaultdict(list)
    for item, label in zip(items, labels):
        clusters[label].append(item.id)
    return list(clusters.values())


def tfidf_cosine(items):
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"{i.title}\n{i.text}" for i in items]
    x = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    return (x @ x.T).toarray()


def stories_table(shared: Path, db: Path | None = None) -> str:
    keys, build_seconds = giveme_keys(shared, db)
    items, gold = load_giveme(shared, keys)
    lines = ["| method | threshold | B-cubed precision | recall | F1 | stories | seconds |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    start = time.perf_counter()
    matrix = tfidf_cosine(items)
    best = None
    for t in [x / 100 for x in range(5, 96, 1)]:
        p, r, f = bcubed(single_link(items, t, matrix), gold)
        if best is None or f > best[3]:
            best = (t, p, r, f)
    baseline_seconds = time.perf_counter() - start
    t, p, r, f = best
    n = len(single_link(items, t, matrix))
    lines.append(f"| TF-IDF cosine, single link (best threshold of 91, chosen on all events) | {t:.2f} "
                 f"| {p:.3f} | {r:.3f} | **{f:.3f}** | {n} | {baseline_seconds:.1f} |")
    for label, keys in (("press-atlas stories, words only", False),
                        ("press-atlas stories, words + shared entities and quotes (the build)", True)):
        start = time.perf_counter()
        predicted = stories.group_stories(items, keys=keys)
        seconds = time.perf_counter() - start
        p, r, f = bcubed(predicted, gold)
        lines.append(f"| {label} | {stories.JOIN_THRESHOLD:.2f} | {p:.3f} "
                     f"| {r:.3f} | **{f:.3f}** | {len(predicted)} | {seconds:.2f} |")
    # The threshold, time penalty and key weight were chosen on the
    # even-numbered events: the odd ones are a held-out check.
    odd = {i for i, c in gold.items() if int(c) % 2}
    sub = [i for i in items if i.id in odd]
    sub_gold = {i: c for i, c in gold.items() if i in odd}
    for label, keys in (("words only", False), ("words + entities and quotes", True)):
        p, r, f = bcubed(stories.group_stories(sub, keys=keys), sub_gold)
        lines.append(f"| held-out half (odd events): press-atlas stories, {label} | {stories.JOIN_THRESHOLD:.2f} "
                     f"| {p:.3f} | {r:.3f} | **{f:.3f}** | | |")
    p0, r0, f0 = bcubed(single_link(sub, t), sub_gold)
    lines.append(f"| held-out half (odd events): TF-IDF single link at the threshold above | {t:.2f} | {p0:.3f} "
                 f"| {r0:.3f} | **{f0:.3f}** | | |")
    lines.append("")
    lines.append("Entities and shared quotes from `press-atlas build` with NLP on the same 383 pages "
                 + (f"({build_seconds:.0f} s, not in the table's seconds)." if db is None
                    else f"(the database given: {db.name})."))
    return "\n".join(lines)


def tune(shared: Path, db: Path | None = None) -> None:
    """Threshold and key-weight sweep of our method on even and odd events separately."""
    keys, _ = giveme_keys(shared, db)
    items, gold = load_giveme(shared, keys)
    chosen = dict(stories.KEY_WEIGHTS)
    try:
        for quote, entity in ((0, 0), (2, 0.5), (6, 0), (6, 0.25), (6, 0.5), (6, 1), (6, 2)):
            stories.KEY_WEIGHTS.update(quote=quote, entity=entity)
            for half in ("even", "odd"):
                keep = {i for i, c in gold.items() if (int(c) % 2 == 0) == (half == "even")}
                sub = [i for i in items if i.id in keep]
                sub_gold = {i: c for i, c in gold.items() if i in keep}
                row = [f"{t:.2f}:{bcubed(stories.group_stories(sub, t), sub_gold)[2]:.3f}"
                       for t in [x / 100 for x in range(10, 32, 2)]]
                print(half, f"quote x{quote} entity x{entity}", " ".join(row))
    finally:
        stories.KEY_WEIGHTS.update(chosen)


def _build(sources: list[Path], db: Path):
    """The per-document stage, untimed, then the linking stage under a
    clock. Returns (timings, peak resident bytes during linking)."""
    from ingest.build import link
    from ingest.document.analyse import analyse
    from ingest.document.read import ReadStats, read_sources
    from ingest.store.writer import Writer

    writer = Writer(db)
    for doc in read_sources([str(s) for s in sources], ReadStats()):
        writer.add(analyse(doc, nlp=False))
    writer.flush()
    peak_rss_reset()
    started, cpu = time.perf_counter(), time.process_time()
    timings: dict[str, float] = {}
    link(writer.db, workers=1, timings=timings)
    writer.close()
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {**timings, "total": total, "cpu": cpu}, peak_rss()


def _scaling_run(shared: Path, n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path, _ = allsides_slice(shared, n, Path(tmp))
        timings, peak = _build([path], Path(tmp) / f"{n}.db")
    return {"timings": timings, "peak": peak}


def scaling_table(shared: Path) -> str:
    """Each size in its own process, so one size's memory does not count for the next."""
    import subprocess

    from ingest.corpus.stages import stage_names

    stages = [*stage_names(), "total", "cpu"]
    lines = ["| articles | " + " | ".join(f"{s} s" for s in stages)
             + " | peak RSS while linking (MB) | wall time / at 3,000 | CPU time / at 3,000 |",
             "|---:|" + "---:|" * (len(stages) + 3)]
    base = None
    for n in (3000, 6000, 12000):
        out = subprocess.run([sys.executable, __file__, "--shared", str(shared), "--scaling-run", str(n)],
                             check=True, capture_output=True, text=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        timings = result["timings"]
        base = base or timings
        lines.append(f"| {n:,} | " + " | ".join(f"{timings.get(s, 0):.1f}" for s in stages)
                     + f" | {result['peak'] / 1e6:.0f} | {timings['total'] / base['total']:.2f}"
                     f" | {timings['cpu'] / base['cpu']:.2f} |")
    return "\n".join(lines)


def copies_report(shared: Path, sample: int = 20) -> str:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, sources in (("seeds", [shared / "corpus" / "seeds"]),
                              ("allsides", [shared / "bench" / "allsides.jsonl.gz"])):
            db_path = Path(tmp) / f"{name}.db"
            _build(sources, db_path)
            db = sqlite3.connect(db_path)
            n_articles = db.execute("select count(*) from articles").fetchone()[0]
            copies = db.execute("""
                select c.id, o.id, c.copy_score, coalesce(c.outlet, '?'), coalesce(o.outlet, '?'),
                       c.published, o.published, c.title, o.title
                from articles c join articles o on o.id = c.duplicate_of
                order by c.id""").fetchall()
            passages = db.execute("select count(*), count(distinct article_a || article_b) from shared_passages"
                                  ).fetchone()
            same_outlet = sum(1 for r in copies if r[3] == r[4] and r[3] != "?")
            out.append(f"### {name}: {n_articles:,} articles, {len(copies)} whole-article copies "
                       f"({same_outlet} within one outlet's own output), {passages[0]:,} shared passages "
                       f"between {passages[1]:,} article pairs")
            out.append("")
            out.append("| copy | original | score | copy outlet | original outlet | copy date | original date "
                       "| copy title | original title |")
            out.append("|---|---|---:|---|---|---|---|---|---|")
            step = max(1, len(copies) // sample)
            for r in copies[::step][:sample]:
                out.append("| " + " | ".join(str(x)[:60].replace("|", "/") if x is not None else "" for x in r)
                           + " |")
            out.append("")
            db.close()
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--part", default="all", choices=["stories", "copies", "scaling", "tune", "all"])
    parser.add_argument("--scaling-run", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--giveme-db", type=Path, help="a giveme5w1h database already built with NLP "
                        "(default: build one, about a minute)")
    args = parser.parse_args(argv)
    if args.scaling_run:
        print(json.dumps(_scaling_run(args.shared, args.scaling_run)))
        return
    if args.part == "tune":
        tune(args.shared, args.giveme_db)
        return
    if args.part in ("stories", "all"):
        print("Stories on giveme5w1h (383 articles, 69 events):")
        print()
        print(stories_table(args.shared, args.giveme_db))
        print()
    if args.part in ("copies", "all"):
        print("Copies (an evenly spaced sample of the pairs found, to check by hand):")
        print()
        print(copies_report(args.shared))
    if args.part in ("scaling", "all"):
        print("Linking stage on the first N allsides articles (one process):")
        print()
        print(scaling_table(args.shared))


if __name__ == "__main__":
    main()
