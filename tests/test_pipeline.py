"""The linking stages as data (ingest/corpus/stages.py) and the orders the
pipeline derives from them (ingest/corpus/pipeline.py). That the two
orders give the same database is tested on real corpora in test_build.py
(`test_the_database_does_not_depend_on_the_workers`)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ingest.corpus import pipeline, stages
from ingest.corpus.stages import STAGES, Stage, conflict
from ingest.store.schema import TABLES

COLUMNS = {t.name: set(t.columns) for t in TABLES}
# Tables the writer keeps for the linking only, and what the FTS stage makes.
WORKING = {"_outlet_claims", "_mentions", "fts"}
# Columns written and read together, under one name.
GROUPS = {"articles.body": {"body_text", "body_markdown", "word_count"}}


def test_every_declared_name_is_a_table_or_a_column():
    for stage in STAGES:
        for name in stage.reads | stage.writes | stage.seldom_writes:
            table, _, column = name.partition(".")
            assert table in COLUMNS or table in WORKING, (stage.name, name)
            if column:
                assert GROUPS.get(name, {column}) <= COLUMNS[table], (stage.name, name)


def test_one_process_runs_the_declared_order():
    assert pipeline.schedule(second_process=False) == [f"run {s.name}" for s in STAGES]


def test_the_second_process_order_follows_from_the_declarations():
    order = pipeline.schedule(second_process=True)
    # Every stage runs, or is started and applied, exactly once.
    assert sorted(step.split()[1] for step in order if not step.startswith("start")) == sorted(
        s.name for s in STAGES)
    position = {step: i for i, step in enumerate(order)}
    # The quote clusters need the outlets only (the repeated-lines pass
    # seldom drops a quote): started right after them, and applied only
    # once the speakers are linked (they write quotes columns too).
    assert position["start quote_clusters"] == position["run outlets"] + 1
    assert position["start quote_clusters"] < position["run boilerplate"]
    assert position["apply quote_clusters"] > position["run quotes"]
    # The stories read the clusters: started as soon as they are applied,
    # while the shared passages and the search indexes are built here.
    assert position["start stories"] == position["apply quote_clusters"] + 1
    assert position["start stories"] < position["run shared_passages"] < position["apply stories"]
    assert position["run fts"] < position["apply stories"]


def test_a_stage_added_is_one_entry_and_takes_its_place_in_both_orders(monkeypatch):
    """A stage reading the stories runs after them in both orders, and one
    that reads nothing the others write may run early beside them."""
    after = Stage("story_summaries", run=lambda db: None, reads=frozenset({"stories", "articles.story"}),
                  writes=frozenset({"stories.title"}))
    monkeypatch.setattr(stages, "STAGES", STAGES + (after,))
    for second in (False, True):
        order = pipeline.schedule(second_process=second)
        finished = [step for step in order if step.split()[1] == "stories" and not step.startswith("start")]
        assert order.index("run story_summaries") > order.index(finished[0])


def test_stages_that_share_data_keep_their_order():
    """No stage is moved ahead of an earlier one it reads from or writes for."""
    order = [step.split()[1] for step in pipeline.schedule(second_process=True) if not step.startswith("start")]
    index = {name: order.index(name) for name in order}
    for i, earlier in enumerate(STAGES):
        for later in STAGES[i + 1:]:
            if conflict(later.reads, earlier.writes) or conflict(later.writes, earlier.reads | earlier.writes):
                assert index[earlier.name] < index[later.name], (earlier.name, later.name)


def test_conflict_knows_tables_and_their_columns():
    assert conflict(frozenset({"quotes"}), frozenset({"quotes.cluster"}))
    assert conflict(frozenset({"articles.outlet"}), frozenset({"articles.outlet"}))
    assert not conflict(frozenset({"articles.outlet"}), frozenset({"articles.story"}))
    assert not conflict(frozenset({"stories"}), frozenset({"articles.story"}))


def test_a_stage_is_declared_whole():
    with pytest.raises(ValueError, match="either run"):
        Stage("nothing", reads=frozenset(), writes=frozenset())
    with pytest.raises(ValueError, match="inputs among its reads"):
        Stage("half", reads=frozenset({"quotes"}), writes=frozenset({"x"}), gather=len, compute=len,
              apply=lambda db, r: None, inputs=frozenset({"articles"}))
    with pytest.raises(ValueError, match="either run"):
        replace(STAGES[0], compute=len)
