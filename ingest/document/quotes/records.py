"""What the quote passes produce and share: the `Quote` they return, the
speaker mentions and attributions they find, and what they learn about
each paragraph (`ParagraphInfo`)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from typing import Sequence

from .marks import QuoteKind, Segment


@dataclass(frozen=True)
class Quote:
    """One quoted segment of an article.

    `start`/`end` are character offsets in paragraph `paragraph`, quote marks
    excluded. A statement split by its attribution ("Today," he said, "we
    ...") or running over several paragraphs is several segments sharing one
    `statement` number (the index in the returned list of its first segment).
    The speaker mention is at `speaker_start:speaker_end` of paragraph
    `speaker_paragraph` (not always the quote's own); `cue` is the cue verb's
    lemma, "according to", or None when the speaker was found without a cue
    (a name line, "Name: “...”", the sentence's subject). A direct or block
    quote may have no speaker; a partial one always has one.
    """

    paragraph: int
    start: int
    end: int
    text: str
    kind: QuoteKind
    speaker: str | None = None
    speaker_paragraph: int | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_resolved: str | None = None
    cue: str | None = None
    channel: str | None = None
    statement: int = 0


@dataclass(frozen=True)
class SpeakerMention:
    """A span of a paragraph naming (or standing for) a speaker."""

    paragraph: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Attribution:
    """A cue in a paragraph and its speaker."""

    cue: str | None  # lemma, "according to", or None for a bare sentence subject
    cue_start: int
    cue_end: int
    speaker: SpeakerMention
    sentence: int  # index of the sentence in the paragraph's doc
    scope: tuple[int, int]  # characters the cue's clause covers


@dataclass
class ParagraphInfo:
    """What the passes learn about one paragraph."""

    index: int
    text: str  # markup blanked
    is_blockquote: bool
    segments: list[Segment] = field(default_factory=list)
    doc: object | None = None
    attributions: list[Attribution] = field(default_factory=list)
    sentence_starts: list[int] = field(default_factory=list)
    persons: list[SpeakerMention] = field(default_factory=list)
    subjects: list[SpeakerMention] = field(default_factory=list)
    antecedents: dict[int, SpeakerMention] = field(default_factory=dict)  # "who" at offset -> the noun it stands for
    original: str = ""  # the paragraph as given, markup and all: what quotes' text is cut from


def inside(pos: int, segments: Sequence[Segment]) -> bool:
    """Whether the character at `pos` is quoted."""
    return any(s.start <= pos < s.end for s in segments)


def sentence_of(info: ParagraphInfo, pos: int) -> int:
    """Index of the parsed sentence holding the character at `pos` (0 unparsed)."""
    return max(0, bisect_right(info.sentence_starts, pos) - 1)


def outside_quotes(info: ParagraphInfo) -> str:
    """The paragraph's text with its quoted segments blanked."""
    text = info.text
    for segment in reversed(info.segments):
        text = text[:segment.start] + " " * (segment.end - segment.start) + text[segment.end:]
    return text


def quote_of(info: ParagraphInfo, segment: Segment, kind: QuoteKind, attribution: Attribution | None) -> Quote:
    """The Quote for a segment, its text cut from the paragraph as given, with
    the attribution's speaker and cue."""
    quote = Quote(info.index, segment.start, segment.end, info.original[segment.start:segment.end], kind)
    if attribution is None:
        return quote
    s = attribution.speaker
    return replace(quote, speaker=s.text, speaker_paragraph=s.paragraph, speaker_start=s.start,
                   speaker_end=s.end, cue=attribution.cue)
