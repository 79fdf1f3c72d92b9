"""Language detection for en, nl, fr, de, da, sv and nb: character trigrams, known words, spelling cues.

Each language's profile is written by the project as data (``social/data/languages/<code>.txt``: its
function words and the common words of municipal messages, with the spellings that tell close
languages apart, e.g. Danish *vej, efter, gade* against Norwegian *vei, etter, gate*). From the words
the model counts character trigrams (words padded with spaces). A text scores per language

* the smoothed log-probability of its trigrams, averaged per trigram;
* a bonus for each known word, weighted by how few languages share it, averaged per word;
* a bonus for each *spelling cue* of the language found in the text, averaged per word. Cues are the
  profile's ``~`` lines: letter sequences that the language writes and its close neighbours do not
  (``^`` marks the start of a word, ``$`` its end), e.g. Norwegian *kj, gj, ei, øy, -sjon, -het,
  -ene* against Danish *ej, øj, -tion, -hed, -erne, ud-*. Short Danish and Norwegian messages share
  most of their words (*jeg, kan, det, er, på*), so for them the spelling of the rest is the
  evidence; a trigram model counted from a few hundred profile words does not weigh those few
  letters enough on its own. Cues only count once trigrams and words have put the text among the
  languages that have cues (German *ein* is no Norwegian cue), and then only among those;
* the Norwegian word order *noun + possessive* ("hunden min", "bilen vår"), which Danish and Swedish
  do not use ("min hund"), as one more Norwegian cue.

The best score wins. Pure Python, a few tens of µs for a short message.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources

from openingup.social.enrich.tokens import words

LANGUAGES = ("en", "nl", "fr", "de", "da", "sv", "nb")
WORD_WEIGHT = 1.6
TRIGRAM_WEIGHT = 1.0
CUE_WEIGHT = 1.2  # per cue found, per word of the text (on the scale of the word bonus, ×10)
CUE = "~"  # a profile line of spelling cues starts with this
# Norwegian puts the possessive after a definite noun ("hunden min"); Danish and Swedish before it.
POSSESSIVE_AFTER_NOUN = (
    "nb",
    re.compile(r"\w\w(?:en|ne|a) (?:min|mi|din|di|vår|mine|dine|våre) |\w\wet (?:mitt|ditt|vårt) "),
)


@dataclass(frozen=True)
class Profile:
    words: list[str]
    cues: list[str]


def parse_profile(text: str, where: str = "profile") -> Profile:
    """A profile's words and spelling cues; ValueError naming ``where`` and the line for a bad cue.

    Lines starting with ``#`` are comments, lines starting with ``~`` hold cues (lower-case letters,
    optionally anchored with ``^`` and ``$``), every other line holds words.
    """
    found: list[str] = []
    cues: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(CUE):
            for cue in line[len(CUE) :].split():
                body = cue.removeprefix("^").removesuffix("$")
                if not body or words(body) != [body]:
                    raise ValueError(f"{where} line {number}: {cue!r} is not a spelling cue")
                cues.append(cue)
        elif not line.startswith("#"):
            found += words(line)
    return Profile(found, cues)


def _read_profile(code: str) -> Profile:
    text = resources.files("openingup.social").joinpath(f"data/languages/{code}.txt").read_text("utf-8")
    return parse_profile(text, f"languages/{code}.txt")


def profile_words(code: str) -> list[str]:
    """The words of the language's detection profile (its function words and common words), in order."""
    return _read_profile(code).words


def _trigrams(word: str) -> list[str]:
    padded = f" {word} "
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


def _cue_text(cue: str) -> str:
    """A cue as a substring of the text written as `` word word ``: ``^`` and ``$`` become spaces."""
    return (" " if cue.startswith("^") else "") + cue.strip("^$") + (" " if cue.endswith("$") else "")


@dataclass(frozen=True)
class Guess:
    language: str
    confidence: float  # margin between the best and the second score, 0..1


class LanguageModel:
    def __init__(self, profiles: dict[str, list[str]], cues: dict[str, list[str]] | None = None) -> None:
        self.languages = tuple(profiles)
        self.vocab: dict[str, set[str]] = {code: set(ws) for code, ws in profiles.items()}
        shared = Counter(w for ws in self.vocab.values() for w in ws)
        self.word_weight = {w: 1.0 / n for w, n in shared.items()}
        counts = {code: Counter(t for w in ws for t in _trigrams(w)) for code, ws in profiles.items()}
        every = {t for c in counts.values() for t in c}
        self.logp: dict[str, dict[str, float]] = {}
        self.unseen: dict[str, float] = {}
        for code, c in counts.items():
            total = sum(c.values()) + len(every)
            self.logp[code] = {t: math.log((n + 1) / total) for t, n in c.items()}
            self.unseen[code] = math.log(1 / total)
        self.cues: dict[str, tuple[str, ...]] = {
            code: tuple(_cue_text(cue) for cue in (cues or {}).get(code, ())) for code in self.languages
        }

    def scores(self, text: str) -> dict[str, float]:
        tokens = words(text)
        result = dict.fromkeys(self.languages, 0.0)
        if not tokens:
            return result
        grams = [t for w in tokens for t in _trigrams(w)]
        for code in self.languages:
            logp, unseen = self.logp[code], self.unseen[code]
            trigram = sum(logp.get(t, unseen) for t in grams) / len(grams)
            known = sum(self.word_weight[w] for w in tokens if w in self.vocab[code]) / len(tokens)
            result[code] = TRIGRAM_WEIGHT * trigram + 10 * WORD_WEIGHT * known
        if self.cues[max(result, key=result.__getitem__)]:
            # Cues tell close neighbours apart, so they only decide among the languages that have them,
            # once trigrams and words have found the text to be one of those (German "ei" is no cue).
            spaced = f" {' '.join(tokens)} "
            for code, cues in self.cues.items():
                if cues:
                    found = sum(spaced.count(cue) for cue in cues)
                    if code == POSSESSIVE_AFTER_NOUN[0]:
                        found += len(POSSESSIVE_AFTER_NOUN[1].findall(spaced))
                    result[code] += 10 * CUE_WEIGHT * found / len(tokens)
        return result

    def detect(self, text: str) -> Guess:
        """The most likely language; ``""`` with confidence 0 for a text without words."""
        if not words(text):
            return Guess("", 0.0)
        ranked = sorted(self.scores(text).items(), key=lambda pair: pair[1], reverse=True)
        margin = ranked[0][1] - ranked[1][1] if len(ranked) > 1 else 1.0
        return Guess(ranked[0][0], round(min(1.0, margin / 5), 3))


@cache
def model() -> LanguageModel:
    profiles = {code: _read_profile(code) for code in LANGUAGES}
    return LanguageModel(
        {code: p.words for code, p in profiles.items()}, {code: p.cues for code, p in profiles.items()}
    )


def detect(text: str) -> Guess:
    return model().detect(text)
