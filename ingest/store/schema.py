"""The database schema, in one place.

Every table the build writes is declared here: columns and their types,
primary keys, foreign keys (so Datasette shows labels), indexes and the
full-text indexes built after the bulk load. The writer creates tables
from these declarations and nothing else creates tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA_VERSION = 4


@dataclass(frozen=True)
class Table:
    name: str
    columns: dict[str, type]
    pk: str = "id"
    foreign_keys: tuple[tuple[str, str, str], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    # Columns indexed by FTS5, built after the bulk load.
    fts: tuple[str, ...] = ()
    not_null: frozenset[str] = field(default_factory=frozenset)


SOURCES = Table(
    "sources",
    {
        "id": str,  # stable: hash of the source key (path, plus line for JSON Lines)
        "path": str,  # path as given, relative to the SOURCE argument's parent
        "record": int,  # line number in a JSON Lines file, else null
        "format": str,  # html, text or jsonl
        "sha256": str,  # of the raw bytes as received
        "size": int,  # bytes
        "encoding": str,  # detected text encoding
        "raw": bytes,  # the raw bytes, zlib-compressed
    },
    indexes=(("sha256",),),
    not_null=frozenset({"path", "format", "sha256", "size"}),
)

OUTLETS = Table(
    "outlets",
    {
        "id": str,  # slug of the domain or name
        "name": str,
        "domain": str,
        "article_count": int,
    },
    not_null=frozenset({"name"}),
)

STORIES = Table(
    "stories",
    {
        "id": str,  # "story-" + the id of its first article
        "title": str,  # the member headline sharing most words with the others
        "first_published": str,  # first and last day of its articles
        "last_published": str,
        "article_count": int,
        "outlet_count": int,
        "outlets": str,  # outlet names, comma-separated
    },
    indexes=(("first_published",),),
)

ARTICLES = Table(
    "articles",
    {
        "id": str,  # stable: derived from the raw bytes' sha256
        "source": str,
        "outlet": str,
        "url": str,
        "title": str,
        "standfirst": str,  # the summary under the headline, when the page shows one
        "author": str,
        "published": str,  # ISO 8601 date or datetime, as precise as the page says
        "language": str,  # ISO 639-1
        "section": str,  # the section the page files it under
        "wire_credit": str,  # the agency the article says it comes from (Reuters, AP, ...)
        "body_markdown": str,
        "body_text": str,
        "word_count": int,
        "redacted": int,  # 1 when the page has holes where content was hidden
        "story": str,  # the story (event) the article belongs to
        "duplicate_of": str,  # the article this one copies (a repost, with holes or edits)
        "copy_score": float,  # share of this article's text found in the original
    },
    foreign_keys=(("source", "sources", "id"), ("outlet", "outlets", "id"), ("story", "stories", "id"),
                  ("duplicate_of", "articles", "id")),
    indexes=(("outlet",), ("published",), ("author",), ("source",), ("duplicate_of",), ("story",)),
    fts=("title", "body_text"),
    not_null=frozenset({"source", "body_text"}),
)

PARAGRAPHS = Table(
    "paragraphs",
    {
        "id": str,  # article id + position
        "article": str,
        "position": int,  # 0-based order in the article
        "text": str,
    },
    foreign_keys=(("article", "articles", "id"),),
    indexes=(("article", "position"),),
    fts=("text",),
    not_null=frozenset({"article", "position", "text"}),
)

REMOVED_BLOCKS = Table(
    "removed_blocks",
    {
        "id": str,  # article id + position
        "article": str,
        "position": int,  # line number in the page, after hard-wrapped lines are joined
        "text": str,
        "reason": str,  # why the cleaner cut it
        "score": float,  # the line model's probability that it was article text
    },
    foreign_keys=(("article", "articles", "id"),),
    indexes=(("article", "position"),),
    not_null=frozenset({"article", "position", "text", "reason"}),
)

ENTITIES = Table(
    "entities",
    {
        "id": str,  # type:slug (places: the gazetteer's id), stable across rebuilds of the same corpus
        "name": str,  # the fullest common form ("Volodymyr Zelensky"; places: the gazetteer's name)
        "type": str,  # person, org, place or other
        "aliases": str,  # JSON list of the forms as written, most frequent first
        "kind": str,  # places: feature, country, continent, region or city
        "latitude": float,  # places only, when resolved; never guessed
        "longitude": float,
        "country": str,  # places: ISO 3166-1 alpha-2
        "confidence": float,  # places: how sure the gazetteer pick is (0-1)
        "article_count": int,
        "mention_count": int,
    },
    indexes=(("type",), ("country",), ("name",)),
    fts=("name", "aliases"),
    not_null=frozenset({"name", "type"}),
)

MENTIONS = Table(
    "mentions",
    {
        "id": str,  # paragraph id + start offset
        "entity": str,
        "article": str,
        "paragraph": str,
        "text": str,  # as written
        "start": int,  # character offsets in the paragraph's text
        "end": int,
    },
    foreign_keys=(("entity", "entities", "id"), ("article", "articles", "id"), ("paragraph", "paragraphs", "id")),
    indexes=(("entity", "article"), ("article",), ("paragraph",)),
    not_null=frozenset({"entity", "article", "paragraph", "text", "start", "end"}),
)

ENTITY_ALIASES = Table(
    "entity_aliases",
    {
        "id": str,  # entity id + alias
        "alias": str,  # a form as written in some article ("Zelenskiy", "Mr Zelensky")
        "entity": str,
    },
    foreign_keys=(("entity", "entities", "id"),),
    indexes=(("alias",), ("entity",)),
    not_null=frozenset({"alias", "entity"}),
)

QUOTES = Table(
    "quotes",
    {
        "id": str,  # paragraph id + start offset
        "article": str,
        "outlet": str,
        "paragraph": str,
        "statement": str,  # the statement's first segment: a quote split by its attribution is one statement
        "text": str,  # the words inside the quote marks
        "kind": str,  # direct, partial or block
        "speaker": str,  # as written next to the quote ("he", "Mr Kovalenko", "the Ukrainian president")
        "speaker_resolved": str,  # the full name it stands for in the article ("Andrii Kovalenko")
        "speaker_entity": str,  # the person entity, when the entities know them
        "cue": str,  # the cue verb's lemma (say, tell, add, write, claim...) or "according to"
        "channel": str,  # where it was said, when stated: video address, Telegram, press conference...
        "start": int,  # offsets of the quote in the paragraph's text, marks excluded
        "end": int,
        "body_start": int,  # the same in the article's body_text
        "body_end": int,
        "cluster": str,  # the quote cluster (versions of the same statement across outlets), if any
    },
    foreign_keys=(("article", "articles", "id"), ("outlet", "outlets", "id"), ("paragraph", "paragraphs", "id"),
                  ("speaker_entity", "entities", "id"), ("cluster", "quote_clusters", "id")),
    indexes=(("article",), ("paragraph",), ("speaker_resolved",), ("speaker_entity",), ("cluster",), ("outlet",)),
    fts=("text", "speaker_resolved"),
    not_null=frozenset({"article", "paragraph", "text", "kind", "start", "end"}),
)

QUOTE_CLUSTERS = Table(
    "quote_clusters",
    {
        "id": str,  # "qc-" + the earliest version's quote id
        "text": str,  # the earliest version's words
        "speaker": str,  # who said it, as resolved in most versions
        "earliest_quote": str,
        "earliest_article": str,
        "first_published": str,
        "version_count": int,
        "outlet_count": int,
        "outlets": str,  # outlet names, comma-separated, in order of first version
    },
    # (earliest_quote is not declared as a foreign key: quotes refer to
    # clusters, and SQLite tables are created one after the other.)
    foreign_keys=(("earliest_article", "articles", "id"),),
    indexes=(("speaker",),),
)

QUOTE_CLUSTER_MEMBERS = Table(
    "quote_cluster_members",
    {
        "id": str,  # cluster id + quote id
        "cluster": str,
        "quote": str,
        "article": str,
        "outlet": str,
        "published": str,
        "position": int,  # 0 for the earliest version
    },
    foreign_keys=(("cluster", "quote_clusters", "id"), ("quote", "quotes", "id"), ("article", "articles", "id"),
                  ("outlet", "outlets", "id")),
    indexes=(("cluster", "position"), ("quote",), ("article",)),
    not_null=frozenset({"cluster", "quote"}),
)

FIGURES = Table(
    "figures",
    {
        "id": str,  # paragraph id + start offset
        "article": str,
        "paragraph": str,
        "text": str,  # the claim as written: "up to 11,000 North Korean troops"
        "value": float,  # normalised: 11000.0 ("€30 million" -> 30000000.0)
        "qualifier": str,  # up to, over, nearly, about, at least... as written, lower case
        "unit": str,  # %, a currency code, a measure, or a compound's tail ("month-old")
        "noun": str,  # what it counts, as written: "North Korean troops"
        "noun_key": str,  # its head noun, singular, to compare across outlets: "troop"
        "sentence": str,
        "start": int,  # offsets of the claim in the paragraph's text
        "end": int,
    },
    foreign_keys=(("article", "articles", "id"), ("paragraph", "paragraphs", "id")),
    indexes=(("article",), ("paragraph",), ("noun_key",)),
    not_null=frozenset({"article", "paragraph", "text", "value"}),
)

CREDITS = Table(
    "credits",
    {
        "id": str,  # article id + position of the line
        "article": str,
        "agency": str,  # normalised: Reuters, AP, AFP, agencies, ...
        "text": str,  # the line that gives the credit
        "kind": str,  # dateline, byline, contributed, additional reporting, according to, copyright, ...
    },
    foreign_keys=(("article", "articles", "id"),),
    indexes=(("article",), ("agency",)),
    not_null=frozenset({"article", "agency", "text"}),
)

SHARED_PASSAGES = Table(
    "shared_passages",
    {
        "id": str,  # paragraph_a~paragraph_b
        "paragraph_a": str,
        "article_a": str,
        "outlet_a": str,
        "paragraph_b": str,
        "article_b": str,
        "outlet_b": str,
        "similarity": float,  # Jaccard of 3-word shingles, or containment of the shorter
        "first": str,  # the paragraph published first, when the dates tell
    },
    foreign_keys=(("paragraph_a", "paragraphs", "id"), ("paragraph_b", "paragraphs", "id"),
                  ("article_a", "articles", "id"), ("article_b", "articles", "id"),
                  ("outlet_a", "outlets", "id"), ("outlet_b", "outlets", "id")),
    indexes=(("article_a",), ("article_b",), ("outlet_a", "outlet_b")),
    not_null=frozenset({"paragraph_a", "paragraph_b", "similarity"}),
)

INGEST_ERRORS = Table(
    "ingest_errors",
    {
        "id": int,
        "source": str,
        "path": str,
        "stage": str,  # read, decode, parse, extract, analyse, dedupe; quotes, entities (the article is kept)
        "message": str,
    },
    foreign_keys=(("source", "sources", "id"),),
    indexes=(("stage",),),
    not_null=frozenset({"stage", "message"}),
)

# Order matters: referenced tables first.
TABLES = (SOURCES, OUTLETS, STORIES, ARTICLES, PARAGRAPHS, REMOVED_BLOCKS, ENTITIES, MENTIONS, ENTITY_ALIASES,
          QUOTE_CLUSTERS, QUOTES, QUOTE_CLUSTER_MEMBERS, FIGURES, CREDITS, SHARED_PASSAGES, INGEST_ERRORS)
TABLES_BY_NAME = {t.name: t for t in TABLES}

# FTS5 tokenizer: Porter stemming over unicode61 with diacritics folded, so
# "Goncalves" finds "Gonçalves" and "deploy" finds "deployed".
FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"
