"""MinHash band keys of texts, for the copies pass (ingest/corpus/copies.py).

Each text becomes the set of its k-word shingles, its MinHash signature
(datasketch) is cut into LSH bands, and each band gives one 63-bit key: two
texts sharing a key are candidates to compare. A text's keys depend on
nothing but the text and this module, so a build keeps them between runs
(ingest/store/cache.py) under `memo_kind`, which names this module's
code: changing how copies are judged (ingest/corpus/copies.py) does not
throw them away.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Sequence

NUM_PERM = 64

_WORD = re.compile(r"\w+")
_HOLE = re.compile(r"\[…\]|\[\.\.\.\]")


def tokens(text: str) -> list[str]:
    """Case-folded words; a hole left by a redacted repost ("[…]") is not one."""
    return _WORD.findall(_HOLE.sub(" ", text).casefold())


def bands(threshold: float) -> list[tuple[int, int]]:
    """The signature's (start, end) slices, one per band, that datasketch's
    LSH picks for this Jaccard threshold."""
    from datasketch import MinHashLSH

    return MinHashLSH(threshold=threshold, num_perm=NUM_PERM).hashranges


def _as_hash(value: int) -> int:
    return value


def shingle_hashes(text: str, k: int):
    """32-bit hashes of the text's k-word shingles, unique and sorted, for
    MinHash: each word hashed once (CRC-32), each shingle's hash a rolling
    combination of its words' (vectorised), so no shingle string is built."""
    import numpy as np

    words = tokens(text)
    if not words:
        return np.zeros(0, dtype=np.uint64)
    h = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words))
    if len(h) <= k:
        combined = np.array([int(np.bitwise_xor.reduce(h * np.arange(1, len(h) + 1, dtype=np.uint64)))],
                            dtype=np.uint64)
    else:
        combined = np.zeros(len(h) - k + 1, dtype=np.uint64)
        for offset in range(k):
            combined = combined * np.uint64(1_000_003) + h[offset:len(h) - k + 1 + offset]
    return np.unique(combined & np.uint64(0xFFFFFFFF))


def band_keys(texts: Sequence[str], k: int, ranges: list[tuple[int, int]]) -> list[list[int]]:
    """For each text, one 63-bit key per LSH band of its MinHash signature."""
    from datasketch import MinHash

    batches = [shingle_hashes(t, k) for t in texts]
    keys = []
    for m in MinHash.bulk(batches, num_perm=NUM_PERM, seed=7, hashfunc=_as_hash):
        values = m.hashvalues
        keys.append([
            int.from_bytes(hashlib.blake2b(values[a:b].tobytes() + bytes([n]), digest_size=8).digest(), "big") >> 1
            for n, (a, b) in enumerate(ranges)
        ])
    return keys


@lru_cache(maxsize=None)
def memo_kind(k: int, threshold: float) -> str:
    """Names what the keys depend on besides the text: this module's code,
    datasketch's version and the parameters."""
    import importlib.metadata

    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    return f"minhash:{code}:{importlib.metadata.version('datasketch')}:{k}:{threshold}:{NUM_PERM}"


def text_digest(text: str) -> bytes:
    """What the kept keys are found by."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
