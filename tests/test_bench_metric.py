"""The article-extraction metric, on hand-worked examples."""

import sys

import pytest

from helpers import REPO

sys.path.insert(0, str(REPO / "bench"))
from aeb_metric import aggregate, score_page, shingles, tokens  # noqa: E402


def test_tokens_and_shingles():
    assert tokens("Kyiv’s 11,000 troops — ça va") == ["Kyiv", "s", "11", "000", "troops", "ça", "va"]
    assert shingles(["a", "b", "c", "d", "e"]) == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles(["a", "b"]) == {("a", "b"): 1}


def test_perfect_and_empty_predictions():
    gold = "one two three four five six"
    perfect = score_page(gold, "One two three four five six".lower())
    assert (perfect.tp, perfect.fp, perfect.fn, perfect.exact) == (1.0, 0.0, 0.0, True)
    empty = score_page(gold, "")
    assert empty.empty_prediction and not empty.exact
    score = aggregate([perfect, empty])
    # Precision only over non-empty predictions; recall over all pages.
    assert score.precision == 1.0 and score.recall == 0.5
    assert score.f1 == pytest.approx(2 / 3)
    assert score.accuracy == 0.5


def test_partial_overlap_by_hand():
    # gold: 6 tokens -> 3 shingles; prediction adds 2 tokens of furniture at the
    # end -> 5 shingles, 3 shared. TP=3, FP=2, FN=0 -> P=3/5, R=1.
    page = score_page("a b c d e f", "a b c d e f menu login")
    assert page.tp == pytest.approx(3 / 5) and page.fp == pytest.approx(2 / 5) and page.fn == 0
    score = aggregate([page])
    assert score.precision == pytest.approx(0.6) and score.recall == 1.0
