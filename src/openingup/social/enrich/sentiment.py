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
  "why" ("the snow has not been cleared", "waarom is de bieb dicht?") counts the cue's value once;
  ``-stated`` cues ("without", "zonder", "sans") count the same way, but only in a clause that is not a
  question ("moved without any sign", not "can I park without a permit?").

General rules of the third pass, none tied to particular messages:

* *inflections*: a word that is not in the lexicon as written is looked up by its Snowball stem
  (``snowballstemmer``, already a dependency, BSD licence) against the stems of the lexicon's words,
  so "confusing", "verwarrende", "annulées", "forvirrende" find "confused", "verwarrend", "annulé",
  "forvirret" (words of expectation only as written);
* *compounds* (``=compound-heads N``, nl/de/da/sv/nb): a word still unknown whose last part, of at
  least N letters, is a sentiment word as written (valence at least 1.5) takes that word's valence:
  the head of a Germanic compound carries its meaning ("Verkehrschaos", "parkeeroverlast",
  "stormskader");
* *contrast* (``>contrast``: but, maar, aber, mais, men): what follows the last contrast word weighs
  1.5 times, what precedes it half (as VADER does), and a negation does not reach across it;
* *questions*: a positive word in a clause that ends in "?" does not count ("can you help me?", "is
  the pool nice and warm again?" ask, they do not praise); negative words, negated positive ones and
  complaint cues keep their weight ("why is nobody answering?", "why isn't it fixed?");
* *exclamation marks* strengthen whatever the message says (0.292 each, at most four, as VADER);
* *emoji and emoticons* (``emoji.txt``, the same for every language) add their valence to the whole
  message.

The sum is squashed to -1..1 as ``s / sqrt(s² + 15)``; at least +0.05 is positive, at most -0.05
negative, neutral between.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import snowballstemmer

from openingup.social.enrich.language import LANGUAGES, profile_words
from openingup.social.enrich.tokens import words

NEGATION = -0.74
ALPHA = 15.0
THRESHOLD = 0.05
MAX_PHRASE = 4
EXCESS = -1.5  # a word without valence after "too"
AFTER = 2  # how many words after an expectation a negation may follow it ("werkt niet", "virker ikke")
CLAUSE = re.compile(r"([,.;:!?]+)(?:\s|$)")  # the captured punctuation tells a question apart
QUESTION = 0.0  # weight of a positive word in a question
BEFORE_CONTRAST, AFTER_CONTRAST = 0.5, 1.5
EXCLAMATION, MAX_EXCLAMATIONS = 0.292, 4
MEMO = 50_000  # words whose valence each lexicon remembers
MIN_STEM = 4  # letters; a shorter stem is not looked up ("gelukkig" → "luk")
HEAD_VALENCE = 1.5  # the least valence of a word that makes a compound ending in it count
STEMMERS = {
    "en": "english",
    "nl": "dutch",
    "fr": "french",
    "de": "german",
    "da": "danish",
    "sv": "swedish",
    "nb": "norwegian",
}


def _no_stem(word: str) -> str:
    return word


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
    stated: dict[str, float] = field(default_factory=dict)  # complaint cues outside questions only
    contrast: set[str] = field(default_factory=set)
    heads: int = 0  # shortest sentiment word a compound may end in; 0: no compound heads
    window: int = 3
    stem: Callable[[str], str] = _no_stem
    stems: dict[str, float] = field(default_factory=dict)
    rules: set[str] = field(default_factory=set)
    _memo: dict[str, float | None] = field(default_factory=dict, repr=False)

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

    def index(self, common: set[str] | frozenset[str] = frozenset()) -> None:
        """Index the stems of the lexicon's words, once every entry is read.

        A stem shorter than :data:`MIN_STEM` letters, or one that is itself a ``common`` word of the
        language (its detection profile: "niet" is not a form of "genieten"), is left out; so are the
        rule words (negations, boosters, contrast words, cues, expectations), found only as written.
        """
        self.stems = {}
        for word, value in self.exact.items():
            stem = self.stem(word)
            if len(stem) >= MIN_STEM and (stem not in common or stem in self.exact):
                self.stems.setdefault(stem, value)
        self.rules = (
            self.negators
            | set(self.boosters)
            | self.contrast
            | set(self.cues)
            | set(self.stated)
            | set(self.expected)
        )
        self._memo.clear()

    def written(self, word: str) -> float | None:
        """The valence of ``word`` as written in the lexicon: exact, or by a ``*`` prefix."""
        if word in self.exact:
            return self.exact[word]
        for end in range(len(word), 2, -1):
            value = self.prefixes.get(word[:end])
            if value is not None:
                return value
        return None

    def expectation(self, word: str) -> float | None:
        """The value of ``word`` as an expectation of a service (as written: a stem would take in nouns,
        "no collection on Easter Monday" is no complaint)."""
        return self.expected.get(word)

    def valence(self, word: str) -> float | None:
        """The valence of ``word``: as written, by its stem, by an intensifying prefix, by its head."""
        try:
            return self._memo[word]
        except KeyError:
            pass
        value = self._find(word)
        if len(self._memo) >= MEMO:
            self._memo.clear()
        self._memo[word] = value
        return value

    def _find(self, word: str) -> float | None:
        if word in self.rules:
            return self.written(word)
        value = self._plain(word)
        if value is not None:
            return value
        for prefix, factor in self.compounds.items():
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                value = self._plain(word[len(prefix) :])
                if value is not None:
                    return value * factor
        if self.heads:
            for start in range(3, len(word) - self.heads + 1):  # the longest head first
                head = word[start:]
                value = self.exact.get(head)
                for end in range(len(head), self.heads - 1, -1):
                    if value is not None:
                        break
                    value = self.prefixes.get(head[:end])
                if value is not None and abs(value) >= HEAD_VALENCE:
                    return value
        return None

    def _plain(self, word: str) -> float | None:
        value = self.written(word)
        if value is None:
            stem = self.stem(word)
            if len(stem) >= MIN_STEM:
                value = self.stems.get(stem)
        return value

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
        elif head == "-stated":
            value, *cues = rest.split()
            lexicon.stated.update(dict.fromkeys(cues, float(value)))
        elif head == ">contrast":
            lexicon.contrast.update(rest.split())
        elif head == "=compound-heads":
            lexicon.heads = int(rest)
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
    found = Lexicon(stem=_stemmer(language))
    _parse(found, folder.joinpath(f"{language}.txt").read_text("utf-8"), f"sentiment/{language}.txt")
    for line in folder.joinpath("municipal.txt").read_text("utf-8").splitlines():
        code, _, entry = line.partition(" ")
        if code == language:
            _parse(found, entry, "sentiment/municipal.txt")
    found.index(set(profile_words(language)))
    return found


def _stemmer(language: str) -> Callable[[str], str]:
    return snowballstemmer.stemmer(STEMMERS[language]).stemWord  # type: ignore[no-any-return]


@cache
def emoji() -> tuple[re.Pattern[str], dict[str, float]]:
    """The emoji and emoticons of ``emoji.txt`` (one "symbol valence" a line) and a pattern finding them."""
    text = resources.files("openingup.social").joinpath("data/sentiment/emoji.txt").read_text("utf-8")
    table: dict[str, float] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        symbol, _, value = line.rpartition(" ")
        try:
            table[symbol.strip().replace("\ufe0f", "")] = float(value)
        except ValueError as exc:
            raise ValueError(f"sentiment/emoji.txt line {number}: {line!r} has no valence") from exc
    ordered = sorted(table, key=len, reverse=True)
    return re.compile("|".join(re.escape(symbol) for symbol in ordered)), table


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
    pieces = CLAUSE.split(text)  # clause, punctuation, clause, punctuation, ..., clause
    before = after = 0.0  # the valence before the last contrast word, and from it on
    contrasted = False
    for k in range(0, len(pieces), 2):
        question = k + 1 < len(pieces) and "?" in pieces[k + 1]
        part: list[str] = []
        for token in words(pieces[k]):
            if token in lex.contrast:
                before, after, contrasted = before + after + _clause(lex, part, question), 0.0, True
                part = []
            else:
                part.append(token)
        after += _clause(lex, part, question)
    total = before * BEFORE_CONTRAST + after * AFTER_CONTRAST if contrasted else after
    pattern, table = emoji()
    if "\ufe0f" in text:
        text = text.replace("\ufe0f", "")
    total += sum(table[symbol] for symbol in pattern.findall(text))
    if total:
        total += math.copysign(EXCLAMATION * min(text.count("!"), MAX_EXCLAMATIONS), total)
    score = total / math.sqrt(total * total + ALPHA) if total else 0.0
    return Sentiment(round(score, 4), label_for(score))


def _clause(lex: Lexicon, tokens: list[str], question: bool = False) -> float:
    """The summed valence of one clause (negation does not reach past a comma, full stop or contrast
    word; a positive word in a question weighs :data:`QUESTION`)."""
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
        expected = None
        if value is None:
            value = lex.written(tokens[i])
            if value is None:
                expected = lex.expectation(tokens[i])
                if expected is None:
                    value = lex.valence(tokens[i])
        excess = lex.excess_before(tokens, i)
        if expected is not None:
            before = tokens[max(0, i - lex.window) : i]
            after = tokens[i + 1 : i + 1 + AFTER]
            if any(t in lex.negators for t in (*before, *after)):
                total += expected
                felt = True
            i += 1
            continue
        if excess:
            total += EXCESS if value is None else -abs(value) * 1.5
            felt = True
            i += width
            continue
        if value is not None:
            felt = felt or value != 0  # a word written with valence 0 ("please") is no sentiment
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
            if question and value > 0:
                value *= QUESTION
            total += value
        i += width
    if not felt and (lex.cues or lex.stated):
        cues = [lex.cues[t] for t in tokens if t in lex.cues]
        if not question:
            cues += [lex.stated[t] for t in tokens if t in lex.stated]
        if cues:
            total += min(cues)
    return total
