"""The text the entity pipeline reads: Markdown, URLs and line breaks
blanked to spaces (offsets stay those of the strings given), and headlines
in capitals re-cased from the article's own spelling."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Iterable, Mapping

from .. import gazetteer as gaz

_MARKDOWN_LINK = re.compile(r"!?\[([^\]\n]*)\]\(([^)\n]*)\)")
_MARKUP = re.compile(r"(?<!\w)[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}(?!\w)|`|^\s{0,3}(?:>\s?)+|^\s{0,3}#{1,6}\s|\\(?=[\\`*_{}\[\]()#+\-.!])",
                     re.MULTILINE)
_LONG_WORD = re.compile(r"\S{60,}")
_URL = re.compile(r"https?://\S+|www\.\S+")
# Whatever the patterns above could match starts with one of these.
_MAYBE_MARKUP = re.compile(r"[\[*_`>#\\]|https?://|www\.|\S{60}")


def blank_markup(text: str) -> str:
    """The paragraph with Markdown markup, URLs and line breaks replaced by
    spaces: same length, so offsets into it are offsets into the original."""
    if not _MAYBE_MARKUP.search(text):  # plain text: only the line breaks go
        return text.replace("\r", " ").replace("\n", " ").replace("\t", " ").replace("\u00a0", " ")
    chars = list(text)

    def blank(a: int, b: int) -> None:
        for i in range(a, b):
            chars[i] = " "

    for match in _MARKDOWN_LINK.finditer(text):
        blank(match.start(), match.start(1))  # "[" or "!["
        blank(match.end(1), match.end())  # "](url)"
    for match in _MARKUP.finditer(text):
        blank(match.start(), match.end())
    out = "".join(chars)
    for match in _URL.finditer(out):
        blank(match.start(), match.end())
    # No name is 60 characters without a space; such strings (hashes, rules of
    # "#####", base64) only make the tokenizer slow.
    for match in _LONG_WORD.finditer(out):
        blank(match.start(), match.end())
    out = "".join(chars)
    return out.replace("\r", " ").replace("\n", " ").replace("\t", " ").replace("\u00a0", " ")


def mostly_capitals(text: str) -> bool:
    upper = sum(map(str.isupper, text))
    if upper < 7:
        return False
    letters = sum(map(str.isalpha, text))
    if letters < 8 or len(text.split()) < 3:
        return False
    return upper / letters >= 0.8


_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?", re.UNICODE)


def article_casing(texts: Iterable[str]) -> dict[str, str]:
    """How the article spells each word when it is not in capitals: lower
    form -> most common form, not counting first words of sentences."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for text in texts:
        if mostly_capitals(text):
            continue
        for match in _WORD.finditer(text):
            word = match.group(0)
            k = match.start() - 1
            while k >= 0 and text[k].isspace():
                k -= 1
            if k < 0 or text[k] in ".!?:\"“‘'(":
                if word[:1].isupper():
                    continue
            counts[word.lower()][word] += 1
    return {low: forms.most_common(1)[0][0] for low, forms in counts.items()}


def recase(text: str, casing: Mapping[str, str], known: Mapping[str, object]) -> str:
    """A paragraph in capitals re-cased word by word: the article's own
    spelling where it has one, Title case for the words of gazetteer place
    names found as whole phrases ("NEW YORK" -> "New York"), lower case
    otherwise. Same length as the input."""
    words = list(_WORD.finditer(text))
    titled: set[int] = set()
    for i in range(len(words)):
        for n in range(4, 0, -1):
            if i + n <= len(words) and gaz.normalise(" ".join(w.group(0) for w in words[i:i + n])) in known:
                titled.update(range(i, i + n))
                break
    out = list(text)
    for i, match in enumerate(words):
        word = match.group(0)
        low = word.lower()
        if len(low) != len(word):
            continue
        if low in casing:
            new = casing[low]
        elif i in titled:
            new = word[:1] + low[1:]
        else:
            new = low
        out[match.start():match.end()] = new
    result = "".join(out)
    return result if len(result) == len(text) else text
