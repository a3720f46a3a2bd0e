"""A hostile corpus, written at test time: every kind of input that people
who scrape pages themselves will point Press Atlas at.

`make_hostile_corpus(folder)` writes it into `folder` and returns what each
document must become: an article (with the words its title and body must
hold, so wrong decoding shows) or an `ingest_errors` row (with the words
its message must hold, so the reason is one a user understands). Nothing
here is checked in: the files are made from the texts below, and the big
ones are made in seconds.

The good "control" documents are ordinary pages; `make_controls(folder)`
writes them alone, under the same names, so a test can check that building
them among the hostile inputs gives exactly the articles they give alone.

Run as a script to look at the corpus: `python tests/hostile_corpus.py DIR`.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

# Sizes of the big inputs: a text file far over the reader's cap, lines of a
# megabyte, and nesting deeper than any parser's limit.
HUGE_BYTES = 200_000_000
LONG_LINE_BYTES = 1_000_000
DEEP_LEVELS = 100_000


@dataclass(frozen=True)
class Expect:
    """What one document must become.

    article: `title` (when given) is its title exactly; every string of
    `body` is in its body text and none of `not_in_body` is.
    error: the row's stage is `stage` (when given) and its message holds
    every string of `words` (compared case-blind).
    """

    outcome: str  # "article" or "error"
    title: str | None = None
    body: tuple[str, ...] = ()
    not_in_body: tuple[str, ...] = ()
    stage: str | None = None
    words: tuple[str, ...] = ()
    control: bool = False  # a good document that must come out as it does alone
    regular: bool = True  # a regular file (counted by conftest.expected_documents)


def article(title: str | None = None, body=(), not_in_body=(), control: bool = False) -> Expect:
    return Expect("article", title=title, body=tuple(body), not_in_body=tuple(not_in_body), control=control)


def error(*words: str, stage: str | None = None, regular: bool = True) -> Expect:
    return Expect("error", stage=stage, words=words, regular=regular)


# --- texts -------------------------------------------------------------------

def story(place: str, mayor: str = "Marta Silva") -> tuple[str, list[str]]:
    """A short news story about `place`: (headline, paragraphs). Each place
    gives different words, so no two documents are copies of each other."""
    title = f"Sea wall at {place} gives way as storm floods the harbour front"
    paragraphs = [
        f"The sea wall protecting {place} gave way early on Tuesday, flooding about 300 homes along "
        f"the harbour front, the town council said in a statement.",
        f"“We have never seen the water come in this fast,” said {mayor}, the mayor of {place}, "
        f"who spent the night at the emergency centre.",
        f"Engineers had warned in a report two years ago that the wall at {place} needed repairs, "
        f"but the work was postponed for lack of money, according to council minutes.",
        f"Residents of {place} were moved to a school gymnasium, and the council said temporary "
        f"housing would be found for every family within a week.",
        f"Forecasters expect more strong winds over the weekend, and the coastguard asked people "
        f"in {place} to stay away from the seafront until the wall is secured.",
    ]
    return title, paragraphs


def html_page(title: str, paragraphs: list[str], head: str = "", lang: str = "en",
              byline: str = "By Ana Costa") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head>{head}<title>{title} | The Harbour Gazette</title>'
            f'</head>\n<body><header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>\n'
            f'<article><h1>{title}</h1>\n<p class="byline">{byline}</p>\n'
            f'<time datetime="2024-03-05">5 March 2024</time>\n{body}\n</article>\n'
            f'<footer>&copy; 2024 The Harbour Gazette</footer></body></html>\n')


def text_page(title: str, paragraphs: list[str]) -> str:
    return title + "\n\nBy Ana Costa\n5 March 2024\n\n" + "\n\n".join(paragraphs) + "\n"


def record(place: str, **extra) -> dict:
    title, paragraphs = story(place)
    return {"url": f"https://harbour.example/2024/03/05/{place.lower().replace(' ', '-')}",
            "title": title, "text": "\n\n".join(paragraphs), **extra}


# Japanese for the Shift-JIS pages: a news story, not a word list, so a
# detector sees real text.
JAPANESE_TITLE = "港の防波堤が決壊、沿岸の住宅およそ三百棟が浸水"
JAPANESE = [
    "火曜日の早朝、港町の防波堤が高潮によって決壊し、沿岸の住宅およそ三百棟が浸水したと町役場が発表した。",
    "町長は記者会見で「これほど速く水が入ってきたのは初めてだ」と述べ、国に緊急の支援を求める考えを示した。",
    "専門家は二年前の時点で防波堤の補修が必要だと警告していたが、予算の不足を理由に工事は先送りされていた。",
    "住民の多くは近くの学校の体育館に避難しており、町は一週間以内に仮設住宅を用意する方針だ。",
    "気象庁によると、週末にかけて再び強い風と高い波が予想されており、海岸に近づかないよう呼びかけている。",
]

# Western European text that cp1252 encodes (curly quotes, euro sign) and
# text that latin-1 encodes (accents only).
CP1252_TITLE = "Zelensky’s “winter plan” for Aveiro’s café owners costs €2 million"
CP1252 = [
    "Aveiro’s café owners will receive €2 million in aid, the council said on Tuesday, after the storm "
    "closed the quay for a week.",
    "“We lost everything in the cellar,” said José Antunes, whose café faces the harbour. “The insurers "
    "have not called back.”",
    "The council’s plan, modelled on Zelensky’s winter support scheme, pays each owner €5,000 within ten days.",
    "Critics say the sum is too small: a new café counter alone costs more than €8,000, according to the "
    "owners’ association.",
]
LATIN1_TITLE = "São João fishermen count the cost of the storm in Peniche and Nazaré"
LATIN1 = [
    "Fishermen in São João said on Tuesday that the storm had destroyed half the fleet's nets, and the "
    "harbour master in Peniche closed the port to small boats.",
    "In Nazaré, the façade of the fish market was damaged and the mayor, Inês Conceição, asked for help "
    "from Lisbon.",
    "Señor Muñoz, who buys sardines for a cannery in Vigo, said prices would rise: the Größe of the catch "
    "was down by a third.",
    "The association of fishermen said the government's aid would arrive too late for the spring season.",
]


def _deep_html(levels: int) -> str:
    title, paragraphs = story("Deepwater")
    inner = f"<h1>{title}</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs)
    return ("<!DOCTYPE html><html lang=\"en\"><head><title>" + title + "</title></head><body>"
            + "<div>" * levels + inner + "</div>" * levels + "</body></html>")


def _long_line_text(n_bytes: int) -> str:
    """A text page whose second paragraph is one line of `n_bytes`: real
    sentences, each different, so it reads as prose."""
    sentences, size, i = [], 0, 0
    while size < n_bytes:
        s = f"Witness number {i} told the inquiry the wall at Longshore had cracked hours before it failed. "
        sentences.append(s)
        size += len(s)
        i += 1
    title, paragraphs = story("Longshore")
    return title + "\n\n" + paragraphs[0] + "\n\n" + "".join(sentences).strip() + "\n\n" + paragraphs[1] + "\n"


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def _write_huge(path: Path, n_bytes: int) -> None:
    """A text file of `n_bytes` of ordinary lines, written in 1 MB chunks."""
    line = b"The storm report continues with another line of ordinary text about the harbour.\n"
    chunk = line * (1_000_000 // len(line))
    with open(path, "wb") as fh:
        written = 0
        while written < n_bytes:
            fh.write(chunk)
            written += len(chunk)


# --- the corpus -------------------------------------------------------------------

def make_controls(folder: Path) -> dict[str, Expect]:
    """The good documents, under the names they have in the hostile corpus.
    The JSON Lines feed keeps its good lines at their line numbers (the
    broken ones are blank here), so their keys are the same."""
    folder.mkdir(parents=True, exist_ok=True)
    name = folder.name
    expected: dict[str, Expect] = {}

    title, paragraphs = story("Aveiro")
    _write(folder / "control" / "article.html", html_page(title, paragraphs))
    expected[f"{name}/control/article.html"] = article(title, [paragraphs[0], "never seen the water"], ["Home"],
                                                       control=True)
    title, paragraphs = story("Ilhavo")
    _write(folder / "control" / "dump.txt", text_page(title, paragraphs))
    expected[f"{name}/control/dump.txt"] = article(title, [paragraphs[0], paragraphs[-1]], control=True)
    title, paragraphs = story("Ovar")
    _write(folder / "control" / "crlf.jsonl",
           (json.dumps(record("Ovar")) + "\r\n" + json.dumps(record("Esmoriz")) + "\r\n").encode())
    expected[f"{name}/control/crlf.jsonl#L1"] = article(title, [paragraphs[0]], control=True)
    expected[f"{name}/control/crlf.jsonl#L2"] = article(story("Esmoriz")[0], control=True)

    feed = _feed_lines()
    _write(folder / "feeds" / "feed.jsonl", "\n".join(line if good else "" for line, good, _ in feed))
    for n, (_line, good, expect) in enumerate(feed, start=1):
        if good:
            expected[f"{name}/feeds/feed.jsonl#L{n}"] = expect
    return expected


def _feed_lines() -> list[tuple[str, bool, Expect]]:
    """A JSON Lines feed with broken lines among good ones: (line, good, expectation)."""
    mira = record("Mira")
    mojibake = record("Tocha")
    mojibake["text"] = mojibake["text"].replace("“We", "Zelenskyâ€™s words came to mind: “We")
    nul = record("Palheiros")
    nul["text"] = nul["text"].replace("gave way", "gave\u0000 way")
    return [
        (json.dumps(mira), True, article(mira["title"], [mira["text"].split("\n\n")[0]], control=True)),
        (json.dumps(record("Vagos"), ensure_ascii=False), True, article(record("Vagos")["title"], control=True)),
        ('{"title": "Half a record", "text": "The wall', False,
         error("line 3", "not valid JSON", stage="parse")),
        ('["a", "list", "of", "words"]', False, error("line 4", "not an object", stage="parse")),
        ('"a string on its own"', False, error("line 5", "not an object", stage="parse")),
        (json.dumps({"title": "A record with no text", "url": "https://harbour.example/x"}), False,
         error("line 6", "no article text", stage="extract")),
        (json.dumps({"title": "Text of the wrong type", "text": 42}), False,
         error("line 7", "no article text", stage="extract")),
        ("null", False, error("line 8", "not an object", stage="parse")),
        (json.dumps(mojibake), False, article(mojibake["title"], ["Zelensky’s words came to mind"], ["â€"])),
        (json.dumps(nul), False, article(nul["title"], ["gave way"], ["\u0000"])),
        (json.dumps(mira), False, error("same bytes", "feed.jsonl#L1", stage="dedupe")),
        # The last line of a half-downloaded feed, cut short with no newline.
        (json.dumps(record("Gafanha"))[:150], False, error("line 12", "not valid JSON", stage="parse")),
    ]


def make_hostile_corpus(folder: Path, huge_bytes: int = HUGE_BYTES, deep_levels: int = DEEP_LEVELS,
                        long_line_bytes: int = LONG_LINE_BYTES) -> dict[str, Expect]:
    """Write the hostile corpus into `folder` (which must not exist yet or be
    empty) and return {source key: Expect} for every document, keys as the
    build reports them (paths from the folder's parent, '#L<n>' for lines)."""
    folder.mkdir(parents=True, exist_ok=True)
    name = folder.name
    key = lambda relative: f"{name}/{relative}"  # noqa: E731
    rng = random.Random(7)
    expected = make_controls(folder)
    # The feed again, whole this time: its broken lines among the good ones.
    feed = _feed_lines()
    _write(folder / "feeds" / "feed.jsonl", "\n".join(line for line, _good, _ in feed))
    for n, (_line, _good, expect) in enumerate(feed, start=1):
        expected[key(f"feeds/feed.jsonl#L{n}")] = expect

    # Encodings: each page a different story, so decoding shows in its words.
    enc = folder / "encodings"
    for file, encoding, head in (("utf16-bom.html", "utf-16", '<meta charset="utf-16">'),
                                 ("utf16le-nobom.html", "utf-16-le", ""),
                                 ("utf16be-nobom.txt", "utf-16-be", None),
                                 ("utf16-bom.txt", "utf-16", None)):
        place = {"utf16-bom.html": "Figueira", "utf16le-nobom.html": "Buarcos",
                 "utf16be-nobom.txt": "Lavos", "utf16-bom.txt": "Quiaios"}[file]
        title, paragraphs = story(place, mayor="Inês Conceição")
        page = text_page(title, paragraphs) if head is None else html_page(title, paragraphs, head)
        _write(enc / file, page.encode(encoding))
        expected[key(f"encodings/{file}")] = article(title, [paragraphs[0], "Inês Conceição"])
    for file, encoding, head, title, paragraphs in (
            ("cp1252-declared.html", "cp1252", '<meta http-equiv="Content-Type" content="text/html; '
                                               'charset=windows-1252">', CP1252_TITLE, CP1252),
            ("cp1252-undeclared.html", "cp1252", "", CP1252_TITLE, CP1252[1:] + CP1252[:1]),
            ("cp1252.txt", "cp1252", None, CP1252_TITLE, CP1252[2:] + CP1252[:2]),
            ("latin1-declared.html", "latin-1", '<meta charset="iso-8859-1">', LATIN1_TITLE, LATIN1),
            ("latin1-undeclared.html", "latin-1", "", LATIN1_TITLE, LATIN1[1:] + LATIN1[:1]),
            ("latin1.txt", "latin-1", None, LATIN1_TITLE, LATIN1[2:] + LATIN1[:2]),
            ("shiftjis-declared.html", "shift_jis", '<meta charset="Shift_JIS">', JAPANESE_TITLE, JAPANESE),
            ("shiftjis-undeclared.html", "shift_jis", "", JAPANESE_TITLE, JAPANESE[1:] + JAPANESE[:1])):
        lang = "ja" if encoding == "shift_jis" else "en"
        page = text_page(title, paragraphs) if head is None else html_page(title, paragraphs, head, lang=lang)
        _write(enc / file, page.encode(encoding))
        expected[key(f"encodings/{file}")] = article(title, paragraphs[:2])
    title, paragraphs = story("Mortagua")
    _write(enc / "utf8-bom.txt", codecs.BOM_UTF8 + text_page(title, paragraphs).encode())
    expected[key("encodings/utf8-bom.txt")] = article(title, [paragraphs[0]], ["\ufeff"])
    # UTF-8 with one stray byte: still UTF-8, not a page of mojibake.
    title, paragraphs = story("Águeda", mayor="José Antunes")
    data = html_page(title, paragraphs, '<meta charset="utf-8">').encode()
    _write(enc / "utf8-stray-byte.html", data.replace(b"gave way", b"gave \xff way", 1))
    expected[key("encodings/utf8-stray-byte.html")] = article(title, ["José Antunes", paragraphs[2]])
    # A page that declares UTF-8 but is cp1252.
    _write(enc / "lying-charset.html",
           html_page(CP1252_TITLE, CP1252[3:] + CP1252[:3], '<meta charset="utf-8">').encode("cp1252"))
    expected[key("encodings/lying-charset.html")] = article(CP1252_TITLE, CP1252[3:4])
    # Mojibake: UTF-8 text that was once decoded as cp1252 upstream.
    title, paragraphs = story("Anadia")
    paragraphs[1] = "Zelenskyâ€™s words were quoted at the meeting: â€œWe will rebuild,â€\x9d said the mayor."
    _write(enc / "mojibake.html", html_page(title, paragraphs))
    expected[key("encodings/mojibake.html")] = article(
        title, ["Zelensky’s words were quoted", "“We will rebuild,” said the mayor."], ["â€"])
    title, paragraphs = story("Mealhada")
    paragraphs[2] = "The cafÃ© owners of Mealhada said Zelenskyâ€™s appeal had moved them."
    _write(enc / "mojibake.txt", text_page(title, paragraphs))
    expected[key("encodings/mojibake.txt")] = article(
        title, ["The café owners of Mealhada said Zelensky’s appeal"], ["Ã©", "â€"])
    # NUL bytes scattered in text and HTML.
    title, paragraphs = story("Cantanhede")
    _write(enc / "nul-bytes.txt", text_page(title, paragraphs).replace(" the ", " the\x00 ").replace("wall", "wa\x00ll"))
    expected[key("encodings/nul-bytes.txt")] = article(title, [paragraphs[0]], ["\x00"])
    title, paragraphs = story("Tondela")
    _write(enc / "nul-bytes.html", html_page(title, paragraphs).replace("<p>", "<p>\x00").replace("wall", "wa\x00ll"))
    expected[key("encodings/nul-bytes.html")] = article(title, [paragraphs[0]], ["\x00"])

    # Broken files.
    broken = folder / "broken"
    for file in ("empty.txt", "empty.html", "empty.jsonl"):
        _write(broken / file, b"")
    expected[key("broken/empty.txt")] = error("empty", stage="read")
    expected[key("broken/empty.html")] = error("empty", stage="read")
    expected[key("broken/empty.jsonl")] = error("no records", stage="read")
    _write(broken / "blank.txt", b" \n\n\t\r\n  \n")
    expected[key("broken/blank.txt")] = error("empty", stage="read")
    _write(broken / "bom-only.txt", codecs.BOM_UTF8)
    expected[key("broken/bom-only.txt")] = error("empty")
    _write(broken / "nuls.txt", b"\x00" * 4096)
    expected[key("broken/nuls.txt")] = error("binary", stage="decode")
    _write(broken / "random.html", bytes(rng.getrandbits(8) for _ in range(20_000)))
    expected[key("broken/random.html")] = error("binary", stage="decode")
    _write(broken / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.getrandbits(8) for _ in range(8000)))
    expected[key("broken/image.txt")] = error("binary", stage="decode")
    _write(broken / "program.html", b"\x7fELF\x02\x01\x01\x00" + bytes(rng.getrandbits(8) for _ in range(8000)))
    expected[key("broken/program.html")] = error("binary", stage="decode")
    # Half-downloaded pages: cut in the middle of the body, and in the head.
    title, paragraphs = story("Vouzela")
    page = html_page(title, paragraphs)
    _write(broken / "truncated-body.html", page[:page.index(paragraphs[3]) + 40])
    expected[key("broken/truncated-body.html")] = article(title, paragraphs[:3], [paragraphs[4]])
    _write(broken / "truncated-head.html", page[:page.index("<title>") + 12])
    expected[key("broken/truncated-head.html")] = error("no article text", stage="extract")
    # Pages with no article at all.
    _write(broken / "no-article.html",
           '<html><head><title>Home</title></head><body><nav><a href="/">Home</a> <a href="/world">World</a>'
           ' <a href="/sport">Sport</a></nav><div class="cookie">We use cookies. Accept all?</div>'
           '<footer>© 2024 The Harbour Gazette · Privacy · Terms</footer></body></html>')
    expected[key("broken/no-article.html")] = error("no article text", stage="extract")
    _write(broken / "script-only.html", "<html><head><script>var story = 'the wall gave way';</script></head>"
                                        "<body><script>document.write(story)</script></body></html>")
    expected[key("broken/script-only.html")] = error("no article text", stage="extract")
    _write(broken / "no-article.txt", "Home\nWorld\nSport\nSign in\nSubscribe\nSearch\nCookie settings\n"
                                      "Accept all cookies\n© 2024 The Harbour Gazette\n")
    expected[key("broken/no-article.txt")] = error("no article text", stage="extract")
    # Script injection in an otherwise good page: the script is not article text.
    title, paragraphs = story("Sever")
    paragraphs[2] = paragraphs[2] + ' <img src=x onerror="alert(1)"><script>alert("pwned")</script>'
    _write(broken / "script-injection.html", html_page(title, paragraphs))
    expected[key("broken/script-injection.html")] = article(title, [paragraphs[0]], ["alert", "<script", "onerror"])

    # Big inputs.
    big = folder / "big"
    big.mkdir(parents=True, exist_ok=True)
    _write_huge(big / "huge.txt", huge_bytes)
    expected[key("big/huge.txt")] = error("MB", "not read", stage="read")
    _write(big / "long-line.txt", _long_line_text(long_line_bytes))
    title, paragraphs = story("Longshore")
    expected[key("big/long-line.txt")] = article(title, [paragraphs[0], "Witness number 0 told the inquiry"])
    title, paragraphs = story("Widemouth")
    long_paragraph = " ".join(f"Resident number {i} of Widemouth described the night the water came in." for i in
                              range(long_line_bytes // 70))
    _write(big / "long-paragraph.html", html_page(title, paragraphs[:2] + [long_paragraph] + paragraphs[2:]))
    expected[key("big/long-paragraph.html")] = article(title, [paragraphs[0], "Resident number 0 of Widemouth"])
    mega = record("Longmeadow")
    mega["text"] += "\n\n" + " ".join(f"Line {i} of the inquiry's findings was read aloud." for i in
                                      range(long_line_bytes // 50))
    _write(big / "long-record.jsonl", json.dumps(mega) + "\n")
    expected[key("big/long-record.jsonl#L1")] = article(mega["title"], ["Line 0 of the inquiry"])
    _write(big / "deep.html", _deep_html(deep_levels))
    title, paragraphs = story("Deepwater")
    expected[key("big/deep.html")] = article(title, paragraphs[:2])

    # The same page saved twice under other names (and a third time by a link).
    dupes = folder / "dupes"
    dupes.mkdir(parents=True, exist_ok=True)
    (dupes / "copy of dump.txt").write_bytes((folder / "control" / "dump.txt").read_bytes())
    expected[key("dupes/copy of dump.txt")] = error("same bytes", key("control/dump.txt"), stage="dedupe")
    (dupes / "article (1).htm").write_bytes((folder / "control" / "article.html").read_bytes())
    expected[key("dupes/article (1).htm")] = error("same bytes", key("control/article.html"), stage="dedupe")

    # Symbolic links: a loop, a cycle of two, a dangling one, one inside the
    # corpus (a duplicate), one to a file outside it and one to a folder
    # outside it (not followed: a scraped folder must not publish the
    # machine's files), and a folder link back to its parent (walked once).
    links = folder / "links"
    links.mkdir(parents=True, exist_ok=True)
    (links / "loop.txt").symlink_to("loop.txt")
    expected[key("links/loop.txt")] = error("symbolic link loop", stage="read", regular=False)
    (links / "ping.html").symlink_to("pong.html")
    (links / "pong.html").symlink_to("ping.html")
    expected[key("links/ping.html")] = error("symbolic link loop", stage="read", regular=False)
    expected[key("links/pong.html")] = error("symbolic link loop", stage="read", regular=False)
    (links / "dangling.html").symlink_to("gone.html")
    expected[key("links/dangling.html")] = error("broken symbolic link", stage="read", regular=False)
    (links / "alias.html").symlink_to(Path("..") / "control" / "article.html")
    expected[key("links/alias.html")] = error("same bytes", key("control/article.html"), stage="dedupe")
    outside = folder.parent / f"{name}-outside"
    outside.mkdir(exist_ok=True)
    title, paragraphs = story("Outside")
    (outside / "secret.txt").write_text(text_page(title, paragraphs))
    (links / "secret.txt").symlink_to(outside / "secret.txt")
    expected[key("links/secret.txt")] = error("outside the folder", stage="read", regular=False)
    (links / "elsewhere").symlink_to(outside, target_is_directory=True)
    expected[key("links/elsewhere")] = error("outside the folder", stage="read", regular=False)
    (links / "parent").symlink_to("..", target_is_directory=True)

    # Things that are not files: a named pipe (opening it for reading would
    # wait forever for a writer) and a folder named like a page.
    special = folder / "special"
    special.mkdir(parents=True, exist_ok=True)
    os.mkfifo(special / "pipe.txt")
    expected[key("special/pipe.txt")] = error("named pipe", stage="read", regular=False)
    title, paragraphs = story("Foldertown")
    _write(special / "folder.html" / "inside.txt", text_page(title, paragraphs))
    expected[key("special/folder.html/inside.txt")] = article(title, [paragraphs[0]])
    return expected


def make_containers(folder: Path, bomb_bytes: int = HUGE_BYTES) -> dict[str, Expect]:
    """Compressed and JSON inputs that are broken as containers: a gzip bomb,
    damaged and cut-short gzip files, a JSON array cut short. Kept apart
    from the hostile corpus because conftest.expected_documents opens them
    as a well-formed input would be opened."""
    folder.mkdir(parents=True, exist_ok=True)
    name = folder.name
    expected = {}
    line = b"The storm report continues with another line of ordinary text about the harbour.\n"
    compressor = gzip.open(folder / "bomb.txt.gz", "wb", compresslevel=9)
    with compressor:
        chunk = line * (1_000_000 // len(line))
        for _ in range(bomb_bytes // len(chunk) + 1):
            compressor.write(chunk)
    expected[f"{name}/bomb.txt.gz"] = error("MB", "not read", stage="read")
    title, paragraphs = story("Gzipton")
    whole = gzip.compress(text_page(title, paragraphs).encode())
    (folder / "cut.txt.gz").write_bytes(whole[:len(whole) // 2])
    expected[f"{name}/cut.txt.gz"] = error("gzip", "damaged or cut short", stage="read")
    (folder / "not-gzip.html.gz").write_text(html_page(title, paragraphs))
    expected[f"{name}/not-gzip.html.gz"] = error("gzip", stage="read")
    title, paragraphs = story("Arraybridge")
    (folder / "good.txt.gz").write_bytes(gzip.compress(text_page(title, paragraphs).encode()))
    expected[f"{name}/good.txt.gz"] = article(title, [paragraphs[0]])
    items = [record("Arrayford"), record("Arrayton"), ["not", "an", "object"]]
    (folder / "array.json").write_text(json.dumps(items))
    expected[f"{name}/array.json#1"] = article(items[0]["title"])
    expected[f"{name}/array.json#2"] = article(items[1]["title"])
    expected[f"{name}/array.json#3"] = error("not an object", stage="parse")
    (folder / "cut-array.json").write_text(json.dumps([record("Cutbury"), record("Cutley")])[:300])
    expected[f"{name}/cut-array.json"] = error("not valid JSON", stage="parse")
    return expected


# --- documents that break the analysis itself ---------------------------------------------

# Lines that make `analyse_or_misbehave` kill, hang or fail the process
# analysing the document (see tests/test_hostile_corpus.py).
CRASH = "This line makes the analysis crash its process."
HANG = "This line makes the analysis hang its process."
RAISE = "This line makes the analysis raise an exception."


def analyse_or_misbehave(doc, nlp: bool = True):
    """`ingest.document.analyse.analyse`, except on documents holding one of the lines
    above: those die of a real segmentation fault, spin in catastrophic
    regex backtracking (the classic way a parser hangs), or raise. A
    module-level function, so worker processes can import it."""
    import ctypes
    import re

    from ingest.document.analyse import analyse

    if CRASH.encode() in doc.data:
        ctypes.string_at(0)  # reads address 0: SIGSEGV
    if HANG.encode() in doc.data:
        re.match(r"(a+)+$", "a" * 64 + "b")  # 2**64 steps
    if RAISE.encode() in doc.data:
        raise RuntimeError("a bug in a later stage")
    return analyse(doc, nlp=nlp)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python tests/hostile_corpus.py DIR   (DIR must not exist)", file=sys.stderr)
        return 2
    target = Path(argv[1])
    if target.exists():
        print(f"{target} exists: give a new folder", file=sys.stderr)
        return 2
    expected = make_hostile_corpus(target / "hostile")
    expected |= make_containers(target / "containers")
    for k, e in sorted(expected.items()):
        print(f"{e.outcome:8} {k}  {' / '.join(e.words) if e.outcome == 'error' else (e.title or '')}")
    print(f"{len(expected)} documents under {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
