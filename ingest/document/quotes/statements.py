"""After attribution: which segments make one statement, the speakers a
quote inherits, channels, the ranker's choice of speaker and the resolved
names.

A quote with no attribution of its own continues the statement before it
in the same or the previous paragraph. Words quoted inside the reporter's
sentence with nobody saying them (scare quotes, titles) are dropped by the
caller.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from .attribution import channel_of
from .ranker import rerank
from .records import ParagraphInfo, Quote
from .speakers import SpeakerResolver, resolve_speakers

log = logging.getLogger(__name__)


def finish(raw: list[Quote], infos: list[ParagraphInfo], resolver: SpeakerResolver, rank: bool = True,
           problems: list[str] | None = None) -> list[Quote]:
    """Statements, inherited speakers, channels, the ranker's choice of
    speaker (unless `rank` is False) and resolved names.

    If the ranker fails the rules' speakers stand, and the failure
    ("<ExceptionType>: <reason> ...") is added to `problems` (logged as a
    warning without it)."""
    quotes: list[Quote] = []
    for quote in raw:
        previous = quotes[-1] if quotes else None
        statement = len(quotes)
        if previous is not None and _continues(previous, quote, infos):
            statement = previous.statement
            quote = _inherit(quote, previous)
        elif previous is not None and quote.speaker is None and _same_voice(previous, quote, infos):
            quote = _inherit(quote, previous)
        if quote.speaker is None:
            quote = _introduced(quote, infos)
        quotes.append(replace(quote, statement=statement, channel=channel_of(quote, infos)))
    quotes = _fall_back(_backfill(quotes), infos)
    if rank:
        try:
            quotes = rerank(quotes, infos)
        except Exception as exc:  # noqa: BLE001 - a ranker failure leaves the rules' speakers
            message = f"{type(exc).__name__}: {exc} (in the speaker ranker: the rules' speakers stand)"
            if problems is None:
                log.warning("%s", message)
            else:
                problems.append(message)
    return resolve_speakers(quotes, infos, resolver)


def _inherit(quote: Quote, previous: Quote) -> Quote:
    """The quote with the previous quote's speaker, unless it has its own."""
    if quote.speaker is not None or previous.speaker is None:
        return quote
    return replace(quote, speaker=previous.speaker, speaker_paragraph=previous.speaker_paragraph,
                   speaker_start=previous.speaker_start, speaker_end=previous.speaker_end, cue=previous.cue)


def _continues(previous: Quote, quote: Quote, infos: list[ParagraphInfo]) -> bool:
    """The quote carries on the previous one's statement: split by its
    attribution in one sentence, or continued over a paragraph break."""
    if quote.kind == "block" or previous.kind == "block":
        return False
    if quote.paragraph == previous.paragraph + 1:
        segments = infos[quote.paragraph].segments
        return bool(segments) and segments[0].start == quote.start and segments[0].opened_before
    if quote.paragraph != previous.paragraph:
        return False
    between = infos[quote.paragraph].text[previous.end:quote.start]
    return previous.kind == "direct" and quote.text[:1].islower() and not re.search(r"[.!?]\s", between)


def _introduced(quote: Quote, infos: list[ParagraphInfo]) -> Quote:
    """A paragraph opening with a quote, after a paragraph that ends with a
    colon ("Blackwell wrote:"): the speaker is that paragraph's last cue."""
    info = infos[quote.paragraph]
    if quote.paragraph == 0 or info.text[:quote.start].strip(" \"“”«»„'`"):
        return quote
    previous = infos[quote.paragraph - 1]
    cues = [a for a in previous.attributions if a.cue is not None]
    if not previous.text.rstrip().endswith(":") or not cues:
        return quote
    a = max(cues, key=lambda a: a.cue_start)
    return replace(quote, speaker=a.speaker.text, speaker_paragraph=a.speaker.paragraph,
                   speaker_start=a.speaker.start, speaker_end=a.speaker.end, cue=a.cue)


def _same_voice(previous: Quote, quote: Quote, infos: list[ParagraphInfo]) -> bool:
    """An unattributed quote goes on in the previous quote's voice: a later
    quote of the same paragraph, or a paragraph that is only a quote."""
    if quote.paragraph == previous.paragraph:
        return True
    if quote.paragraph != previous.paragraph + 1 or quote.kind == "partial":
        return False
    text = infos[quote.paragraph].text
    rest = (text[:quote.start] + text[quote.end:]).strip(" \"“”«»„'`.,;:!?—–-")
    return not rest


def _backfill(quotes: list[Quote]) -> list[Quote]:
    """A quote with no cue before the attributed one of its own paragraph
    ("First." "Second," she said.) takes that speaker."""
    result = list(quotes)
    for i in range(len(result) - 2, -1, -1):
        quote, after = result[i], result[i + 1]
        if quote.speaker is None and after.paragraph == quote.paragraph and quote.kind != "partial":
            result[i] = _inherit(quote, after)
    return result


def _fall_back(quotes: list[Quote], infos: list[ParagraphInfo]) -> list[Quote]:
    """A direct quote still without a speaker takes the last speaker named
    in the paragraph before it (a quote or a reporting cue there)."""
    result = list(quotes)
    for i, quote in enumerate(result):
        if quote.speaker is not None or quote.kind == "partial" or quote.paragraph == 0:
            continue
        earlier = [q for q in result[:i] if q.speaker is not None and q.paragraph == quote.paragraph - 1]
        cues = [a for a in infos[quote.paragraph - 1].attributions if a.cue is not None]
        if earlier:
            result[i] = _inherit(quote, earlier[-1])
        elif cues:
            a = max(cues, key=lambda a: a.cue_start)
            result[i] = replace(quote, speaker=a.speaker.text, speaker_paragraph=a.speaker.paragraph,
                                speaker_start=a.speaker.start, speaker_end=a.speaker.end, cue=a.cue)
    return result


def renumber(quotes: list[Quote]) -> list[Quote]:
    """Statement numbers as indexes of the statement's first kept segment."""
    first: dict[int, int] = {}
    result = []
    for i, quote in enumerate(quotes):
        result.append(replace(quote, statement=first.setdefault(quote.statement, i)))
    return result
