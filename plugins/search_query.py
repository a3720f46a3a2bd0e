"""SQL functions for the search queries (datasette.yml).

fts_query(text): any user input as a safe FTS5 query. Readers type words,
not FTS5 syntax. Unbalanced quotes, bare operators (`AND OR`), `*` or
`NEAR(` must not turn into a syntax error: words are quoted one by one and
ANDed, "quoted phrases" stay phrases, and the last word also matches as a
prefix (when it has three letters or more: "a*" would expand to most of
the vocabulary), so results come as you type. Input with no words at all
gives a query that matches nothing.

marked(text) and marked_aliases(name, aliases): FTS5's snippet() and
highlight() output, with char(1) and char(2) around the matches, as HTML
that is safe in every format (JSON and CSV too): the text escaped, then
<mark> and </mark> in place of the two markers. An entity's aliases are a
JSON array: it is decoded (not stripped of brackets and quotes, which
left a name with a `"` in it showing as `\\"`) and the spellings that
matched are listed.
"""

import html
import json
import re

from datasette import hookimpl

MATCH_NOTHING = '"x" NOT "x"'
_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|(\w+)')
_WORD = re.compile(r"\w+")
MAX_TERMS = 16
START, END = "\x01", "\x02"


def fts_query(text):
    if text is None:
        return MATCH_NOTHING
    terms = []
    for phrase, word in _PHRASE_OR_WORD.findall(str(text)[:500]):
        words = _WORD.findall(phrase) if phrase else [word]
        if words:
            terms.append(" ".join(words))
    terms = terms[:MAX_TERMS]
    if not terms:
        return MATCH_NOTHING
    quoted = [f'"{t}"' for t in terms]
    if " " not in terms[-1] and len(terms[-1]) >= 3 and not str(text).rstrip().endswith('"'):
        quoted[-1] += "*"
    return " ".join(quoted)


def marked(text):
    """Snippet text as HTML: escaped, matches in <mark>."""
    if text is None:
        return None
    return html.escape(str(text), quote=False).replace(START, "<mark>").replace(END, "</mark>")


def marked_aliases(name, aliases):
    """An entity's snippet: its name when the name matched, else the
    spellings (aliases, a JSON array) that did."""
    if name is not None and START in str(name):
        return marked(name)
    try:
        spellings = json.loads(aliases, strict=False) if aliases else []
    except (TypeError, ValueError):
        spellings = []
    matched = [str(s) for s in spellings if isinstance(s, str) and START in s] if isinstance(spellings, list) else []
    if not matched:
        return marked(name)
    return "written " + ", ".join(marked(s) for s in matched)


@hookimpl
def prepare_connection(conn):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
    conn.create_function("marked", 1, marked, deterministic=True)
    conn.create_function("marked_aliases", 2, marked_aliases, deterministic=True)
