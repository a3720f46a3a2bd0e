"""Train the text cleaner's line model on the article-extraction benchmark.

    .venv/bin/python bench/line_model.py [--shared ../shared]

Each page of ../shared/bench/aeb/text is split into lines the way the text
path splits them; a line is "article" when at least half of its 4-gram
shingles are in the gold body. A gradient-boosted tree model (scikit-learn)
learns article vs not from ingest.document.clean's features. The script prints the
cross-validated line accuracy, then trains on every page and writes
ingest/document/models/text_lines.json, which the text path reads at run time (no
scikit-learn needed there).

bench/extraction.py imports `folds` and `train` to score the text path with
k-fold cross-validation: every page is cleaned by a model that never saw it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from aeb_metric import shingles, tokens  # noqa: E402

from ingest.document import clean, extract  # noqa: E402

PARAMS = {"n_estimators": 250, "max_depth": 4, "learning_rate": 0.1, "subsample": 0.8, "random_state": 0}
K = 5


def label(line: str, gold_shingles: set) -> int:
    line_shingles = shingles(tokens(line))
    inside = sum(n for s, n in line_shingles.items() if s in gold_shingles)
    return 1 if inside * 2 >= sum(line_shingles.values()) else 0


def page_examples(text: str, gold: str):
    """(features, labels) for one page's lines."""
    lines, _placeholders = extract.split_lines(text)
    title_index = extract.locate_title(lines, None)
    gold_shingles = set(shingles(tokens(gold)))
    return clean.line_features(lines, title_index), [label(line, gold_shingles) for line in lines]


def load_pages(aeb: Path) -> list[tuple[str, str, str]]:
    gold = json.loads((aeb / "ground-truth.json").read_text("utf-8"))
    return [(pid, (aeb / "text" / f"{pid}.txt").read_text("utf-8", "replace"), gold[pid]["articleBody"])
            for pid in sorted(gold)]


def folds(page_ids: list[str], k: int = K) -> list[set[str]]:
    """k disjoint sets of page ids, fixed by the ids' order."""
    return [set(page_ids[i::k]) for i in range(k)]


def _fit(X, y, names):
    from sklearn.ensemble import GradientBoostingClassifier

    return export(GradientBoostingClassifier(**PARAMS).fit(X, y), names)


def train(examples: list[tuple[list, list]], inner: int = 3) -> clean.LineModel:
    """Both stages. The second stage learns from first-stage scores made
    out of fold (inner folds of the training pages), as it will see them on
    pages the first stage never saw."""
    names = list(clean.FEATURE_NAMES)
    first = _fit([x for xs, _ in examples for x in xs], [v for _, ys in examples for v in ys], names)
    X2, y2 = [], []
    for k in range(inner):
        fit_on = [e for i, e in enumerate(examples) if i % inner != k]
        scorer = _fit([x for xs, _ in fit_on for x in xs], [v for _, ys in fit_on for v in ys], names)
        for i, (xs, ys) in enumerate(examples):
            if i % inner == k:
                scores = [scorer.probability(x) for x in xs]
                X2.extend(x + c for x, c in zip(xs, clean.context_features(scores)))
                y2.extend(ys)
    second = _fit(X2, y2, names + clean.CONTEXT_NAMES)
    return clean.LineModel(first, second)


def export(model, names: list[str]) -> clean.TreeEnsemble:
    import numpy as np

    init = float(model._raw_predict_init(np.zeros((1, model.n_features_in_)))[0, 0])
    trees = []
    for (estimator,) in model.estimators_:
        t = estimator.tree_
        trees.append({
            "feature": [int(f) for f in t.feature],
            "threshold": [float(v) for v in t.threshold],
            "left": [int(v) for v in t.children_left],
            "right": [int(v) for v in t.children_right],
            "value": [float(v) for v in t.value[:, 0, 0]],
        })
    return clean.TreeEnsemble(names, init, float(model.learning_rate), trees)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train the text cleaner's line model.")
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    args = parser.parse_args(argv)
    pages = load_pages(args.shared / "bench" / "aeb")
    examples = {pid: page_examples(text, gold) for pid, text, gold in pages}
    correct = total = 0
    for held_out in folds(sorted(examples)):
        model = train([examples[p] for p in examples if p not in held_out])
        for pid in held_out:
            xs, ys = examples[pid]
            for p, y in zip(model.probabilities(xs), ys):
                correct += (p >= model.threshold) == bool(y)
                total += 1
    print(f"{K}-fold line accuracy: {correct / total:.4f} on {total} lines of {len(pages)} pages")
    model = train(list(examples.values()))
    clean.MODEL_PATH.parent.mkdir(exist_ok=True)
    clean.MODEL_PATH.write_text(json.dumps({
        "about": "Text-dump line classifier, trained by bench/line_model.py on ../shared/bench/aeb/text",
        "params": PARAMS, **model.to_json(),
    }, separators=(",", ":")), "utf-8")
    print(f"wrote {clean.MODEL_PATH} ({clean.MODEL_PATH.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
