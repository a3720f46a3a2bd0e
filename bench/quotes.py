"""Quote extraction and attribution, side by side with textacy, on PolNeAR.

    .venv/bin/python bench/quotes.py [--shared ../shared] [--split dev|train] [--limit N]

Methods, same spaCy model (ingest.document.nlp.load()), same articles, same run:
- press-atlas `ingest.document.quotes.extract_quotes` on the article's paragraphs
  (it parses only the paragraphs it needs; speakers re-chosen by its
  learned ranker, trained on train only by bench/quote_model.py);
- textacy 0.13 `direct_quotations`, applied paragraph by paragraph (each
  paragraph parsed with the full pipeline; a paragraph where textacy raises,
  e.g. on an odd number of quote marks, yields nothing).

Metric (the one suggested in ../shared/bench/README.md): predicted quote
spans are matched one to one to the gold quoted segments by character
overlap (a match needs overlap >= 50% of the gold span; pairs are taken by
decreasing overlap). Quote P/R/F1 from the matches. On matched quotes the
speaker is correct when the predicted speaker span overlaps a gold source
span, or when the two mentions resolve to the same person: both the
predicted and the gold mention are resolved by the same resolver
(`ingest.document.quotes.resolve_mentions`, for textacy's speakers as for ours) and
compared by surname. A gold quote with no source is right only with no
predicted speaker. Quote+speaker F1 counts a match only when its speaker is
correct. Speed is articles per CPU-second of this
process, model loading excluded. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
from bisect import bisect_right
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from ingest.document import nlp as nlp_module  # noqa: E402
from ingest.document.quotes import extract_quotes, resolve_mentions  # noqa: E402


@dataclass(frozen=True)
class Predicted:
    """A predicted quote in article offsets."""

    start: int
    end: int
    speaker: tuple[int, int] | None


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    sources: tuple[tuple[int, int, str], ...]


@dataclass
class Counts:
    predicted: int = 0
    gold: int = 0
    matched: int = 0
    speaker_right: int = 0

    def add(self, other: "Counts") -> None:
        self.predicted += other.predicted
        self.gold += other.gold
        self.matched += other.matched
        self.speaker_right += other.speaker_right


def load_articles(polnear: Path, split: str, limit: int | None) -> list[dict]:
    rows = [json.loads(line) for line in (polnear / "gold_quotes.jsonl").open(encoding="utf-8")]
    rows = [r for r in rows if r["split"] == split][:limit]
    for row in rows:
        row["text"] = (polnear / "data" / row["text_path"]).read_text("utf-8")
        row["gold"] = [Gold(s, e, tuple(map(tuple, q["source"])))
                       for q in row["quotes"] for s, e, _ in q["quoted_segments"]]
    return rows


def paragraphs_of(text: str) -> tuple[list[str], list[int]]:
    """The article's non-empty lines (its paragraphs, headline first) and
    where each starts in the text."""
    paragraphs, offsets, pos = [], [], 0
    for line in text.split("\n"):
        if line.strip():
            paragraphs.append(line)
            offsets.append(pos)
        pos += len(line) + 1
    return paragraphs, offsets


def ours(paragraphs: list[str], offsets: list[int]) -> list[Predicted]:
    found = []
    for q in extract_quotes(paragraphs):
        speaker = None
        if q.speaker_paragraph is not None:
            base = offsets[q.speaker_paragraph]
            speaker = (base + q.speaker_start, base + q.speaker_end)
        found.append(Predicted(offsets[q.paragraph] + q.start, offsets[q.paragraph] + q.end, speaker))
    return found


def textacy_per_paragraph(paragraphs: list[str], offsets: list[int]) -> list[Predicted]:
    from textacy.extract.triples import direct_quotations

    found = []
    for doc, base in zip(nlp_module.load().pipe(paragraphs), offsets):
        try:
            triples = list(direct_quotations(doc))
        except ValueError:
            continue
        for speaker, _cue, content in triples:
            start = base + speaker[0].idx
            end = base + speaker[-1].idx + len(speaker[-1])
            found.append(Predicted(base + content.start_char, base + content.end_char, (start, end)))
    return found


METHODS = {
    "press-atlas extract_quotes": ours,
    "textacy direct_quotations (per paragraph)": textacy_per_paragraph,
}


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match(predicted: list[Predicted], gold: list[Gold]) -> list[tuple[Predicted, Gold]]:
    """One-to-one matches, overlap >= half the gold span, best overlaps first."""
    pairs = []
    for p in predicted:
        for g in gold:
            overlap = _overlap((p.start, p.end), (g.start, g.end))
            if overlap and overlap >= 0.5 * (g.end - g.start):
                pairs.append((overlap, id(p), id(g), p, g))
    pairs.sort(key=lambda x: -x[0])
    used_p, used_g, matches = set(), set(), []
    for _, pid, gid, p, g in pairs:
        if pid in used_p or gid in used_g:
            continue
        used_p.add(pid)
        used_g.add(gid)
        matches.append((p, g))
    return matches


def _in_paragraph(span: tuple[int, int], offsets: list[int]) -> tuple[int, int, int]:
    paragraph = bisect_right(offsets, span[0]) - 1
    return paragraph, span[0] - offsets[paragraph], span[1] - offsets[paragraph]


def _surname(name: str | None) -> str | None:
    return name.split()[-1].casefold() if name and name.split() else None


def score(predicted: list[Predicted], gold: list[Gold], paragraphs: list[str], offsets: list[int]) -> Counts:
    """Counts for one article; speakers that do not overlap the gold source
    are compared after resolving both mentions."""
    matches = match(predicted, gold)
    right, to_resolve = 0, []
    for p, g in matches:
        if not g.sources or p.speaker is None:
            right += not g.sources and p.speaker is None
        elif any(_overlap(p.speaker, (s, e)) for s, e, _ in g.sources):
            right += 1
        else:
            to_resolve.append((p.speaker, (g.sources[0][0], g.sources[0][1])))
    if to_resolve:
        mentions = [_in_paragraph(span, offsets) for pair in to_resolve for span in pair]
        names = resolve_mentions(paragraphs, mentions)
        right += sum(_surname(ours) is not None and _surname(ours) == _surname(theirs)
                     for ours, theirs in zip(names[::2], names[1::2]))
    return Counts(len(predicted), len(gold), len(matches), right)


def _prf(tp: int, predicted: int, gold: int) -> tuple[float, float, float]:
    p = tp / predicted if predicted else 0.0
    r = tp / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(articles: list[dict]) -> list[dict]:
    nlp_module.load()  # loading is not timed
    results = []
    for name, method in METHODS.items():
        total, cpu = Counts(), 0.0
        for article in articles:
            paragraphs, offsets = paragraphs_of(article["text"])
            start = time.process_time()
            predicted = method(paragraphs, offsets)
            cpu += time.process_time() - start
            total.add(score(predicted, article["gold"], paragraphs, offsets))
        p, r, f = _prf(total.matched, total.predicted, total.gold)
        sp, sr, sf = _prf(total.speaker_right, total.predicted, total.gold)
        results.append({"method": name, "p": p, "r": r, "f1": f,
                        "speaker_acc": total.speaker_right / total.matched if total.matched else 0.0,
                        "qs_f1": sf, "qs_p": sp, "qs_r": sr, "articles_per_s": len(articles) / cpu if cpu else 0.0,
                        "counts": total})
    return results


def table(results: list[dict], label: str) -> str:
    lines = [f"| {label} | quote P | quote R | quote F1 | speaker acc. (matched) | quote+speaker F1 | articles/CPU-s |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['method']} | {100 * r['p']:.1f} | {100 * r['r']:.1f} | {100 * r['f1']:.1f} | "
                     f"{100 * r['speaker_acc']:.1f}% | **{100 * r['qs_f1']:.1f}** | {r['articles_per_s']:.2f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--split", choices=("dev", "train"), default="dev")
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    args = parser.parse_args(argv)
    polnear = args.shared / "bench" / "polnear"
    if not polnear.is_dir():
        parser.error(f"{polnear} not found: pass --shared")
    warnings.filterwarnings("ignore")
    articles = load_articles(polnear, args.split, args.limit)
    gold = sum(len(a["gold"]) for a in articles)
    label = f"PolNeAR {args.split} ({len(articles)} articles, {gold} gold quoted segments)"
    print(table(run(articles), label))
    print()
    print("press-atlas rules were tuned, and its speaker ranker (ingest/document/models/quote_speakers.json, "
          "bench/quote_model.py) trained, on the train split only; dev is held out for reporting.")


if __name__ == "__main__":
    main()
