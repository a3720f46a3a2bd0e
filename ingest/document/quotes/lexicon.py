"""Word lists the quote passes read: cue verbs, pronouns, role nouns,
first-person words and the channels a statement is made on. (Honorifics
are in ingest/document/names.py, shared with the entity stage.)"""

from __future__ import annotations

import re

CUE_LEMMAS = frozenset("""
    say tell add write claim insist note explain warn argue ask answer reply respond declare announce
    state tweet post quip joke recall acknowledge admit concede contend assert suggest predict promise
    vow pledge urge accuse charge describe call dub label term chant shout yell testify boast complain
    lament muse observe remark comment conclude offer quote cite tout maintain stress emphasize
    emphasise reiterate repeat mention confirm deny proclaim exclaim mutter whisper scream cry demand
    wonder hint reveal report inform caution threaten criticize criticise blast slam praise allege
    retort counter interject read sing plead question challenge characterize characterise refer
    speak text email message continue put agree disagree recount exult scoff sneer snap fume gush
    rave rant mock lash concur vent brag thunder point press assure
""".split())
# Subjects that cannot be a speaker.
NON_SPEAKER_SUBJECTS = frozenset("it this that which there these those what something nothing".split())
PRONOUNS = {
    "he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f",
    "they": None, "them": None, "i": None, "me": None, "we": None, "us": None, "you": None,
}
# Role words: a definite description headed by one of these ("the Ukrainian
# president", "the real estate developer") refers back to a named person.
ROLE_NOUNS = frozenset("""
    president leader minister premier chancellor senator congressman congresswoman representative
    governor mayor candidate nominee secretary spokesman spokeswoman spokesperson chairman chairwoman
    chair director chief commander general official ambassador diplomat developer billionaire mogul
    businessman businesswoman host anchor lawmaker politician democrat republican king queen prince
    pope judge attorney prosecutor sheriff commissioner adviser advisor aide strategist manager
    founder executive ceo activist author economist analyst columnist
""".split())
# Common nouns that name a body of people, a speaker when they say something
# ("Police said ...", unlike "Water reached ...").
GROUP_NOUNS = frozenset("""
    police government army military navy ministry department agency council committee commission court
    congress parliament senate administration company firm campaign party team staff family public media
    press crowd church union board management prosecution defence defense opposition coalition embassy
    authorities officials critics residents protesters witnesses experts
""".split())
FIRST_PERSON = re.compile(r"\b(?:I(?![-.])|I'm|I’m|I've|I’ve|me|my|My|we|We|our|Our|us|ourselves)\b")
# Cues that report someone's words plainly enough to attribute a neighbouring unmarked paragraph.
SPEECH_CUES = frozenset("say tell add stress emphasize emphasise announce declare warn insist continue explain "
                        "write".split()) | {"according to"}
# Channels named near a quote, first match wins.
CHANNELS: list[tuple[str, re.Pattern]] = [
    ("video address", re.compile(r"\b(?:video|nightly|daily|evening|wartime)\s+(?:\w+\s+)?(?:address|message)\b"
                                 r"|\bvideo\b", re.I)),
    ("Telegram", re.compile(r"\bTelegram\b")),
    ("X/Twitter", re.compile(r"\b(?:on|via) (?:Twitter|X)\b|\btweet(?:s|ed|ing)?\b|\bTwitter\b")),
    ("Facebook", re.compile(r"\bFacebook\b")),
    ("Instagram", re.compile(r"\bInstagram\b")),
    ("Truth Social", re.compile(r"\bTruth Social\b")),
    ("press conference", re.compile(r"\b(?:press|news) (?:conference|briefing)\b|\bbriefing\b", re.I)),
    ("interview", re.compile(r"\binterview\b", re.I)),
    ("statement", re.compile(r"\b(?:a|the|his|her|their|its|joint|written) statement\b", re.I)),
    ("speech", re.compile(r"\b(?:speech|address(?:ed|ing)? (?:the|a) \w+)\b", re.I)),
]
