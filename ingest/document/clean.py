"""Clean: decide which lines of a page dump are the article.

A text dump is a list of lines (paragraphs, once hard-wrapped lines are
rejoined): menus, banners, captions and comment forms among the article's
own paragraphs. Each line gets a vector of features (length, stopword and
punctuation density, phrase lexicons in several languages, position relative
to the title and to the densest run of prose, its neighbours, repetition in
the page) and a small gradient-boosted model, trained by
bench/line_model.py with k-fold cross-validation on the article
extraction benchmark, scores it. The model is plain JSON, evaluated here in
pure Python. Every line that is cut is returned with the reason, so the cut
can be audited (removed_blocks).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent / "models" / "text_lines.json"

# Function words of the languages the press we see is written in: their share
# of a line's words tells prose from menus, whatever the topic.
STOPWORDS = {
    "en": "a an the of in on at to for and or but with by from as that which who is are was were be been "
          "has have had it its this these those not no he she they we you i his her their our said will would "
          "can could than then there when where after before about into over also more most".split(),
    "fr": "le la les un une des de du et ou mais en dans sur pour par avec que qui est sont était ont a "
          "au aux ce cette ces il elle ils nous vous ne pas plus son sa ses leur été selon".split(),
    "de": "der die das ein eine einen und oder aber in im auf für mit von zu zum zur ist sind war hat haben "
          "nicht den dem des sich es er sie wir auch als bei nach aus wie dass".split(),
    "es": "el la los las un una unos de del y o pero en con por para que es son fue ha han se su sus no "
          "al lo como más este esta según también".split(),
    "pt": "o a os as um uma de do da dos das e ou mas em no na nos nas com por para que é são foi tem se "
          "seu sua não ao como mais este esta segundo também".split(),
    "it": "il lo la i gli le un una di del della e o ma in con per che è sono era ha hanno si suo sua non "
          "al come più questo questa anche".split(),
    "nl": "de het een en of maar in op aan voor met van dat die is zijn was heeft hebben niet ook als bij".split(),
    "ru": "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по ее мне было "
          "вот от меня о из ему они мы это был".split(),
    "uk": "і в у не що він на я з як а то все вона так його але та ти до же ви за б по її мені було від "
          "про із йому вони ми це був".split(),
}
FUNCTION_WORDS = frozenset(w for words in STOPWORDS.values() for w in words)

# Phrases of page furniture, by kind, in several languages. A line that uses
# them is not necessarily furniture; the model weighs them with the rest.
LEXICONS = {
    "cookies": r"cookies?|privacy (?:policy|notice|settings|preferences)|consent|gdpr|datenschutz|"
               r"confidentialit|politique de confidentialit|privacidad|privacidade",
    "newsletter": r"newsletter|subscribe|subscription|sign ?up|inbox|abonn|inscri|suscr|assine|abonnieren|"
                  r"notifications?|alerts?",
    "account": r"log ?in|sign ?in|log ?out|register|create (?:an )?account|my account|password|connexion|"
               r"anmelden|iniciar sesi|entrar",
    "share": r"share (?:on|this|via)|\bshare\b|tweet|facebook|twitter|whatsapp|linkedin|pinterest|telegram|"
             r"email this|copy link|partager|teilen|compartir|compartilhe",
    "follow": r"follow (?:us|me|on)|on google news|suivez|folgen sie|síguenos|siga-nos",
    "comments": r"comments?|commentaires?|kommentare?|comentarios?|reply|replies|join the (?:conversation|discussion)|"
                r"leave a comment|post a comment|be the first to|thoughts on",
    "related": r"related|read more|read also|read next|see also|more from|recommended|most (?:read|popular|viewed)|"
               r"trending|you may also|you might also|lire aussi|à lire|mehr zum thema|lea también|leia também|"
               r"up next|watch:|listen:",
    "support": r"donat|support (?:us|our|independent)|your support|contribute|become a (?:member|patron|subscriber)|"
               r"paywall|soutenez|unterstützen",
    "copyright": r"©|copyright|all rights reserved|tous droits|alle rechte|todos los derechos|"
                 r"terms of (?:use|service)|terms and conditions",
    "navigation": r"^(?:home|menu|search|skip to|jump to|back to top|next|previous|close|open|more|news|sections?|"
                  r"topics?|accueil|inicio|startseite)\b",
    "advert": r"advertis|sponsored|promoted|partner content|publicité|anzeige|publicidad",
    "caption": r"\((?:[^()]*?/)?(?:getty|afp|ap|reuters|epa|shutterstock|alamy|pa|istock|bloomberg|photo|image|"
               r"picture|credit|file)[^()]*\)\s*$|^(?:photo|image|picture|credit|foto|bild)\s*[:/]|"
               r"(?:photograph|photo|image)(?:er)?:|/ ?(?:getty|afp|reuters|ap|epa)\b|"
               r"\([^()]*(?:press service|press office|handout|courtesy|supplied|pool|via |images?\b)[^()]*\)\s*$",
    "forum": r"posted (?:by|on)|members?|joined|reputation|quote|report post|recommended posts|"
             r"guest|moderator|topic|thread|likes?\b|upvote",
    "disclaimer": r"disclaimer|the views expressed|opinions expressed|not necessarily reflect|"
                  r"responsible for (?:their|the) comments|affiliate",
    "hashtags": r"(?:^|\s)#\w+(?:\s+#\w+){2,}",
    "byline": r"^(?:by|par|von|por|di)\s+[A-Z]|^(?:posted|published|updated|modifié|publié)\b",
}
_LEXICON_RE = {name: re.compile(rx, re.IGNORECASE) for name, rx in LEXICONS.items()}

_WORD = re.compile(r"\w+", re.UNICODE)
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net|co\.uk)\b", re.IGNORECASE)
_TERMINAL = tuple('.!?"”’»…')
_SEPARATORS = re.compile(r"[|•·»›/]")


def _ratio(n: int, d: int) -> float:
    return n / d if d else 0.0


def _prose(words: int, text: str) -> float:
    """1 for a line that reads as article prose, else 0."""
    return 1.0 if words >= 10 and text.endswith(_TERMINAL) else 0.0


def main_run(prose: list[float]) -> tuple[int, int]:
    """The span of lines with the most prose: a maximum-sum run where prose
    lines count +1 and other lines a small penalty (so a subhead or a caption
    inside the article does not break the run, but the footer does)."""
    best, best_span = 0.0, (0, -1)
    total, start = 0.0, 0
    for i, p in enumerate(prose):
        total += 1.0 if p else -0.35
        if total <= 0:
            total, start = 0.0, i + 1
        elif total > best:
            best, best_span = total, (start, i)
    return best_span


FEATURE_NAMES: list[str] = []


def _sample(text: str, limit: int = 4000) -> str:
    """A long line's head and tail: enough to judge it (furniture is short),
    and it keeps the cost of a line bounded however long the line."""
    return text if len(text) <= limit else text[:limit // 2] + " " + text[-limit // 2:]


def _base_features(text: str) -> dict[str, float]:
    full_length = len(text)
    full_words = len(_WORD.findall(text)) if full_length > 4000 else None
    text = _sample(text)
    words = _WORD.findall(text)
    n = len(words)
    lower = [w.lower() for w in words]
    letters = sum(c.isalpha() for c in text)
    f = {
        "log_words": math.log1p(full_words if full_words is not None else n),
        "log_chars": math.log1p(full_length),
        "terminal": 1.0 if text.endswith(_TERMINAL) else 0.0,
        "ends_colon": 1.0 if text.endswith(":") else 0.0,
        "ends_paren": 1.0 if text.endswith(")") else 0.0,
        "starts_quote": 1.0 if text[:1] in "\"“«'‘" else 0.0,
        "starts_lower": 1.0 if text[:1].islower() else 0.0,
        "stopword_ratio": _ratio(sum(w in FUNCTION_WORDS for w in lower), n),
        "punct_ratio": _ratio(sum(c in ",.;:!?" for c in text), len(text)),
        "digit_ratio": _ratio(sum(c.isdigit() for c in text), len(text)),
        "upper_ratio": _ratio(sum(c.isupper() for c in text), letters),
        "title_words": _ratio(sum(w[:1].isupper() for w in words), n),
        "avg_word_len": _ratio(sum(len(w) for w in words), n),
        "sentences": float(len(re.findall(r"[.!?][\"”’]?\s+[A-Z“\"]", text))),
        "separators": float(len(_SEPARATORS.findall(text))),
        "url": 1.0 if _URL.search(text) else 0.0,
        "email": 1.0 if "@" in text else 0.0,
    }
    for name, rx in _LEXICON_RE.items():
        f["lex_" + name] = 1.0 if rx.search(text) else 0.0
    f["rule"] = 1.0 if rule_for(text) else 0.0
    return f


# Short lines that open a page's comment section or its list of other stories:
# what follows them is not the article.
_COMMENTS_MARKER = re.compile(
    r"^(?:no\s+|\d+\s+)?(?:comments?|responses?|replies|reactions?|discussion|commentaires?|kommentare?|"
    r"comentarios?|комментари\w*)\b|leave a (?:reply|comment)|join the (?:conversation|discussion)|"
    r"add (?:a|your) comment|post a comment|what do you think|show comments|view comments", re.IGNORECASE)
_RELATED_MARKER = re.compile(
    r"^(?:related|more (?:from|on|stories|news)|read (?:more|next|also)|recommended|you (?:may|might) also|"
    r"most (?:read|popular|viewed)|trending|latest (?:news|stories)|top stories|see also|further reading|"
    r"lire aussi|à lire aussi|mehr zum thema|lea también|leia também|читайте также)\b", re.IGNORECASE)


# Furniture so unmistakable that it is cut whatever the model says: the
# model learned from a benchmark where some of it is rare. A rule never cuts
# a line that carries a quotation (reporting may quote anything) or one of
# more than 40 words (furniture is short; article paragraphs run long).
RULES = {
    "donation appeal": r"\byour (?:support|donation|contribution)s?\b.*\b(?:us|our|journalism|reporting|newsroom)\b|"
                       r"^your (?:support|donation|contribution)s?\b(?!.{60})|"
                       r"\b(?:make|making) a (?:donation|contribution) to\b|\bdonate (?:now|today|to us)\b|"
                       r"\bsupport (?:us|our (?:journalism|work|reporting)|independent journalism)\b|"
                       r"\bbecome a (?:member|supporter|subscriber|patron)\b",
    "subscription appeal": r"\bsubscribe (?:now|today|here|to (?:our|the|us))\b|\balready a (?:subscriber|member)\b|"
                           r"\b(?:start|get|begin) (?:your|a) (?:free )?(?:trial|subscription)\b|"
                           r"\b(?:subscribers?|members?)[- ]only\b|\bunlimited (?:digital )?access\b|"
                           r"\babonnez-vous\b|\bjetzt abonnieren\b|\bsuscr[ií]bete\b|\bassine (?:já|agora)\b",
    "newsletter appeal": r"\b(?:sign up|subscribe|register)\b.{0,60}\b(?:newsletters?|briefings?|inbox)\b|"
                         r"\bnewsletters?\b.{0,60}\b(?:sign up|subscribe|inbox)\b|"
                         r"\b(?:inscrivez-vous|abonnez-vous) (?:à|a) (?:notre|la|nos) (?:newsletter|lettre)|"
                         r"\bnewsletter abonnieren\b|\bsuscr[ií]bete a (?:nuestro|la) (?:newsletter|bolet)",
    "comment prompt": r"^(?:no|\d+) comments?$|\bcomments? (?:are|is) (?:appreciated|welcome|closed|moderated)|"
                      r"\bthanks? (?:you )?for (?:viewing|reading|visiting)\b|\bleave a (?:comment|reply)\b|"
                      r"\bjoin (?:our|the) (?:commenting|conversation|discussion)",
    "blog disclaimer": r"^disclaimer\b|\bresponsible for (?:their|the(?:ir)? own) comments\b",
    "contact appeal": r"\b(?:contact|email|e-mail|write to|reach) us\b.*(?:@|\bon\b|\bat\b|:|\?)",
    "browser prompt": r"\b(?:your )?browser (?:settings|preferences)\b|\blanguage settings\b|"
                      r"\bversion of (?:our|this) (?:web)?site\b|\bexit mobile version\b|\benable javascript\b",
    "cookie banner": r"\bcookies?\b.*\b(?:consent|accept|agree|experience|policy|use of)\b|"
                     r"\b(?:consent|accept|agree)\b.*\bcookies?\b",
}
_RULE_RE = {name: re.compile(rx, re.IGNORECASE) for name, rx in RULES.items()}
# Photo credits: agency names as agencies write them (so "(ePA)" in German
# prose is not EPA), or the words credits use.
RULES["caption credit"] = "a closing parenthesis crediting a photo"
_RULE_RE["caption credit"] = re.compile(
    r"\((?:[^()]*\b(?:Getty|AFP|Reuters|EPA|AP Photo|Shutterstock|Alamy|iStock|PA Wire|Bloomberg)\b[^()]*|"
    r"[^()]*\b(?:[Pp]ress service|[Pp]ress office|[Hh]andout|[Cc]ourtesy|[Pp]hoto(?:graph)?|[Pp]ool)\b[^()]*)\)\s*$")
_QUOTES = re.compile("[\"“”«»]")


_PHOTO_CREDIT = re.compile(r"\([^()]*(?:/\s*(?:AP|AFP|Reuters|EPA|Getty Images|PA)|\bvia \w+|\bFile)\)\s*$|"
                           r"\bfile (?:photo|image|picture)\b", re.IGNORECASE)


def is_caption(text: str) -> bool:
    """A photo caption, however long: it ends with a photo credit or calls
    itself a file photo."""
    return bool(_PHOTO_CREDIT.search(text) or _RULE_RE["caption credit"].search(text))


def rule_for(text: str) -> str | None:
    """The name of the furniture rule that cuts this line, if any."""
    if len(text) > 2000 or _QUOTES.search(text) or len(text.split()) > 40:
        return None
    for name, rx in _RULE_RE.items():
        if rx.search(text):
            return name
    return None


def _markers_before(lines: list[str], words: list[int], pattern: re.Pattern) -> list[float]:
    """1 for the lines after a short marker line matching `pattern`."""
    seen, out = False, []
    for line, n in zip(lines, words):
        out.append(1.0 if seen else 0.0)
        if n <= 8 and pattern.search(line):
            seen = True
    return out


def line_features(lines: list[str], title_index: int | None) -> list[list[float]]:
    """One feature vector per line, in FEATURE_NAMES order."""
    base = [_base_features(t) for t in lines]
    words = [len(_WORD.findall(t)) for t in lines]
    after_comments = _markers_before(lines, words, _COMMENTS_MARKER)
    after_related = _markers_before(lines, words, _RELATED_MARKER)
    longest = max(words) if words else 1
    ranked = sorted(words)
    median = ranked[len(ranked) // 2] if ranked else 0
    prose = [_prose(w, t) for w, t in zip(words, lines)]
    start, end = main_run(prose)
    counts: dict[str, int] = {}
    for t in lines:
        counts[t] = counts.get(t, 0) + 1
    n = len(lines)
    rows = []
    for i, f in enumerate(base):
        row = dict(f)
        row["position"] = _ratio(i, max(1, n - 1))
        row["in_main_run"] = 1.0 if start <= i <= end else 0.0
        row["dist_main_run"] = math.log1p(start - i if i < start else i - end if i > end else 0)
        row["before_main_run"] = 1.0 if i < start else 0.0
        row["after_main_run"] = 1.0 if i > end else 0.0
        if title_index is None:
            row["after_title"], row["dist_title"] = 0.5, 0.0
        else:
            row["after_title"] = 1.0 if i > title_index else 0.0
            row["dist_title"] = math.log1p(abs(i - title_index))
        row["repeated"] = 1.0 if counts[lines[i]] > 1 else 0.0
        # A caption is often dumped twice, the second time with its credit.
        prev_line = lines[i - 1] if i > 0 else ""
        next_line = lines[i + 1] if i + 1 < n else ""
        row["extends_previous"] = 1.0 if prev_line and lines[i] != prev_line and lines[i].startswith(prev_line) else 0.0
        row["extended_by_next"] = 1.0 if next_line and next_line != lines[i] and next_line.startswith(lines[i]) else 0.0
        row["after_comments_marker"] = after_comments[i]
        row["after_related_marker"] = after_related[i]
        row["words_vs_longest"] = _ratio(words[i], longest)
        row["words_vs_median"] = math.log1p(words[i]) - math.log1p(median)
        row["main_run_size"] = math.log1p(end - start + 1)
        window = prose[max(0, i - 3):i] + prose[i + 1:i + 4]
        row["prose_around"] = _ratio(sum(window), len(window))
        for side, j in (("prev", i - 1), ("next", i + 1)):
            if 0 <= j < n:
                row[f"{side}_log_words"] = base[j]["log_words"]
                row[f"{side}_terminal"] = base[j]["terminal"]
                row[f"{side}_stopwords"] = base[j]["stopword_ratio"]
            else:
                row[f"{side}_log_words"] = row[f"{side}_terminal"] = row[f"{side}_stopwords"] = 0.0
        if not FEATURE_NAMES:
            FEATURE_NAMES.extend(row)
        rows.append([row[name] for name in FEATURE_NAMES])
    return rows


# --- the model -----------------------------------------------------------------

def _sigmoid(x: float) -> float:
    """Logistic function that does not overflow for very sure scores."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass
class TreeEnsemble:
    """Gradient-boosted regression trees for a binary log-loss, as exported
    from scikit-learn by bench/line_model.py."""

    features: list[str]
    init: float
    learning_rate: float
    trees: list[dict]
    threshold: float = 0.5

    @classmethod
    def from_json(cls, data: dict) -> "TreeEnsemble":
        return cls(data["features"], data["init"], data["learning_rate"], data["trees"],
                   data.get("threshold", 0.5))

    def probability(self, x: list[float]) -> float:
        raw = self.init
        for tree in self.trees:
            node = 0
            left, right = tree["left"], tree["right"]
            while left[node] != -1:
                node = left[node] if x[tree["feature"][node]] <= tree["threshold"][node] else right[node]
            raw += self.learning_rate * tree["value"][node]
        return _sigmoid(raw)


CONTEXT_NAMES = ["p", "p_prev", "p_next", "p_window_mean", "p_window_max", "p_page_max", "p_vs_page_max",
                 "kept_before", "kept_after", "dist_confident"]


def context_features(probabilities: list[float]) -> list[list[float]]:
    """What the first stage thinks of a line's neighbours and of the page."""
    n = len(probabilities)
    page_max = max(probabilities) if probabilities else 0.0
    kept = [p >= 0.5 for p in probabilities]
    total_kept = sum(kept)
    confident = [i for i, p in enumerate(probabilities) if p >= 0.8]
    rows, kept_so_far = [], 0
    for i, p in enumerate(probabilities):
        window = probabilities[max(0, i - 2):i + 3]
        wide = probabilities[max(0, i - 3):i + 4]
        nearest = min((abs(i - j) for j in confident), default=n)
        rows.append([
            p,
            probabilities[i - 1] if i > 0 else 0.0,
            probabilities[i + 1] if i + 1 < n else 0.0,
            sum(window) / len(window),
            max(wide),
            page_max,
            _ratio(p, page_max),
            _ratio(kept_so_far, total_kept),
            _ratio(total_kept - kept_so_far - kept[i], total_kept),
            math.log1p(nearest),
        ])
        kept_so_far += kept[i]
    return rows


@dataclass
class LineModel:
    """Two stages: line features -> a first score; the first scores of the
    line, its neighbours and the page, with the line features -> the final
    score."""

    first: TreeEnsemble
    second: TreeEnsemble
    threshold: float = 0.5

    def probabilities(self, features: list[list[float]]) -> list[float]:
        first = [self.first.probability(x) for x in features]
        return [self.second.probability(x + c) for x, c in zip(features, context_features(first))]

    @classmethod
    def from_json(cls, data: dict) -> "LineModel":
        return cls(TreeEnsemble.from_json(data["first"]), TreeEnsemble.from_json(data["second"]),
                   data.get("threshold", 0.5))

    def to_json(self) -> dict:
        def tree(t):
            return {"features": t.features, "init": t.init, "learning_rate": t.learning_rate, "trees": t.trees}
        return {"threshold": self.threshold, "first": tree(self.first), "second": tree(self.second)}


@lru_cache(maxsize=1)
def default_model() -> LineModel | None:
    """The shipped line model (MODEL_PATH), loaded once; None when the file
    is missing. Raises RuntimeError when it was trained on other features
    than `line_features` gives."""
    if not MODEL_PATH.exists():
        return None
    model = LineModel.from_json(json.loads(MODEL_PATH.read_text("utf-8")))
    line_features(["x"], None)  # fill FEATURE_NAMES
    if model.first.features != FEATURE_NAMES or model.second.features != FEATURE_NAMES + CONTEXT_NAMES:
        raise RuntimeError(f"{MODEL_PATH} was trained on other features: retrain it with bench/line_model.py")
    return model


def reason_for(text: str) -> str:
    """Why a line was cut, in words: the rule that cut it, or the kinds of
    furniture it looks like."""
    rule = rule_for(text)
    if rule:
        return f"rule: {rule}"
    kinds = [name for name, rx in _LEXICON_RE.items() if rx.search(text)]
    return "furniture: " + ", ".join(kinds) if kinds else "not article prose"


# --- cuts that need the page around a line --------------------------------------

# The rules that cut an outlet's appeal to its readers (money, subscription,
# newsletter, membership): the paragraphs around such a line that speak in
# the outlet's voice about its own work belong to the same appeal.
APPEAL_RULES = ("donation appeal", "subscription appeal", "newsletter appeal")
# ("us" in lower case only: "US" is the country.)
_OUTLET_VOICE = re.compile(
    r"\b(?:(?i:we|our|ours|nous|notre|nos|wir|unser\w*|uns|nosotros|nuestr[oa]s?|nós|nosso|nossa|noi|nostr[oiae])|us)\b")
_OUTLET_WORK = re.compile(
    r"journalis|reporters?\b|reporting|newsroom|paywall|readers?\b|subscri|members?hip|donat|documentar|"
    r"independent|on the ground|fact|\bsupport|rédaction|lecteurs|journalistes|abonn|redaktion|leser|"
    r"periodis|lectores|suscrip|jornalis|leitores|giornalis|lettori", re.IGNORECASE)


def _outlet_voice(text: str) -> bool:
    """A paragraph in which the outlet speaks of its own work: "we" or "our"
    with the words of journalism and its funding, and no quotation (a
    reporter quoting someone who says "we" is reporting)."""
    return (len(text) <= 1500 and not _QUOTES.search(text)
            and bool(_OUTLET_VOICE.search(text)) and bool(_OUTLET_WORK.search(text)))


_CREDIT_TAIL = re.compile(r"\s*(?:\([^()]*\)|[|/–—-]\s*(?:photo|image|picture|credit|foto|bild)\b.*)\s*$",
                          re.IGNORECASE)


def _uncredited(text: str) -> str:
    return _CREDIT_TAIL.sub("", text).strip().casefold()


def _content_words(text: str) -> set[str]:
    """The words that carry a line's subject, cut to their first five letters
    (so "Syrian" meets "Syria", "troops" meets "troop")."""
    return {w.lower()[:5] for w in _WORD.findall(text)
            if len(w) > 3 and not w.isdigit() and w.lower() not in FUNCTION_WORDS}


# An inserted caption or teaser: at most this many words, sharing at most
# this share of its subject words with the rest of the article, between two
# kept paragraphs of an article of at least OFF_TOPIC_MIN_BODY lines.
OFF_TOPIC_MAX_WORDS = 45
OFF_TOPIC_MAX_SHARED = 0.3
OFF_TOPIC_MIN_BODY = 6


def _reads_as_caption(text: str) -> bool:
    """A line that reads as a caption: no quotation, and either a photo
    credit, or full sentences closed by a short one with no verb (a video
    caption's "A cargo plane and helicopter.")."""
    if _QUOTES.search(text) or text[:1] in "([":
        return False
    if is_caption(text):
        return True
    if not text.endswith("."):
        return False
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)
    last = [w.lower().strip(".,;") for w in sentences[-1].split()]
    return len(sentences) >= 2 and 2 <= len(last) <= 6 and last[0] in _ARTICLES \
        and not any(w in _FINITE or w.endswith("ed") for w in last[1:])


_ARTICLES = {"a", "an", "the", "un", "une", "le", "la", "les", "der", "die", "das", "ein", "eine", "el", "los",
             "las", "uno", "o", "os", "um", "uma", "il", "lo", "gli"}
_FINITE = {"is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "said", "says",
           "did", "does", "do", "be", "been", "may", "might", "must", "should", "est", "sont", "ist", "sind",
           "es", "son", "é", "são", "è", "sono"}


def context_cuts(lines: list[str], keep: list[bool], title_index: int | None = None) -> dict[int, str]:
    """Lines the per-line decision kept but the page around them cuts, with
    the reason:

    - an appeal: a paragraph in the outlet's voice (see `_outlet_voice`) next
      to a line an appeal rule cuts, or next to one such paragraph, so an
      appeal of several paragraphs goes whole, wherever it stands;
    - a caption's uncredited twin: a line that is a cut caption without its
      credit (pages dump a photo's caption twice);
    - an inserted caption or teaser about another subject: a short line
      between two kept paragraphs that shares little with the rest of the
      article and reads as a caption (`_reads_as_caption`).
    """
    n = len(lines)
    cut: dict[int, str] = {}
    # Appeals, grown from the lines the appeal rules cut.
    appeal = [rule_for(line) in APPEAL_RULES for line in lines]
    grown = True
    while grown:
        grown = False
        for i in range(n):
            if keep[i] and i not in cut and i != title_index and _outlet_voice(lines[i]) \
                    and ((i > 0 and appeal[i - 1]) or (i + 1 < n and appeal[i + 1])):
                cut[i] = "appeal: beside a donation, subscription or newsletter appeal"
                appeal[i] = grown = True
    # Uncredited twins of the captions that were cut.
    cut_captions = {_uncredited(line) for line, k in zip(lines, keep) if not k and is_caption(line)}
    cut_captions.discard("")
    for i, line in enumerate(lines):
        if keep[i] and i not in cut and not is_caption(line) and len(line.split()) >= 4 \
                and line.strip().casefold() in cut_captions:
            cut[i] = "caption: the uncredited twin of a credited caption"
    # Inserted captions and teasers about another subject.
    body = [i for i in range(n) if keep[i] and i not in cut and i != title_index]
    if len(body) >= OFF_TOPIC_MIN_BODY:
        words = {i: _content_words(lines[i]) for i in body}
        lines_with = Counter(w for i in body for w in words[i])  # each line counts a word once
        for k in range(1, len(body) - 1):
            i = body[k]
            if len(lines[i].split()) > OFF_TOPIC_MAX_WORDS or not words[i] or not _reads_as_caption(lines[i]):
                continue
            if not (_prose(len(lines[body[k - 1]].split()), lines[body[k - 1]])
                    and _prose(len(lines[body[k + 1]].split()), lines[body[k + 1]])):
                continue
            # A word is elsewhere in the article when another line has it too.
            shared = _ratio(sum(lines_with[w] > 1 for w in words[i]), len(words[i]))
            if shared <= OFF_TOPIC_MAX_SHARED:
                cut[i] = f"caption: another subject between paragraphs ({shared:.0%} of its words in the article)"
    return cut


# A page none of whose lines (the title aside) has this many words is a
# menu, a list of links or a banner: nothing in it is an article to keep.
MIN_PROSE_WORDS = 6


def classify(lines: list[str], title_index: int | None,
             model: LineModel | None = None) -> list[tuple[bool, float]]:
    """(keep, probability) for each line; the furniture rules then cut what
    they match (see `reason_for`). If no line passes the threshold, the
    page's best lines are kept rather than nothing: a page we were given as
    an article is more likely an article we misjudge than no article, unless
    no line but the title is as long as a sentence (MIN_PROSE_WORDS)."""
    model = model or default_model()
    if model is None:
        raise RuntimeError(f"no line model at {MODEL_PATH}")
    probabilities = model.probabilities(line_features(lines, title_index))
    threshold = model.threshold
    candidates = [(p, line) for i, (p, line) in enumerate(zip(probabilities, lines)) if i != title_index]
    if candidates and max(candidates)[0] < threshold \
            and max(len(line.split()) for _p, line in candidates) >= MIN_PROSE_WORDS:
        threshold = max(candidates)[0] * 0.6
    return [(p >= threshold and rule_for(line) is None, p) for line, p in zip(lines, probabilities)]
