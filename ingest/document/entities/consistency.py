"""The article made consistent with itself: a surname alone takes the
label of the full name, an acronym defined in brackets takes its long
form's, a name takes the label most of its occurrences have, and
occurrences the model missed are added."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from typing import Sequence

from .. import gazetteer as gaz
from ..names import COURTESY_TITLES
from .component import sentence_initial, tables, tokens_text
from .keys import fold, person_tokens
from .mentions import TokenSpan
from .wire import after_venue_word


def make_consistent(docs: list, spans: list[TokenSpan], doc_words: Sequence[list[str]] | None = None
                    ) -> list[TokenSpan]:
    """The article's spans made consistent with itself (see the module
    doc). doc_words: each doc's token texts, if the caller has them."""
    # Acronyms defined in brackets: "National Federation Party ( NFP )".
    acronyms: dict[str, str] = {}
    for s in spans:
        doc = docs[s.paragraph]
        if s.end + 2 < len(doc) and doc[s.end].text == "(" and doc[s.end + 2].text == ")":
            acr = doc[s.end + 1].text
            if 2 <= len(acr) <= 8 and acr.replace(".", "").replace("&", "").isalnum() and acr[0].isupper() \
                    and sum(c.isupper() for c in acr) >= 2 and acr[0] == doc[s.start].text[:1].upper():
                acronyms[acr] = s.label
    # Person names: words of multi-word PERSON spans.
    surname_of: dict[str, int] = Counter()
    for s in spans:
        if s.label == "PERSON" and s.end - s.start >= 2:
            words = person_tokens(tokens_text(docs[s.paragraph], s.start, s.end))
            if len(words) >= 2:
                surname_of[words[-1]] += 1
                surname_of[words[0]] += 0
    # Surnames the article uses with a title ("Ms Zelenska", "Mr Kovalenko").
    titled_surnames = set()
    for s in spans:
        doc = docs[s.paragraph]
        if s.label == "PERSON" and s.end - s.start == 1 and s.start > 0 and \
                doc[s.start - 1].lower_.rstrip(".") in COURTESY_TITLES:
            titled_surnames.add(doc[s.start].text)
            surname_of[doc[s.start].text] += 0
    # A name the model took for something else, whose last word is such a surname, is a person.
    spans = [replace(s, label="PERSON", source="CONSISTENCY")
             if s.label != "PERSON" and 2 <= s.end - s.start <= 3
             and docs[s.paragraph][s.end - 1].text in titled_surnames
             and all(t.text[:1].isupper() for t in docs[s.paragraph][s.start:s.end]) else s
             for s in spans]
    # Labels by text across the article.
    span_text = {(s.paragraph, s.start, s.end): tokens_text(docs[s.paragraph], s.start, s.end) for s in spans}
    by_text: dict[str, Counter] = defaultdict(Counter)
    for s in spans:
        by_text[span_text[s.paragraph, s.start, s.end]][s.label] += 1

    occupied: dict[int, set[int]] = defaultdict(set)
    for s in spans:
        occupied[s.paragraph].update(range(s.start, s.end))
    out: list[TokenSpan] = []
    # A name a results line shows to be a team is a team throughout the article.
    teams = {span_text[s.paragraph, s.start, s.end] for s in spans
             if s.source in {"RESULTS", "SPORTS"} and s.label == "ORG"}
    for s in spans:
        text = span_text[s.paragraph, s.start, s.end]
        label = s.label
        if s.source == "DATELINE" or (label in {"GPE", "LOC"} and after_venue_word(docs[s.paragraph], s.start)):
            pass  # "LONDON 1996-08-22", "at Leeds": the place, whatever the article does with the name
        elif text in teams and label in {"GPE", "LOC", "PERSON"} and s.end - s.start <= 3:
            label = "ORG"
        elif text in acronyms and label != acronyms[text]:
            label = acronyms[text]
        elif label != "PERSON" and s.end - s.start == 1 and text in surname_of and s.source != "GAZETTEER":
            label = "PERSON"
        else:
            counts = by_text[text]
            top, n = counts.most_common(1)[0]
            if top != label and n >= 2 * counts[label] and s.source != "GAZETTEER":
                label = top
        out.append(replace(s, label=label, source=s.source if label == s.label else "CONSISTENCY"))
    # Occurrences the model missed: known surnames, defined acronyms, names labelled elsewhere.
    wanted: dict[tuple[str, ...], str] = {}
    for text, counts in by_text.items():
        label, _ = counts.most_common(1)[0]
        if label in {"PERSON", "ORG", "GPE", "LOC"} and any(c.isupper() for c in text[:1]) and len(text) >= 3:
            wanted[tuple(text.split())] = label
    for name in surname_of:
        if len(name) >= 3 and name[0].isupper():
            wanted[(name,)] = "PERSON"
    # People also by their folded names: "Volodymyr Zelenskyy" once the article named "Volodymyr Zelensky".
    wanted_folded: dict[tuple[str, ...], str] = {}
    for s in spans:
        if s.label == "PERSON" and s.end - s.start >= 2:
            words = person_tokens(tokens_text(docs[s.paragraph], s.start, s.end))
            if len(words) >= 2 and all(w[:1].isupper() for w in words):
                wanted_folded[tuple(fold(w) for w in words)] = "PERSON"
                wanted_folded[(fold(words[-1]),)] = "PERSON"
    for acr, label in acronyms.items():
        wanted[(acr,)] = label
    for team in teams:
        wanted[tuple(team.split())] = "ORG"
    if wanted or wanted_folded:
        max_len = max(len(k) for k in [*wanted, *wanted_folded])
        first_exact = {k[0] for k in wanted}
        first_folded = {k[0] for k in wanted_folded}
        for p, doc in enumerate(docs):
            words = doc_words[p] if doc_words is not None else [t.text for t in doc]
            occ = occupied[p]
            n = len(words)
            i = 0
            while i < n:
                hit = None
                word = words[i]
                if (word[:1].isupper() or (word[:1].isdigit() and len(word) > 1)) and i not in occ and \
                        (word in first_exact or (first_folded and fold(word) in first_folded)):
                    for length in range(min(max_len, n - i), 0, -1):
                        here = tuple(words[i:i + length])
                        if here in wanted and not any(k in occ for k in range(i, i + length)):
                            if length == 1 and sentence_initial(doc, i) and doc[i].lower_ in doc.vocab.strings \
                                    and wanted[here] != "PERSON" and here[0] not in acronyms:
                                break
                            label = wanted[here]
                            if label == "ORG" and after_venue_word(doc, i) and \
                                    gaz.normalise(" ".join(here)) in tables().places:
                                label = "GPE"  # the team's town: "Chelsea v Leeds at Leeds"
                            hit = (i, i + length, label)
                            break
                        if first_folded and tuple(fold(w) for w in here) in wanted_folded \
                                and all(w[:1].isupper() and len(w) >= 3 for w in here) \
                                and not any(k in occ for k in range(i, i + length)):
                            hit = (i, i + length, "PERSON")
                            break
                if hit:
                    out.append(TokenSpan(p, hit[0], hit[1], hit[2], "CONSISTENCY"))
                    occ.update(range(hit[0], hit[1]))
                    i = hit[1]
                else:
                    i += 1
    out.sort(key=lambda s: (s.paragraph, s.start))
    return out
