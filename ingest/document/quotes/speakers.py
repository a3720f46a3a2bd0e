"""Pass 4, the speakers: the people an article names, and the resolution
of a speaker as written ("he", "who", "Mr Kovalenko", "the Ukrainian
president") to the nearest compatible full name in the article: a named
subject of the same paragraph first, then earlier speakers, then any
person; gender from honorifics; a role noun only to a name written with
that role; titles and honorifics removed."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterable, Sequence

from ..names import GENDER_OF_HONORIFIC, SPEECH_HONORIFICS
from .lexicon import GROUP_NOUNS, PRONOUNS, ROLE_NOUNS
from .marks import MAX_PARAGRAPH_CHARS
from .records import ParagraphInfo, Quote, SpeakerMention, inside

_NAME_TOKEN = re.compile(r"^[A-Z][\w’'-]*\.?$|^[A-Z]\.$")
_NAME_RUN = re.compile(r"(?:[A-Z][a-z’'-]+|[A-Z]\.)(?:\s+(?:[A-Z][a-z’'-]+|[A-Z]\.|de|van|von|bin|al|da|di|del|la|le)){1,3}"
                       r"(?=[^\w]|$)")
_APPOSITION = re.compile(r",\s+(?:the|a|an|its|their|his|her)\s+([^,.;:()“”\"]{1,60}?)\s*[,.;]")
_LOWER_WORD = re.compile(r"(?<![\w’'-])[a-z][a-z’'-]*(?![\w’'-])")
_FUNCTION_WORDS = frozenset("""
    the a an and but or if when while as after before in on at for from by with of to since though although
    because so yet then this that these those there here it its he she they we i you his her their our my
""".split())


def name_runs(text: str) -> Iterable[tuple[int, int]]:
    """Spans of runs of capitalised words that may be names, with a leading
    sentence-initial function word ("While Trump") left out."""
    for m in _NAME_RUN.finditer(text):
        start = m.start()
        first = m.group().split()[0]
        if first.lower() in _FUNCTION_WORDS:
            start += len(first) + 1
            while start < m.end() and text[start].isspace():
                start += 1
        if " " in text[start:m.end()].strip():
            yield start, m.end()


def normalise_name(text: str) -> str:
    """A person's name without honorifics, titles, possessive or determiners:
    "Ukraine’s President Volodymyr Zelenskiy" -> "Volodymyr Zelenskiy",
    "Mr. Trump" -> "Trump"."""
    text = re.sub(r"[’']s\b", "", text.strip(" ,.;:\"“”'’"))
    tokens = text.split()
    # Keep the trailing run of capitalised name tokens.
    run: list[str] = []
    for tok in reversed(tokens):
        clean = tok.strip(",")
        if clean.lower() in SPEECH_HONORIFICS or clean.lower().rstrip(".") in ROLE_NOUNS:
            break
        if _NAME_TOKEN.match(clean) or (run and clean.lower() in ("de", "van", "von", "bin", "al", "da", "di")):
            run.append(clean)
            continue
        break
    return " ".join(reversed(run))


def _gender_hint(text: str) -> str | None:
    first = text.split()[0].lower() if text.split() else ""
    return GENDER_OF_HONORIFIC.get(first)


def collect_people(info: ParagraphInfo) -> None:
    """Fill the paragraph's `persons` (recognised names, or runs of
    capitalised words where unparsed), its named `subjects` and its
    `sentence_starts`."""
    if info.doc is None:
        info.persons = [SpeakerMention(info.index, start, end, info.text[start:end])
                        for start, end in name_runs(info.text[:MAX_PARAGRAPH_CHARS])
                        if not inside(start, info.segments)]
        return
    doc = info.doc
    info.sentence_starts = [sent[0].idx for sent in doc.sents]
    info.persons = [SpeakerMention(info.index, e.start_char, e.end_char, _with_honorific(e))
                    for e in doc.ents if e.label_ == "PERSON" and not inside(e.start_char, info.segments)]
    named_subjects = [t for t in doc if t.dep_ == "nsubj" and (t.ent_type_ == "PERSON" or t.pos_ == "PROPN")
                      and not inside(t.idx, info.segments)]
    # "The mayor, Helena Duarte Marques, toured ...": the name in apposition
    # to a role noun subject is the subject.
    named_subjects += [c for t in doc if t.dep_ == "nsubj" and t.lower_ in ROLE_NOUNS
                       for c in t.children if c.dep_ == "appos" and c.pos_ == "PROPN"
                       and not inside(c.idx, info.segments)]
    named_subjects.sort(key=lambda t: t.i)
    info.subjects = [SpeakerMention(info.index, t.left_edge.idx, t.idx + len(t),
                                    _with_honorific(doc[t.left_edge.i:t.i + 1])) for t in named_subjects]
    # Named subjects the recogniser missed ("Andrii Kovalenko spoke") are
    # people too, and so is a name in apposition to a role, whatever the
    # recogniser took it for.
    info.persons += [m for t, m in zip(named_subjects, info.subjects)
                     if (t.ent_type_ == "" or (t.dep_ == "appos" and t.head.lower_ in ROLE_NOUNS))
                     and not any(p.start <= t.idx < p.end for p in info.persons)]


def _with_honorific(span) -> str:
    """The entity's text with an honorific just before it ("Mr" + "Zelensky")."""
    doc = span.doc
    start = span.start
    if start > 0 and doc[start - 1].lower_ in SPEECH_HONORIFICS:
        start -= 1
    return doc[start:span.end].text


@dataclass(frozen=True)
class Person:
    """A person named in the article, at one place."""

    name: str  # normalised full or partial name
    paragraph: int
    start: int
    gender: str | None
    title_words: frozenset[str]  # role words written next to the name
    recognised: bool  # found by NER, or written with a title or honorific (not just capitalised words)


class SpeakerResolver:
    """Resolves speaker mentions to the nearest compatible full name."""

    def __init__(self, infos: Sequence[ParagraphInfo]):
        self.people: list[Person] = []
        # Words the article writes in lower case somewhere ("as water drains"):
        # the same word capitalised alone ("Water reached the counter") is a
        # common noun at a sentence's start, not a person.
        self.common_words = frozenset(w for info in infos for w in _LOWER_WORD.findall(info.text))
        # Names the recogniser takes for a place somewhere in the article
        # ("Aveiro’s old town") are not people where it hesitates.
        self.places = frozenset(e.text for info in infos if info.doc is not None for e in info.doc.ents
                                if e.label_ in ("GPE", "LOC", "FAC"))
        for info in infos:
            for mention in info.persons:
                self._add(info, mention)
        self.people.sort(key=lambda p: (p.paragraph, p.start))
        self.genders: dict[str, set[str]] = {}
        for person in self.people:
            if person.gender:
                self.genders.setdefault(person.name.split()[-1], set()).add(person.gender)

    def _add(self, info: ParagraphInfo, mention: SpeakerMention) -> None:
        name = normalise_name(mention.text)
        if not name or self.is_common_noun(name) or name in self.places:
            return
        before = info.text[max(0, mention.start - 40):mention.start].lower().split()
        titles = frozenset(w.strip(",.’'s") for w in before[-3:] if w.strip(",.’'s") in ROLE_NOUNS)
        titles |= frozenset(w.lower() for w in mention.text.split() if w.lower() in ROLE_NOUNS)
        # And in apposition after it: "Ana Reis, the mayor, ...", "Rui Gonçalves, the district commander".
        after = _APPOSITION.match(info.text, mention.end)
        if after:
            titles |= frozenset(w for w in after.group(1).lower().split() if w in ROLE_NOUNS)
        gender = _gender_hint(mention.text)
        recognised = info.doc is not None or bool(titles) or gender is not None
        self.people.append(Person(name, mention.paragraph, mention.start, gender, titles, recognised))

    def is_common_noun(self, name: str) -> bool:
        """A one-word "name" the article also writes in lower case."""
        word = name.strip().strip(".").lower()
        return " " not in word and word in self.common_words and word not in _FUNCTION_WORDS \
            and word not in PRONOUNS and word not in GROUP_NOUNS

    def _near(self, paragraph: int, start: int, candidates: Iterable[Person]) -> Person | None:
        """Nearest candidate before the position, else nearest after it."""
        candidates = list(candidates)
        before = [p for p in candidates if (p.paragraph, p.start) < (paragraph, start)]
        if before:
            return before[-1]
        after = [p for p in candidates if (p.paragraph, p.start) > (paragraph, start)]
        return after[0] if after else None

    def full_name(self, name: str, paragraph: int, start: int) -> str:
        """The nearest longer name in the article that ends (or begins) with
        this one: "Kovalenko" -> "Andrii Kovalenko"."""
        parts = name.split()
        if not parts:
            return name
        fuller = [p for p in self.people if len(p.name.split()) > len(parts)
                  and (p.name.split()[-len(parts):] == parts or (len(parts) == 1 and p.name.split()[0] == parts[0]))]
        found = self._near(paragraph, start, fuller)
        return found.name if found else name

    def gender_compatible(self, person: Person, gender: str | None) -> bool:
        if gender is None:
            return True
        known = self.genders.get(person.name.split()[-1])
        return not known or gender in known

    def resolve(self, mention: SpeakerMention, previous_speakers: Sequence[tuple[SpeakerMention, str]],
                subjects: Sequence[SpeakerMention]) -> str | None:
        """The normalised full name `mention` stands for, or None."""
        lower = mention.text.lower().strip()
        if lower in PRONOUNS:
            return self._resolve_pronoun(mention, PRONOUNS[lower], previous_speakers, subjects)
        name = normalise_name(mention.text)
        if name:
            if self.is_common_noun(name):
                return None
            return self.full_name(name, mention.paragraph, mention.start)
        words = lower.split()
        if words and words[0] in ("the", "a") and words[-1] in ROLE_NOUNS:
            return self._resolve_role(mention, words[-1], previous_speakers, subjects)
        return None

    def _resolve_pronoun(self, mention: SpeakerMention, gender: str | None,
                         previous_speakers: Sequence[tuple[SpeakerMention, str]],
                         subjects: Sequence[SpeakerMention]) -> str | None:
        if mention.text.lower() in ("i", "me", "we", "us", "they", "them", "you"):
            return None
        # A named subject earlier in the same paragraph ("Mr Zelensky criticised ... he said").
        for subject in reversed([s for s in subjects if s.paragraph == mention.paragraph and s.start < mention.start]):
            name = normalise_name(subject.text)
            if name and not self.is_common_noun(name):
                full = self.full_name(name, subject.paragraph, subject.start)
                if self._gender_ok(full, gender):
                    return full
        for earlier, resolved in reversed(previous_speakers):
            said_as = PRONOUNS.get(earlier.text.lower().strip())  # "he" said it: not a "she"
            if resolved and (earlier.paragraph, earlier.start) < (mention.paragraph, mention.start) \
                    and self._gender_ok(resolved, gender) and not (gender and said_as and said_as != gender):
                return resolved
        person = self._near(mention.paragraph, mention.start,
                            [p for p in self.people if p.recognised and self.gender_compatible(p, gender)])
        return self.full_name(person.name, person.paragraph, person.start) if person else None

    def _gender_ok(self, name: str, gender: str | None) -> bool:
        known = self.genders.get(name.split()[-1]) if name else None
        return gender is None or not known or gender in known

    def _resolve_role(self, mention: SpeakerMention, role: str,
                      previous_speakers: Sequence[tuple[SpeakerMention, str]],
                      subjects: Sequence[SpeakerMention]) -> str | None:
        """The person the article gives this role ("the mayor": "Mayor Ana
        Reis", "Ana Reis, the mayor,"), nearest first; None when it gives it
        to no one (another named person is not the mayor)."""
        titled = [p for p in self.people if role in p.title_words]
        person = self._near(mention.paragraph, mention.start, titled)
        return self.full_name(person.name, person.paragraph, person.start) if person else None


def resolve_speakers(quotes: list[Quote], infos: list[ParagraphInfo], resolver: SpeakerResolver) -> list[Quote]:
    """Fill speaker_resolved, in reading order so earlier speakers can
    resolve later pronouns."""
    speakers: list[tuple[SpeakerMention, str | None]] = []
    subjects = [s for info in infos for s in info.subjects]
    resolved_quotes = []
    for quote in quotes:
        if quote.speaker is not None:
            mention = SpeakerMention(quote.speaker_paragraph, quote.speaker_start, quote.speaker_end, quote.speaker)
            mention = infos[mention.paragraph].antecedents.get(mention.start, mention)
            resolved = resolver.resolve(mention, speakers, subjects)
            quote = replace(quote, speaker_resolved=resolved)
            speakers.append((mention, resolved))
        resolved_quotes.append(quote)
    return resolved_quotes


def without_unknown_speakers(quotes: list[Quote], resolver: SpeakerResolver) -> list[Quote]:
    """A speaker is a person or an organisation: a speaker written as "he"
    or "she" that resolves to no one, or as a singular common noun the
    article also writes in lower case ("Water"), is left out (the quote
    keeps no speaker rather than a wrong or empty one). A plural
    ("Officials"), "they", "we", "I", "it" and "who" stay as written: they
    stand for a group, the speaker's own voice or a body the article names
    by a noun."""
    result = []
    for quote in quotes:
        written = (quote.speaker or "").strip()
        name = normalise_name(written)
        if written and quote.speaker_resolved is None and (
                written.lower() in _THIRD_PERSON
                or (name == written and resolver.is_common_noun(name) and not name.endswith("s"))):
            quote = replace(quote, speaker=None, speaker_paragraph=None, speaker_start=None, speaker_end=None)
        result.append(quote)
    return result


# Pronouns that stand for someone the article names ("I", "we" and "they"
# speak for themselves or a group, and stay as written).
_THIRD_PERSON = frozenset({"he", "him", "she", "her"})
