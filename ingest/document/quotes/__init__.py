"""Quotes in an article: what was said, by whom, with which verb, where.

`extract_quotes(paragraphs)` takes an article's paragraphs in order (plain
text or the site's Markdown paragraphs) and returns one `Quote` per quoted
segment, in reading order; it never raises. `analyse_quotes` runs the same
passes for a caller that also wants the spaCy Docs they parsed, the
speakers' resolver, and failures raised or reported rather than hidden.
`resolve_mentions` resolves other mentions the way speakers are resolved.

Offsets are character offsets in the paragraph string as given; `start` and
`end` cover the quoted words with the quote marks *excluded*
(`text == paragraphs[paragraph][start:end]`). Markdown markup is blanked
with spaces before scanning and parsing so offsets never shift.

The passes, one module each:

1. `marks`: quote marks paired into quoted segments, carried over
   paragraph breaks; direct or partial.
2. `blocks`: block quotes without marks (blockquotes, name lines, guessed
   first-person paragraphs next to reported speech).
3. `attribution`: the cue and the speaker as written, on the spaCy parse
   and the words around the quote; the channel. `statements` then joins
   segments into statements and passes speakers on to quotes without one.
4. `speakers`: the speaker as written resolved to a full name in the article.
5. `ranker`: a learned ranker re-chooses each marked quote's speaker among
   its candidate mentions (before resolution).

`article` puts them together; `records` and `lexicon` hold what they share.
"""

from .article import QuoteAnalysis, analyse_quotes, extract_quotes, resolve_mentions
from .marks import QuoteKind, Segment, plain_paragraph, scan_marks
from .ranker import SPEAKER_FEATURES, Candidate, speaker_candidates, speaker_model
from .records import Attribution, ParagraphInfo, Quote, SpeakerMention
from .speakers import SpeakerResolver, normalise_name

__all__ = [
    "SPEAKER_FEATURES", "Attribution", "Candidate", "ParagraphInfo", "Quote", "QuoteAnalysis", "QuoteKind",
    "Segment", "SpeakerMention", "SpeakerResolver", "analyse_quotes", "extract_quotes", "normalise_name",
    "plain_paragraph", "resolve_mentions", "scan_marks", "speaker_candidates", "speaker_model",
]
