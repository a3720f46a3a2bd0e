"""People, organisations and places recognised in one article.

1. `pipeline()` (`component`): the configured spaCy model running only what
   named entities need, plus the `press_atlas_entities` component that
   trims spans to the name and tags the gazetteer's places and known
   organisations.
2. `recognise(paragraphs)` (`article`): one article's mentions. Markdown and
   hard wraps are blanked to spaces (`text`; offsets stay those of the
   strings given), headlines in capitals are re-cased from the article's
   own spelling, furniture (hashtags, links, "Sign up") is dropped, wire
   conventions are read (`wire`: datelines; results lines and teams on a
   sports page), and the article is made consistent with itself
   (`consistency`).
3. `keys`: each mention's key within its article and its provisional
   entity key, which depends on the article alone.

Resolution across the corpus (merging provisional keys into entities) is
ingest/corpus/entity_resolution.py: it is not part of the per-document
stage, so changing it keeps every kept analysis.

`recognise` never raises on odd input: a failure gives no mentions. The
build calls `recognise_article`, which raises, and reports a step that
failed but left a result. Very long paragraphs are cut to `MAX_CHARS`.
"""

from .article import parse, prepare, recognise, recognise_article
from .component import UNUSED, pipeline
from .keys import assign_keys, fold, mentions_from_names, org_key, person_key, provisional_keys
from .mentions import MAX_CHARS, MAX_PARAGRAPHS, RULES, TYPE_OF_LABEL, TYPES, NameMention

__all__ = [
    "MAX_CHARS", "MAX_PARAGRAPHS", "RULES", "TYPES", "TYPE_OF_LABEL", "UNUSED", "NameMention", "assign_keys", "fold",
    "mentions_from_names", "org_key", "parse", "person_key", "pipeline", "prepare", "provisional_keys", "recognise",
    "recognise_article",
]
