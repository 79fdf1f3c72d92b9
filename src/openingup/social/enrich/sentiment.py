"""Lexicon-based sentiment per language, with negation, intensifiers and a municipal-domain lexicon.

The lexicons are the project's own (``social/data/sentiment/``, format in its README.txt); no installed
package ships a licence-compatible lexicon for these seven languages (vaderSentiment is English only
and not installed). For each sentiment word or phrase (the longest phrase of up to four words wins) the
valence is multiplied by the factor of a booster right before it and flipped (× -0.74, as VADER does)
when a negation occurs within the window before it, in the same clause. Three more rules of webcare
language, each written per language in the lexicon files:

* *expectations* (``!expect``): what a service is expected to do (works, emptied, answered, repaired)
  is neutral said plainly and negative negated, before it or right after it ("werkt niet", "virker
  ikke", "nobody answered", "n'a pas été ramassé");
* *excess* (``~excess``): "too", "veel te", "alt for", "viel zu" make the next word a complaint — a
  positive word turns negative ("far too quick"), a negative one stronger, a word without valence
  counts -1.5 ("too many cars");
* *compound intensifiers* (``+compound``): a word made of an intensifying prefix and a sentiment word
  ("supervennlig", "kjempeflott", "megagoed") has the word's valence times the factor;
* *complaint cues* (``-prior``): a clause without any sentiment word that holds a negation or asks
  "why" ("the snow has not been cleared", "waarom is de bieb dicht?") counts the cue's value once.

The sum is squashed to -1..1 as ``s / sqrt(s² + 15)``; at least +0.05 is positive, at most -0.05
negative, neutral between.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from openingup.social.enrich.language import LANGUAGES
from openingup.social.enrich.tokens import words

NEGATION = -0.74
ALPHA = 15.0
THRESHOLD = 0.05
MAX_PHRASE = 4
EXCESS = -1.5  # a word without valence after "too"
AFTER = 2  # how many words after an expectation a negation may follow it ("werkt niet", "virker ikke")
CLAUSE = re.compile(r"[,.;:!?]+(?:\s|$)")


@dataclass
class Lexicon:
    exact: dict[str, float] = field(default_factory=dict)
    phrases: dict[tuple[str, ...], float] = field(default_factory=dict)
    prefixes: dict[str, float] = field(default_factory=dict)
    negators: set[str] = field(default_factory=set)
    boosters: dict[str, float] = field(default_factory=dict)
    expected: dict[str, float] = field(default_factory=dict)
    excess: set[tuple[str, ...]] = field(default_factory=set)
    compounds: dict[str, float] = field(default_factory=dict)
    cues: dict[str, float] = field(default_factory=dict)
    window: int = 3

    def add(self, term: str, value: float) -> None:
        parts = tuple(words(term.rstrip("*")))
        if not parts:
            return
        if len(parts) > 1:
            self.phrases[parts] = value
        elif term.endswith("*"):
            self.prefixes[parts[0]] = value
        else:
            self.exact[parts[0]] = value

    def valence(self, word: str) -> float | None:
        value = self._plain(word)
        if value is not None:
            return value
        for prefix, factor in self.compounds.items():
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                value = self._plain(word[len(prefix) :])
                if value is not None:
                    return value * factor
        return None

    def _plain(self, word: str) -> float | None:
        if word in self.exact:
            return self.exact[word]
        for end in range(len(word), 2, -1):
            value = self.prefixes.get(word[:end])
            if value is not None:
                return value
        return None

    def excess_before(self, tokens: list[str], i: int) -> bool:
        """Whether an excess word or phrase ("too", "alt for") ends right before ``tokens[i]``."""
        return any(tuple(tokens[max(0, i - len(e)) : i]) == e for e in self.excess)


def _parse(lexicon: Lexicon, text: str, where: str) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        head, _, rest = line.partition(" ")
        if head == "!negate":
            lexicon.negators.update(rest.split())
        elif head == "+boost":
            factor, *boosters = rest.split()
            lexicon.boosters.update(dict.fromkeys(boosters, float(factor)))
        elif head == "=window":
            lexicon.window = int(rest)
        elif head == "!expect":
            value, *expected = rest.split()
            lexicon.expected.update(dict.fromkeys(expected, float(value)))
        elif head == "~excess":
            lexicon.excess.update(tuple(e.split("_")) for e in rest.split())
        elif head == "-prior":
            value, *cues = rest.split()
            lexicon.cues.update(dict.fromkeys(cues, float(value)))
        elif head == "+compound":
            factor, *prefixes = rest.split()
            lexicon.compounds.update(dict.fromkeys(prefixes, float(factor)))
        else:
            term, _, value = line.rpartition(" ")
            try:
                lexicon.add(term, float(value))
            except ValueError as exc:
                raise ValueError(f"{where} line {number}: {line!r} has no valence") from exc


@cache
def lexicon(language: str) -> Lexicon:
    """The language's lexicon with its municipal terms; KeyError for a language without one."""
    if language not in LANGUAGES:
        raise KeyError(language)
    folder = resources.files("openingup.social").joinpath("data/sentiment")
    found = Lexicon()
    _parse(found, folder.joinpath(f"{language}.txt").read_text("utf-8"), f"sentiment/{language}.txt")
    for line in folder.joinpath("municipal.txt").read_text("utf-8").splitlines():
        code, _, entry = line.partition(" ")
        if code == language:
            _parse(found, entry, "sentiment/municipal.txt")
    return found


@dataclass(frozen=True)
class Sentiment:
    score: float  # -1 .. 1
    label: str  # positive | neutral | negative


def label_for(score: float) -> str:
    if score >= THRESHOLD:
        return "positive"
    if score <= -THRESHOLD:
        return "negative"
    return "neutral"


def analyse(text: str, language: str) -> Sentiment:
    """The text's sentiment in ``language`` (neutral 0 for a language without a lexicon)."""
    try:
        lex = lexicon(language)
    except KeyError:
        return Sentiment(0.0, "neutral")
    total = sum(_clause(lex, words(clause)) for clause in CLAUSE.split(text))
    score = total / math.sqrt(total * total + ALPHA) if total else 0.0
    return Sentiment(round(score, 4), label_for(score))


def _clause(lex: Lexicon, tokens: list[str]) -> float:
    """The summed valence of one clause (negation does not reach past a comma or full stop)."""
    total = 0.0
    felt = False  # whether any word of the clause carried sentiment
    i = 0
    while i < len(tokens):
        value, width = None, 1
        for size in range(min(MAX_PHRASE, len(tokens) - i), 1, -1):
            phrase = lex.phrases.get(tuple(tokens[i : i + size]))
            if phrase is not None:
                value, width = phrase, size
                break
        if value is None:
            value = lex.valence(tokens[i])
        excess = lex.excess_before(tokens, i)
        if value is None and tokens[i] in lex.expected:
            before = tokens[max(0, i - lex.window) : i]
            after = tokens[i + 1 : i + 1 + AFTER]
            if any(t in lex.negators for t in (*before, *after)):
                total += lex.expected[tokens[i]]
                felt = True
            i += 1
            continue
        if excess:
            total += EXCESS if value is None else -abs(value) * 1.5
            felt = True
            i += width
            continue
        if value is not None:
            felt = True
            before = tokens[max(0, i - lex.window) : i]
            nearest = [t for t in before if t not in lex.negators]
            if (
                nearest
                and nearest[-1] in lex.boosters
                and before
                and before[-1] in (nearest[-1], *lex.negators)
            ):
                value *= lex.boosters[nearest[-1]]
            if width == 1 and any(t in lex.negators for t in before):
                value *= NEGATION
            total += value
        i += width
    if not felt and lex.cues:
        cues = [lex.cues[t] for t in tokens if t in lex.cues]
        if cues:
            total += min(cues)
    return total
