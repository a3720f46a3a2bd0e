"""Train the quote speaker ranker (ingest/document/models/quote_speakers.json).

    .venv/bin/python bench/quote_model.py [--shared ../shared] [--folds 5] [--no-write]

On the PolNeAR *train* split only (dev is never read): the articles'
quotes are extracted with the rules alone (`ingest.document.quotes.analyse_quotes(...,
rank=False)`), matched to the gold quoted segments the way bench/quotes.py
matches them, and every candidate speaker of a matched quote
(`ingest.document.quotes.speaker_candidates`) is labelled by whether it overlaps the
gold source span. Quotes whose gold source is among none of their
candidates are left out. A gradient-boosted classifier scores candidates;
the ranker keeps each quote's best-scoring one. The script prints, by
article-grouped k-fold cross-validation on train, how often the top
candidate is a gold source (rules vs ranker), then fits on all of train
and writes the model as JSON for `ingest.document.clean.TreeEnsemble`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from ingest.document import quotes as Q  # noqa: E402
from ingest.document.quotes.ranker import SPEAKER_MODEL_PATH  # noqa: E402
import quotes as bench  # noqa: E402  (bench/quotes.py)

PARAMS = {"n_estimators": 100, "max_depth": 4, "learning_rate": 0.2, "subsample": 0.8, "min_samples_leaf": 5,
          "random_state": 0}


def article_groups(article: dict, docs=None) -> list[tuple[list[list[float]], list[int]]]:
    """(feature rows, labels) per matched quote of one article."""
    paragraphs, offsets = bench.paragraphs_of(article["text"])
    infos, _, quotes = Q.analyse_quotes(paragraphs, docs, rank=False)
    predicted = [bench.Predicted(offsets[q.paragraph] + q.start, offsets[q.paragraph] + q.end, None)
                 for q in quotes]
    gold_of = {id(p): g for p, g in bench.match(predicted, article["gold"])}
    groups, previous = [], None
    for quote, p in zip(quotes, predicted):
        g = gold_of.get(id(p))
        if g is not None and g.sources and quote.kind != "block" \
                and (quote.speaker is not None or quote.kind == "direct"):
            candidates = Q.speaker_candidates(infos, quote, previous)
            labels = []
            for c in candidates:
                base = offsets[c.mention.paragraph]
                span = (base + c.mention.start, base + c.mention.end)
                labels.append(int(any(bench._overlap(span, (s, e)) for s, e, _ in g.sources)))
            if any(labels):
                groups.append(([[c.features[n] for n in Q.SPEAKER_FEATURES] for c in candidates], labels))
        previous = quote
    return groups


def fit(groups, params=None):
    params = params or PARAMS
    from sklearn.ensemble import GradientBoostingClassifier

    X = [x for xs, _ in groups for x in xs]
    y = [v for _, ys in groups for v in ys]
    return GradientBoostingClassifier(**params).fit(X, y)


def top_right(model, groups) -> tuple[int, int]:
    """(ranker right, rules right) over the groups."""
    rule = Q.SPEAKER_FEATURES.index("c_rule")
    ranker = rules = 0
    for xs, ys in groups:
        scores = model.predict_proba(xs)[:, 1]
        best = max(range(len(xs)), key=lambda i: scores[i])
        ranker += ys[best]
        rules += any(x[rule] and y for x, y in zip(xs, ys))
    return ranker, rules


def export(model) -> dict:
    from line_model import export as export_trees  # bench/line_model.py

    ensemble = export_trees(model, list(Q.SPEAKER_FEATURES))
    return {"features": ensemble.features, "init": ensemble.init, "learning_rate": ensemble.learning_rate,
            "trees": ensemble.trees}


def main(argv=None, docs_of=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds on train (0: none)")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")
    start = time.time()
    articles = bench.load_articles(args.shared / "bench" / "polnear", "train", None)
    per_article = [article_groups(a, docs_of(a) if docs_of else None) for a in articles]
    n_groups = sum(map(len, per_article))
    print(f"train: {len(articles)} articles, {n_groups} matched quotes with a gold source among their "
          f"candidates, {sum(len(xs) for g in per_article for xs, _ in g)} candidates "
          f"({time.time() - start:.0f} s)")
    if args.folds:
        ranker = rules = 0
        for k in range(args.folds):
            fit_on = [g for i, gs in enumerate(per_article) if i % args.folds != k for g in gs]
            held = [g for i, gs in enumerate(per_article) if i % args.folds == k for g in gs]
            r, b = top_right(fit(fit_on), held)
            ranker, rules = ranker + r, rules + b
        print(f"{args.folds}-fold CV on train, top candidate is a gold source: ranker {100 * ranker / n_groups:.1f}%, "
              f"rules {100 * rules / n_groups:.1f}%")
    model = fit([g for gs in per_article for g in gs])
    if not args.no_write:
        out = {"about": "Quote speaker ranker, trained by bench/quote_model.py on the PolNeAR train split "
                        "(../shared/bench/polnear); dev never seen",
               "params": PARAMS, "train_quotes": n_groups, "model": export(model)}
        SPEAKER_MODEL_PATH.write_text(json.dumps(out, separators=(",", ":")), "utf-8")
        print(f"wrote {SPEAKER_MODEL_PATH} ({SPEAKER_MODEL_PATH.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
