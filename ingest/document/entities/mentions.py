"""What recognition gives: one `NameMention` per name as written, with its
type; the labels it reads; the rules that can be switched off."""

from __future__ import annotations

from dataclasses import dataclass

MAX_CHARS = 20_000  # per paragraph: the rest of a huge paragraph is not parsed
MAX_PARAGRAPHS = 2_000  # per article
TYPES = ("person", "org", "place", "other")
TYPE_OF_LABEL = {
    "PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place",
    "NORP": "other", "PRODUCT": "other", "EVENT": "other", "WORK_OF_ART": "other",
    "LAW": "other", "LANGUAGE": "other",
}
WEAK_LABELS = {"PRODUCT", "WORK_OF_ART", "EVENT", "LAW", "LANGUAGE"}

# Rules that can be switched off (the benchmark reports what each adds).
RULES = {"results_lines": True, "recase": True, "datelines": True}


@dataclass(frozen=True)
class NameMention:
    """One name as written in one paragraph of one article.

    start/end: character offsets into the paragraph string given to
    `recognise`. key: the name this mention stands for within the article
    (its fullest form: "Volodymyr Zelensky" for "Mr Zelensky", "Kursk
    region" for "Kursk" in an article about the region). hint: "region"
    when the text says "region"/"oblast" next to a place. label: where the
    type came from (the model's label, or GAZETTEER/CONSISTENCY/...)."""

    paragraph: int
    start: int
    end: int
    text: str
    type: str
    key: str
    label: str = ""
    hint: str | None = None


@dataclass
class TokenSpan:
    """A name found in one paragraph's Doc, while the article's rules run."""

    paragraph: int
    start: int  # token indices in the paragraph's doc
    end: int
    label: str
    source: str  # what set its label: MODEL, DATELINE, RESULTS, SPORTS or CONSISTENCY
