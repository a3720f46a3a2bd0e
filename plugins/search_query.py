"""SQL function fts_query(text): any user input as a safe FTS5 query.

Readers type words, not FTS5 syntax. Unbalanced quotes, bare operators
(`AND OR`), `*` or `NEAR(` must not turn into a syntax error: words are
quoted one by one and ANDed, "quoted phrases" stay phrases, and the last
word also matches as a prefix (when it has three letters or more: "a*"
would expand to most of the vocabulary), so results come as you type. Input
with no words at all gives a query that matches nothing.
"""

import re

from datasette import hookimpl

MATCH_NOTHING = '"x" NOT "x"'
_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|(\w+)')
_WORD = re.compile(r"\w+")
MAX_TERMS = 16


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


@hookimpl
def prepare_connection(conn):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
