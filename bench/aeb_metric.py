"""The article-extraction benchmark's own metric (scrapinghub/article-extraction-benchmark).

Tokens are \\w+ matches (Unicode, case kept). Each text becomes the multiset
of its 4-gram shingles of tokens; a text shorter than 4 tokens is a single
shingle. Per page: TP is the size of the multiset intersection, FP what the
prediction has beyond it, FN what the gold has beyond it; all three are
divided by their sum so every page weighs the same. Precision is averaged
over pages with a non-empty prediction, recall over all pages (an empty
prediction has recall 0); F1 is the harmonic mean of the two averages.
Accuracy is the share of pages whose token lists match exactly.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(toks: list[str], n: int = 4) -> Counter:
    return Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1)))


@dataclass
class PageScore:
    tp: float
    fp: float
    fn: float
    empty_prediction: bool
    exact: bool


def score_page(gold: str, predicted: str) -> PageScore:
    gold_tokens, pred_tokens = tokens(gold), tokens(predicted)
    g, p = shingles(gold_tokens), shingles(pred_tokens)
    tp = sum((g & p).values())
    fp = sum(p.values()) - tp
    fn = sum(g.values()) - tp
    total = tp + fp + fn
    if total:
        tp, fp, fn = tp / total, fp / total, fn / total
    return PageScore(tp, fp, fn, not pred_tokens, gold_tokens == pred_tokens)


@dataclass
class Score:
    precision: float
    recall: float
    f1: float
    accuracy: float
    pages: int


def aggregate(pages: list[PageScore]) -> Score:
    precisions = [
        1.0 if s.fp == 0 and s.fn == 0 else (s.tp / (s.tp + s.fp) if s.tp + s.fp else 0.0)
        for s in pages if not s.empty_prediction
    ]
    recalls = [
        0.0 if s.empty_prediction else (1.0 if s.fp == 0 and s.fn == 0 else
                                        (s.tp / (s.tp + s.fn) if s.tp + s.fn else 0.0))
        for s in pages
    ]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(s.exact for s in pages) / len(pages) if pages else 0.0
    return Score(precision, recall, f1, accuracy, len(pages))
