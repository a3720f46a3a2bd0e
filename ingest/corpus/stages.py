"""The linking stages across the corpus, declared as data.

Each stage says what it reads and what it writes, as table names
("outlets") or table columns ("articles.outlet"; "articles.body" stands
for body_text, body_markdown and word_count together). The order below is
the one-process order; `ingest/corpus/pipeline.py` derives the order with a
second process from these declarations alone. Adding a stage is one entry.

A stage either runs in the build's own process (`run`), or has a pure,
picklable heavy part that may run in the second process: `gather` reads its
input from the database, `compute` works on it (anywhere), `apply` writes
the result. `inputs` names what `gather` reads: the stage may start as soon
as no earlier stage still to run writes any of it.

`seldom_writes`: tables a stage may change but rarely does (the
repeated-lines pass drops a quote only when it moves a paragraph holding
one). A later stage that reads them may start before it; if the table did
change, that stage is started again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..store import indexes
from . import boilerplate, copies, entities, outlets, quote_clusters, quote_links, stories


@dataclass(frozen=True)
class Stage:
    name: str  # also its checkpoint (ingest/store/atomic.py) and its key in the build's timings
    reads: frozenset[str]
    writes: frozenset[str]
    run: Callable[..., Any] | None = None  # run(db, **needs)
    gather: Callable[[Any], Any] | None = None  # gather(db) -> input of compute
    compute: Callable[[Any], Any] | None = None  # a module-level function: it may run in another process
    apply: Callable[[Any, Any], Any] | None = None  # apply(db, result)
    inputs: frozenset[str] = frozenset()  # what gather reads (a part of reads)
    seldom_writes: frozenset[str] = frozenset()
    needs: tuple[str, ...] = ()  # keyword arguments of run from the build ("memo": kept band keys)

    def __post_init__(self):
        if (self.run is None) == (self.compute is None):
            raise ValueError(f"stage {self.name}: either run, or gather/compute/apply")
        if self.compute is not None and not (self.gather and self.apply and self.inputs <= self.reads):
            raise ValueError(f"stage {self.name}: gather, compute and apply, with inputs among its reads")

    @property
    def offloadable(self) -> bool:
        return self.compute is not None


def _names(*names: str) -> frozenset[str]:
    return frozenset(names)


ARTICLE_TEXT = ("articles.title", "articles.body", "articles.published")

STAGES: tuple[Stage, ...] = (
    Stage("outlets", run=outlets.link_outlets,
          reads=_names("_outlet_claims"),
          writes=_names("outlets", "articles.outlet", "_outlet_claims")),
    Stage("boilerplate", run=boilerplate.remove_repeats,
          reads=_names("outlets", "articles.outlet", "articles.body", "paragraphs"),
          writes=_names("paragraphs", "articles.body", "removed_blocks", "figures"),
          seldom_writes=_names("quotes")),
    Stage("copies", run=copies.link_article_copies, needs=("memo",),
          reads=_names("articles.outlet", "articles.published", "articles.body"),
          writes=_names("articles.duplicate_of")),
    Stage("entities", run=entities.link_entities,
          reads=_names("_mentions", "paragraphs"),
          writes=_names("entities", "mentions", "entity_aliases", "_mentions")),
    Stage("quotes", run=quote_links.link_offsets_and_speakers,
          reads=_names("quotes", "articles.outlet", "paragraphs", "mentions", "entities", "entity_aliases"),
          writes=_names("quotes.outlet", "quotes.body_start", "quotes.body_end", "quotes.speaker_entity")),
    Stage("quote_clusters", gather=quote_links.cluster_items, compute=quote_clusters.cluster_quotes,
          apply=quote_links.write_clusters,
          inputs=_names("quotes.id", "quotes.text", "quotes.speaker_resolved", "quotes.article",
                        "articles.outlet", "articles.published"),
          reads=_names("quotes.id", "quotes.text", "quotes.speaker_resolved", "quotes.article",
                       "articles.outlet", "articles.published", "articles.duplicate_of", "outlets"),
          writes=_names("quote_clusters", "quote_cluster_members", "quotes.cluster")),
    Stage("stories", gather=stories.story_items, compute=stories.group_stories, apply=stories.write_stories,
          inputs=_names(*ARTICLE_TEXT, "articles.duplicate_of", "mentions", "quote_clusters",
                        "quote_cluster_members"),
          reads=_names(*ARTICLE_TEXT, "articles.duplicate_of", "articles.outlet", "outlets", "mentions",
                       "quote_clusters", "quote_cluster_members"),
          writes=_names("stories", "articles.story")),
    Stage("shared_passages", run=copies.link_shared_passages, needs=("memo",),
          reads=_names("paragraphs", "articles.outlet", "articles.published"),
          writes=_names("shared_passages")),
    Stage("fts", run=indexes.build_fts,
          reads=_names("articles.title", "articles.body", "paragraphs", "entities", "quotes.text",
                       "quotes.speaker_resolved"),
          writes=_names("fts")),
)


def conflict(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two sets of names share data: the same name, or a table and
    one of its columns."""
    tables_a = {name.partition(".")[0] for name in a}
    tables_b = {name.partition(".")[0] for name in b}
    return bool(a & b or (a & tables_b) or (b & tables_a))


def stage_names() -> tuple[str, ...]:
    return tuple(stage.name for stage in STAGES)
