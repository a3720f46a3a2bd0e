"""The quote passes put together over one article."""

from __future__ import annotations

import logging
from typing import Iterable, NamedTuple, Sequence

from .attribution import attributions_of, best_attribution
from .blocks import block_candidates, pull_quote_name, unmarked_blocks
from .marks import MAX_PARAGRAPH_CHARS, Segment, looks_like_title, plain_paragraph, quote_kind, scan_paragraphs
from .records import Attribution, ParagraphInfo, Quote, SpeakerMention, quote_of
from .speakers import SpeakerResolver, collect_people, without_unknown_speakers
from .statements import finish, renumber

log = logging.getLogger(__name__)


class QuoteAnalysis(NamedTuple):
    """What `analyse_quotes` learns about one article."""

    paragraphs: list[ParagraphInfo]  # one per paragraph given, in order
    resolver: SpeakerResolver  # the article's people, for resolving other mentions
    quotes: list[Quote]  # what `extract_quotes` returns

    @property
    def docs(self) -> list:
        """The spaCy Doc parsed (or given) for each paragraph, None where none was needed."""
        return [info.doc for info in self.paragraphs]


def extract_quotes(paragraphs: Sequence[str], docs: Sequence | None = None) -> list[Quote]:
    """Every quote in an article, in reading order.

    `paragraphs`: the article's paragraphs in order (plain text or Markdown).
    `docs`: optionally one spaCy Doc per paragraph, parsed elsewhere with the
    full pipeline (a doc whose text does not match its paragraph is ignored);
    without them, the paragraphs that need it are parsed here.
    Never raises on odd input: a failure is logged and gives []. The build
    calls `analyse_quotes`, which lets a failure be recorded.
    """
    try:
        return analyse_quotes(paragraphs, docs).quotes
    except Exception as exc:  # noqa: BLE001 - a bug on one odd article must not stop a caller's run
        log.warning("quote extraction failed: %s: %s", type(exc).__name__, exc)
        return []


def analyse_quotes(paragraphs: Sequence[str], docs: Sequence | None = None, also_parse: Iterable[int] = (),
                   rank: bool = True, problems: list[str] | None = None) -> QuoteAnalysis:
    """All passes over one article: its paragraphs (with the Docs parsed
    for them), the speakers' resolver and the quotes `extract_quotes` gives.

    `also_parse`: indexes of paragraphs to parse even if no pass needs them.
    `rank`: False leaves the speakers the rules chose (the ranker's
    training). Raises whatever goes wrong; a step that fails but leaves a
    result (the ranker: the rules' speakers stand) adds
    "<ExceptionType>: <reason> ..." to `problems`, or logs it without them.
    """
    infos = [ParagraphInfo(i, *plain_paragraph(p), original=p)
             for i, p in enumerate(p if isinstance(p, str) else "" for p in list(paragraphs or []))]
    for info, segments in zip(infos, scan_paragraphs([info.text for info in infos])):
        info.segments = segments
    blocks = block_candidates(infos)
    _parse(infos, docs, _paragraphs_to_parse(infos, blocks) | set(also_parse))
    for info in infos:
        info.attributions = attributions_of(info)
    resolver = SpeakerResolver(infos)
    raw = _attribute_segments(infos)
    raw += unmarked_blocks(infos, blocks)
    raw.sort(key=lambda q: (q.paragraph, q.start))
    quotes = finish(raw, infos, resolver, rank, problems)
    # Words quoted in the reporter's own sentence with nobody saying them
    # are scare quotes or names, not quotes.
    kept = [q for q in quotes if q.kind != "partial" or q.speaker is not None]
    return QuoteAnalysis(infos, resolver, renumber(without_unknown_speakers(kept, resolver)))


def resolve_mentions(paragraphs: Sequence[str], mentions: Sequence[tuple[int, int, int]],
                     docs: Sequence | None = None) -> list[str | None]:
    """Resolve arbitrary mentions, given as (paragraph, start, end), the way
    `extract_quotes` resolves its speakers (pronouns, surnames, titles and
    "who" to the nearest compatible full name). Used to compare a mention
    with a gold one; never raises (a failure is logged and resolves nothing)."""
    try:
        infos, resolver, quotes = analyse_quotes(paragraphs, docs, {p for m in mentions for p in (m[0] - 1, m[0])})
        subjects = [s for info in infos for s in info.subjects]
        speakers = [(SpeakerMention(q.speaker_paragraph, q.speaker_start, q.speaker_end, q.speaker),
                     q.speaker_resolved) for q in quotes if q.speaker is not None]
        resolved = []
        for paragraph, start, end in mentions:
            mention = SpeakerMention(paragraph, start, end, infos[paragraph].text[start:end])
            mention = infos[paragraph].antecedents.get(start, mention)
            earlier = [sp for sp in speakers if (sp[0].paragraph, sp[0].start) < (paragraph, start)]
            resolved.append(resolver.resolve(mention, earlier, subjects))
        return resolved
    except Exception as exc:  # noqa: BLE001 - same promise as extract_quotes
        log.warning("resolving mentions failed: %s: %s", type(exc).__name__, exc)
        return [None] * len(mentions)


def _paragraphs_to_parse(infos: list[ParagraphInfo], blocks: set[int]) -> set[int]:
    wanted = set(blocks)
    for info in infos:
        if info.segments:
            wanted.update({info.index - 1, info.index})
    for index in blocks:
        wanted.update({index - 1, index + 1})
    return {i for i in wanted if 0 <= i < len(infos) and infos[i].text.strip()}


def _parse(infos: list[ParagraphInfo], docs: Sequence | None, wanted: set[int]) -> None:
    """Attach a parse to the paragraphs that need one, and collect person
    mentions (NER where parsed, capitalised name runs elsewhere)."""
    given = list(docs) if docs is not None else []
    todo = []
    for info in infos:
        doc = given[info.index] if info.index < len(given) else None
        if doc is not None and len(doc.text) == len(info.text):
            info.doc = doc
        elif info.index in wanted:
            todo.append(info)
    if todo:
        from .. import nlp as nlp_module

        nlp = nlp_module.load()
        for info, doc in zip(todo, nlp.pipe(info.text[:MAX_PARAGRAPH_CHARS] for info in todo)):
            info.doc = doc
    for info in infos:
        collect_people(info)


def _attribute_segments(infos: list[ParagraphInfo]) -> list[Quote]:
    """One Quote per marked segment, with its cue and speaker as written."""
    quotes: list[Quote] = []
    for info in infos:
        previous_in_sentence: Segment | None = None
        for segment in info.segments:
            words = info.text[segment.start:segment.end]
            attribution = best_attribution(info, segment) if info.doc is not None else None
            split = previous_in_sentence is not None and info.text[previous_in_sentence.end:segment.start].count(".") == 0 \
                and words[:1].islower()
            kind = quote_kind(info.text, segment, split)
            if kind == "partial" and looks_like_title(words):
                continue  # a show, book or slogan named in the reporter's sentence
            name = pull_quote_name(infos, info, segment)
            if name is not None:
                kind = "block"
                attribution = Attribution(None, name.start, name.end, name, 0, (name.start, name.end))
            quotes.append(quote_of(info, segment, kind, attribution))
            previous_in_sentence = segment
    return quotes
