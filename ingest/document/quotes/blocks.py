"""Pass 2, block quotes: quotes without marks.

A Markdown blockquote (`> `); a paragraph that is wholly a quote, or any
paragraph, followed by a name or title line ("— Volodymyr Zelenskyy,
President of Ukraine"); and, guessed only in an article that neither marks
its quotes nor speaks in the first person itself, an unmarked first-person
paragraph next to a paragraph reporting a named person's speech
("According to him, ..."), or a question between two such (a block quote
whose marks were lost with the page layout).
"""

from __future__ import annotations

import re

from .lexicon import FIRST_PERSON, SPEECH_CUES
from .marks import Segment, quote_kind
from .records import Attribution, ParagraphInfo, Quote, SpeakerMention, outside_quotes, quote_of
from .speakers import normalise_name

_SPEAKER_LABEL = re.compile(r"^\s*(?:<|[A-Z][\w .'-]{1,40}:\s)")  # "TAPPER: ...", "Trump: ‘...’", <tweet>
FIRST_PERSON_SHARE = 0.25  # above this share of first-person paragraphs, the article speaks for itself


def block_candidates(infos: list[ParagraphInfo]) -> set[int]:
    """Paragraphs without marks that may be block quotes: Markdown
    blockquotes and paragraphs followed by a dashed name line; and, in an
    article that neither marks its quotes (fewer than two marked direct
    quotes) nor speaks in the first person itself (opinion pieces, first
    person accounts), first-person or questioning paragraphs."""
    prose = [info for info in infos if len(info.text.split()) >= 5]
    first_person = [info for info in prose if FIRST_PERSON.search(outside_quotes(info))]
    marks_quotes = sum(any(quote_kind(info.text, s, False) == "direct" for s in info.segments)
                       for info in infos) >= 2
    may_guess = not marks_quotes and len(first_person) <= FIRST_PERSON_SHARE * len(prose)
    found = set()
    for info in infos:
        if info.segments or not info.text.strip() or name_line(infos, info.index) is not None:
            continue
        name = name_line(infos, info.index + 1)
        if info.is_blockquote or (name is not None and infos[info.index + 1].text.lstrip()[:1] in "—–-"):
            found.add(info.index)
        elif may_guess and (FIRST_PERSON.search(info.text) or "?" in info.text) \
                and not _SPEAKER_LABEL.match(info.text):
            found.add(info.index)  # kept only with a reporting neighbour, see unmarked_blocks
    return found


_NAME_LINE = re.compile(r"^[—–-]?\s*([A-Z][\w’'.-]+(?:\s+[A-Z][\w’'.-]+){0,3})\s*(?:,\s*(.{0,80}))?$")


def name_line(infos: list[ParagraphInfo], index: int) -> SpeakerMention | None:
    """The paragraph at `index` if it is a short name or title line
    ("— Volodymyr Zelenskyy, President of Ukraine")."""
    if not 0 <= index < len(infos):
        return None
    info = infos[index]
    text = info.text.strip()
    if not text or len(text.split()) > 12 or text.endswith((".", "?", "!", ":")) or info.segments:
        return None
    m = _NAME_LINE.match(text)
    if not m:
        return None
    offset = info.text.index(text) + m.start(1)
    return SpeakerMention(index, offset, offset + len(m.group(1)), m.group(1))


def pull_quote_name(infos: list[ParagraphInfo], info: ParagraphInfo, segment: Segment) -> SpeakerMention | None:
    """The name line after a paragraph that is wholly one quote (a pull
    quote), if there is one."""
    whole = not info.text[:segment.start].strip(" \"“”«»„'`") and not info.text[segment.end:].strip(" \"“”«»„'`.")
    return name_line(infos, info.index + 1) if whole else None


def unmarked_blocks(infos: list[ParagraphInfo], candidates: set[int]) -> list[Quote]:
    """Block quotes without marks: Markdown blockquotes, paragraphs followed
    by a name line, and, guessed, first-person paragraphs next to a
    paragraph reporting a person's speech, or questions between two such."""
    quotes = []
    for index in sorted(candidates):
        info = infos[index]
        if any(a.cue in SPEECH_CUES and a.speaker.text.lower() not in ("i", "we") for a in info.attributions):
            continue  # it reports speech itself
        start = len(info.text) - len(info.text.lstrip())
        end = len(info.text.rstrip())
        speaker = name_line(infos, index + 1)
        if speaker is not None:
            quotes.append(Quote(index, start, end, info.original[start:end], "block", speaker=speaker.text,
                                speaker_paragraph=speaker.paragraph, speaker_start=speaker.start,
                                speaker_end=speaker.end))
            continue
        after, before = _reporting(infos, index + 1), _reporting(infos, index - 1)
        guessed = (after or before) if FIRST_PERSON.search(info.text) else (after and before and after)
        if guessed or info.is_blockquote:
            quotes.append(quote_of(info, Segment(start, end), "block", guessed or None))
    return quotes


def _reporting(infos: list[ParagraphInfo], index: int) -> Attribution | None:
    """The plain speech attribution of the paragraph at `index` ("According
    to him, ...", "Zelensky stressed that ..."), when it has one with a
    named or pronoun speaker."""
    if not 0 <= index < len(infos):
        return None
    for attribution in infos[index].attributions:
        speaker = attribution.speaker.text
        if attribution.cue in SPEECH_CUES and (speaker.lower() in ("he", "she", "him", "her")
                                               or normalise_name(speaker)):
            return attribution
    return None
