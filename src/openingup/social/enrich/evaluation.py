"""The labelled evaluation sets scored per language.

Both sets are the project's own: short municipal messages, each labelled with its language and polarity
(positive, neutral, negative). Targets: language ≥ 95 %, polarity ≥ 80 %.

* ``tuning`` (``social/data/evaluation.csv``, at least 50 per language): the set the lexicons and
  language profiles were written against; it shows they do what they were made to do.
* ``held-out`` (``social/data/evaluation_heldout.csv``, at least 30 per language): written afterwards,
  with different messages (negation, intensifiers, "too", complaints about services that do not work),
  to see how the enrichment does on text it was not written for. Its first score, before the second
  lexicon pass, was polarity 59–72 % and language 88–100 % per language; that pass (the rules for
  expectations, excess and compound intensifiers, a wider vocabulary, more Danish/Norwegian words) was
  made after seeing those errors, so the set is no longer unseen.
* ``fresh`` (``social/data/evaluation_fresh.csv``, 20 per language, other topics: snow clearing, taxes,
  home care, elections): written after that pass to measure it on text nobody had tuned for. It scored
  polarity 60–65 % per language (language 95–100 %): factual complaints without sentiment words
  ("the snow has not been cleared") read as neutral. The complaint cues (a negation or a "why" in a
  clause without sentiment words) and English "n't" as a negation then brought it to 70–80 %; those
  rules are general, but they too were chosen after seeing the set's errors. The third lexicon pass
  (Snowball stems for inflections, compound heads, contrast words, questions, emoji and exclamation
  marks, and a much wider vocabulary of municipal webcare in every language; see ``sentiment.py``)
  studied its failures too and brought it to 95–100 %, so it is no longer unseen either. Reported,
  not held to the targets (``TARGETED``).
* ``unseen`` (``social/data/evaluation_unseen.csv``, 35 per language: complaints, thanks, questions,
  notices, mixed messages with "but", negated praise and negated notices, an emoji): written after
  the third pass and scored once, with nothing changed for it afterwards. Its score is the honest
  figure for messages nobody tuned for: polarity 82.9–91.4 % per language (the enrichment as it was
  before the third pass: 68.6–80.0 % on the same messages), language 88.6 % (da) and 91.4 % (nb),
  100 % for the others: Danish and Norwegian Bokmål are close enough that short messages are
  confused. Reported, not held to the targets; the tests only guard it against getting worse.
  Its detection errors were then studied for their general causes (a missing Danish *at*; Danish and
  Norwegian spelled alike in most short words, so only a few letters tell them apart): the profiles
  gained spelling cues (``~`` lines: *kj, gj, ei, øy, -sjon, -het, inn-* against *ej, øj, -tion,
  -hed, -erne, ud-, ind-*), the Norwegian possessive after a definite noun, and a few hundred common
  words in each language's own spelling (written from common vocabulary, not from its sentences,
  though a few occur in them: *at, ske, venter, tog, minutter, betale*).
  Language then: da 94.3 %, nb 97.1 %, the others 100 %; for detection the set is no longer unseen.
* ``unseen2`` (``social/data/evaluation_unseen2.csv``, 35 messages each for da, nb and sv, 30 for the
  others: potholes, parking apps, passports, opening hours, permits, thanks for gritting and repairs,
  a few of three or four words) was written after that change and before anything was scored on it,
  then scored once; nothing was changed for it. Language 94.3 % (da), 97.1 % (sv, nb), 100 % for the
  others (the detector before the change: da 88.6 %, sv 97.1 %, nb 88.6 %); polarity 85.7–94.3 %.
  Its four detection errors are words the profiles lack (Danish and Norwegian generic *man*, Swedish
  *se*, *fint*) or none of the cues ("Omklædningsrummene i svømmehallen er ulækre."). Reported,
  not held to the targets.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

from openingup.social.enrich.language import LANGUAGES, detect
from openingup.social.enrich.sentiment import analyse

LANGUAGE_TARGET = 0.95
POLARITY_TARGET = 0.80


@dataclass(frozen=True)
class Score:
    language: str
    messages: int
    language_accuracy: float
    polarity_accuracy: float

    @property
    def meets_targets(self) -> bool:
        return self.language_accuracy >= LANGUAGE_TARGET and self.polarity_accuracy >= POLARITY_TARGET


SETS = {
    "tuning": "data/evaluation.csv",
    "held-out": "data/evaluation_heldout.csv",
    "fresh": "data/evaluation_fresh.csv",
    "unseen": "data/evaluation_unseen.csv",
    "unseen2": "data/evaluation_unseen2.csv",
}
TARGETED = ("tuning", "held-out")  # the sets the command's exit status and the tests hold to the targets


def labelled(name: str = "tuning") -> list[dict[str, str]]:
    """The rows of the evaluation set ``name`` (see :data:`SETS`); KeyError for an unknown set."""
    text = resources.files("openingup.social").joinpath(SETS[name]).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def evaluate(rows: list[dict[str, str]] | None = None, name: str = "tuning") -> list[Score]:
    """Language accuracy (detection alone) and polarity accuracy (in the labelled language) of ``rows``,
    by default those of the set ``name``."""
    rows = labelled(name) if rows is None else rows
    scores = []
    for code in LANGUAGES:
        mine = [r for r in rows if r["language"] == code]
        if not mine:
            continue
        detected = sum(detect(r["text"]).language == code for r in mine)
        polar = sum(analyse(r["text"], code).label == r["polarity"] for r in mine)
        scores.append(Score(code, len(mine), detected / len(mine), polar / len(mine)))
    return scores
