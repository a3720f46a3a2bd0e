"""Decode: raw bytes to text, with the encoding that was detected.

Order of evidence: a byte-order mark; UTF-16 without a BOM (NUL bytes on
every other position); strict UTF-8; the charset an HTML page declares;
chardet's guess (not charset-normalizer's: it mistakes Shift-JIS for
UTF-16, even on long texts). Text that was decoded with the wrong
codec somewhere upstream ("Zelenskyâ€™s") is repaired with ftfy, which
only touches sequences that are clearly mojibake.
"""

from __future__ import annotations

import codecs
import re

import chardet
import ftfy

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)

# WHATWG: labels that browsers decode as windows-1252.
_WHATWG_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
                   "us-ascii": "cp1252", "ascii": "cp1252", "iso8859-1": "cp1252"}

_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    normalization="NFC",
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class DecodeError(ValueError):
    pass


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def declared_charset(data: bytes) -> str | None:
    """The codec an HTML page's <meta> charset names (as browsers read the
    label: "iso-8859-1" is cp1252), or None when it names none we know."""
    match = _META_CHARSET.search(data[:8192])
    if not match:
        return None
    label = match.group(1).decode("ascii", "ignore").lower()
    label = _WHATWG_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def looks_binary(text: str) -> bool:
    """Decoded text that is mostly control characters is not a text document."""
    sample = text[:8192]
    if not sample:
        return False
    bad = len(_CONTROL.findall(sample)) + sample.count("\ufffd")
    return bad / len(sample) > 0.1


def detect(data: bytes, fmt: str) -> str:
    """The codec to decode the bytes with, by the order of evidence above;
    cp1252 when nothing tells."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    guess = _utf16_without_bom(data)
    if guess:
        return guess
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if fmt == "html":
        declared = declared_charset(data)
        if declared and declared not in ("utf-8", "utf_8"):
            try:
                data.decode(declared)
                return declared
            except (UnicodeDecodeError, LookupError):
                pass
    guess = chardet.detect(data[:100_000]).get("encoding")
    if guess:
        try:
            name = codecs.lookup(guess).name
        except LookupError:
            name = None
        if name:
            # chardet names Western text ISO-8859-1; browsers read that as cp1252.
            return "cp1252" if name in ("latin_1", "iso8859-1", "ascii") else name
    return "cp1252"


def decode(data: bytes, fmt: str) -> tuple[str, str]:
    """Return (text, encoding). Raises DecodeError for binary data."""
    encoding = detect(data, fmt)
    text = data.decode(encoding, errors="replace")
    if looks_binary(text):
        raise DecodeError("this looks like a binary file, not text (mostly control characters)")
    text = text.replace("\x00", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return repair(text), encoding


def repair(text: str) -> str:
    """Fix mojibake and strip control characters; leaves good text alone."""
    return _CONTROL.sub("", ftfy.fix_text(text, config=_FTFY_CONFIG))
