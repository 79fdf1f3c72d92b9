"""The held-out and fresh evaluation sets, and the webcare rules of the sentiment lexicons (expectations,
excess, compound intensifiers, complaint cues)."""

from __future__ import annotations

import pytest

from openingup.cli.main import main
from openingup.social.enrich.evaluation import (
    LANGUAGE_TARGET,
    POLARITY_TARGET,
    SETS,
    TARGETED,
    evaluate,
    labelled,
)
from openingup.social.enrich.language import LANGUAGES
from openingup.social.enrich.sentiment import Lexicon, _parse, analyse, lexicon


def test_the_sets_are_separate_and_large_enough() -> None:
    texts = {name: [r["text"] for r in labelled(name)] for name in SETS}
    for name, rows in texts.items():
        assert len(rows) == len(set(rows)), name  # no message twice within a set
    for first in SETS:
        for second in SETS:
            if first < second:
                assert not set(texts[first]) & set(texts[second]), (first, second)
    smallest = {"tuning": 50, "held-out": 30, "fresh": 20, "unseen": 30, "unseen2": 30}
    for name in SETS:
        rows = labelled(name)
        for code in LANGUAGES:
            mine = [r for r in rows if r["language"] == code]
            assert len(mine) >= smallest[name], (name, code)
            assert {r["polarity"] for r in mine} == {"positive", "neutral", "negative"}, (name, code)


@pytest.mark.parametrize("name", TARGETED)
def test_targeted_sets_meet_the_targets_per_language(name: str) -> None:
    scores = {s.language: s for s in evaluate(name=name)}
    assert set(scores) == set(LANGUAGES)
    for code, score in scores.items():
        assert score.language_accuracy >= LANGUAGE_TARGET, (name, code, score)
        assert score.polarity_accuracy >= POLARITY_TARGET, (name, code, score)


@pytest.mark.parametrize(
    ("name", "language_floor", "polarity_floor"),
    [("fresh", 0.95, 0.90), ("unseen", 0.85, 0.80)],
)
def test_the_reported_sets_stay_where_they_were_measured(
    name: str, language_floor: float, polarity_floor: float
) -> None:
    # Reported, not held to the targets; this guards against the enrichment getting worse on them.
    # Measured: fresh 95-100 % polarity (after the third pass studied it); unseen, scored once and never
    # tuned on, polarity 82.9-91.4 %, language 88.6 % (da) to 100 %.
    scores = {s.language: s for s in evaluate(name=name)}
    assert set(scores) == set(LANGUAGES)
    for code, score in scores.items():
        assert score.language_accuracy >= language_floor, (name, code, score)
        assert score.polarity_accuracy >= polarity_floor, (name, code, score)


@pytest.mark.parametrize(
    ("text", "language", "label"),
    [
        # Expectations: neutral said plainly, negative negated (before or after them).
        ("The bins are emptied on Monday.", "en", "neutral"),
        ("The bins were not emptied this week.", "en", "negative"),
        ("Nobody answered my email.", "en", "negative"),
        ("De lantaarnpaal brandt niet.", "nl", "negative"),
        ("De containers worden op maandag geleegd.", "nl", "neutral"),
        ("Die Mülltonnen wurden nicht geleert.", "de", "negative"),
        ("Gadelyset virker ikke.", "da", "negative"),
        ("Les poubelles n'ont pas été vidées.", "fr", "negative"),
        # Excess: "too" turns a positive word negative, and counts on its own.
        ("The cars drive far too quick here.", "en", "negative"),
        ("Too many cars in our street.", "en", "negative"),
        ("Der Bus ist viel zu voll.", "de", "negative"),
        ("Bilerne kører alt for hurtigt.", "da", "negative"),
        # Complaint cues and English contractions.
        ("Why is the library closed on Saturdays?", "en", "negative"),
        ("When is the library open on Saturdays?", "en", "neutral"),
        ("The snow hasn't been cleared.", "en", "negative"),
        ("It isn't good enough.", "en", "negative"),
        ("Warum ist das Rathaus geschlossen?", "de", "negative"),
        ("Wanneer is het gemeentehuis open?", "nl", "neutral"),
    ],
)
def test_webcare_rules(text: str, language: str, label: str) -> None:
    assert analyse(text, language).label == label, analyse(text, language)


def test_compound_intensifiers_strengthen_the_word_they_hold() -> None:
    assert analyse("supervennlig", "nb").score > analyse("vennlig", "nb").score > 0
    assert analyse("kjempeflott", "nb").score > analyse("flott", "nb").score > 0
    assert analyse("supersnel", "nl").score > 0
    assert analyse("superhelden", "nl").score == 0  # no sentiment word inside: nothing to strengthen


def test_the_command_reports_every_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["social", "evaluate"]) == 0
    out = capsys.readouterr().out
    assert "tuning set" in out and "held-out set" in out and "fresh set (reported only" in out
    assert "unseen set (reported only" in out
    assert main(["social", "evaluate", "--set", "held-out"]) == 0
    out = capsys.readouterr().out
    assert "held-out set" in out and "tuning set" not in out
    for code in LANGUAGES:
        assert f"\n{code} " in out


@pytest.mark.parametrize(
    ("word", "language", "sign"),
    [
        # Inflections found by their Snowball stem, not written in the lexicon.
        ("improvements", "en", 1),
        ("cancelling", "en", -1),
        ("verwarrende", "nl", -1),
        ("teleurstellingen", "nl", -1),
        ("annulées", "fr", -1),
        ("compliquées", "fr", -1),
        ("verwirrenden", "de", -1),
        ("verbesserungen", "de", 1),
        ("forbedringer", "da", 1),
        ("förbättringar", "sv", 1),
        ("felaktigt", "sv", -1),
        ("avlyste", "nb", -1),
        # Compound heads: the last part of a Germanic compound carries its meaning.
        ("parkeeroverlast", "nl", -1),
        ("verkehrskatastrophe", "de", -1),
    ],
)
def test_words_not_written_are_found_by_stem_or_compound_head(word: str, language: str, sign: int) -> None:
    lex = lexicon(language)
    assert lex.written(word) is None  # not in the lexicon as written: found by the general rule
    value = lex.valence(word)
    assert value is not None and value * sign > 0, (word, value)


def test_stems_do_not_give_valence_to_common_or_rule_words() -> None:
    nl, en, de = lexicon("nl"), lexicon("en"), lexicon("de")
    assert nl.stem("genieten") == nl.stem("niet")  # the Dutch stemmer strips "ge-" ...
    assert nl.valence("niet") is None  # ... but a negation is never a form of a sentiment word
    assert analyse("De straten zijn helemaal niet schoongemaakt.", "nl").label == "negative"
    assert en.valence("please") == 0  # written neutral: not a form of "pleased"
    assert analyse("Please send me the form.", "en").label == "neutral"
    assert de.valence("abfallkalender") is None  # no sentiment word at its end
    assert lexicon("da").valence("haveaffaldet") is None  # a head must have valence >= 1.5


@pytest.mark.parametrize(
    ("text", "language", "label"),
    [
        # Contrast: what follows "but" weighs more than what precedes it.
        ("The staff were friendly, but the wait was terrible.", "en", "negative"),
        ("The wait was long, but the staff were really wonderful.", "en", "positive"),
        ("Het duurde lang, maar de medewerkers waren heel vriendelijk.", "nl", "positive"),
        ("Der Park ist schön, aber die Toiletten sind ekelhaft.", "de", "negative"),
        ("Le parc est joli, mais les toilettes sont dégoûtantes.", "fr", "negative"),
        ("Parken er flot, men toiletterne er beskidte.", "da", "negative"),
        # Questions ask; they do not praise. Negative questions stay negative.
        ("Can you help me with my parking permit?", "en", "neutral"),
        ("Is the new playground nice?", "en", "neutral"),
        ("Why is nobody answering my emails?", "en", "negative"),
        ("Kunnen jullie mij helpen met mijn aanvraag?", "nl", "neutral"),
        # Stated cues: "without" is a complaint in a statement, not in a question.
        ("The stop has moved without any sign.", "en", "negative"),
        ("Can I park here without a permit?", "en", "neutral"),
        ("Die Haltestelle wurde ohne Schild verlegt.", "de", "negative"),
        # Formulas: thanks for nothing is a complaint; a request is no praise.
        ("Thanks for nothing.", "en", "negative"),
        ("Bedankt voor niks.", "nl", "negative"),
        ("I would like to apply for a permit.", "en", "neutral"),
        ("Pas mal du tout, le nouveau parc.", "fr", "positive"),
        # Emoji and emoticons, the same in every language.
        ("De bus is weer te laat 😡", "nl", "negative"),
        ("Nieuwe bankjes in het park 👍", "nl", "positive"),
        ("New benches in the park :)", "en", "positive"),
        ("Nye bænke i parken ❤️", "da", "positive"),
    ],
)
def test_general_rules_of_the_third_pass(text: str, language: str, label: str) -> None:
    assert analyse(text, language).label == label, analyse(text, language)


def test_exclamation_marks_strengthen_without_changing_direction() -> None:
    plain, loud = analyse("The park is nice.", "en"), analyse("The park is nice!!!", "en")
    assert loud.score > plain.score > 0
    plain, loud = analyse("The park is dirty.", "en"), analyse("The park is dirty!!", "en")
    assert loud.score < plain.score < 0
    assert analyse("When does the pool open!", "en").label == "neutral"  # nothing to strengthen


def test_a_lexicon_line_without_valence_is_reported() -> None:
    with pytest.raises(ValueError, match="no valence"):
        _parse(Lexicon(), "wonderful lots", "sentiment/en.txt")
