"""Language detection: spelling cues for close neighbours (Danish, Norwegian, Swedish), the profiles, and
the evaluation sets it is measured on."""

from __future__ import annotations

import pytest

from openingup.cli.main import main
from openingup.social.enrich.evaluation import SETS, evaluate, labelled
from openingup.social.enrich.language import (
    LANGUAGES,
    POSSESSIVE_AFTER_NOUN,
    LanguageModel,
    detect,
    parse_profile,
    profile_words,
)


def test_profiles_parse_words_and_cues() -> None:
    profile = parse_profile("# a comment: kj\nvei etter\n~ kj ^ut sjon$\ngate\n", "nb.txt")
    assert profile.words == ["vei", "etter", "gate"]
    assert profile.cues == ["kj", "^ut", "sjon$"]


@pytest.mark.parametrize("line", ["~ k-j", "~ ^$", "~ KJ", "~ kj9"])
def test_a_bad_cue_is_a_clear_error(line: str) -> None:
    with pytest.raises(ValueError, match=r"nb\.txt line 2: .* is not a spelling cue"):
        parse_profile(f"vei\n{line}\n", "nb.txt")


def test_cue_lines_are_not_profile_words() -> None:
    # The sentiment lexicon indexes the profile words as "common words"; cues must not leak into them.
    assert "at" in profile_words("da") and "å" in profile_words("nb")
    for code in ("da", "nb", "sv"):
        assert not {"kj", "gj", "ej", "øj", "øy"} & set(profile_words(code)), code


def test_cues_decide_between_languages_that_share_their_words() -> None:
    model = LanguageModel({"x": ["vei", "kan"], "y": ["vej", "kan"]}, {"x": ["ei"], "y": ["ej"]})
    plain = LanguageModel({"x": ["vei", "kan"], "y": ["vej", "kan"]})
    # "kan" is known to both; only the spelling of the unknown word tells them apart.
    assert model.scores("kan seil")["x"] > model.scores("kan seil")["y"]
    assert model.scores("kan sejl")["y"] > model.scores("kan sejl")["x"]
    assert plain.scores("kan seil")["x"] - plain.scores("kan seil")["y"] < (
        model.scores("kan seil")["x"] - model.scores("kan seil")["y"]
    )


def test_cues_only_count_when_the_text_is_one_of_the_cued_languages() -> None:
    model = LanguageModel({"de": ["das", "ist", "ein"], "nb": ["det", "er", "en"]}, {"de": [], "nb": ["ei"]})
    plain = LanguageModel({"de": ["das", "ist", "ein"], "nb": ["det", "er", "en"]})
    text = "das ist ein kleiner Stein"  # German "ei" is no Norwegian cue
    assert model.scores(text) == plain.scores(text)
    assert model.detect(text).language == "de"


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("hunden min er borte", True),
        ("barna mine går her", True),
        ("huset mitt er nytt", True),
        ("bilene våre står ute", True),
        ("min hund er væk", False),  # Danish: the possessive comes first
        ("jeg har behandlet min klage", False),  # a participle before "min" is no definite noun
        ("mit hus er nyt", False),
    ],
)
def test_norwegian_possessive_after_a_definite_noun(text: str, matches: bool) -> None:
    assert bool(POSSESSIVE_AFTER_NOUN[1].search(f" {text} ")) is matches


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # Short messages whose words da and nb mostly share; written for this test, in no evaluation set.
        ("Hvad koster en ny nøgle?", "da"),
        ("Hva koster en ny nøkkel?", "nb"),
        ("Jeg har fået et brev fra jer.", "da"),
        ("Jeg har fått et brev fra dere.", "nb"),
        ("Vejen er lukket hele ugen.", "da"),
        ("Veien er stengt hele uka.", "nb"),
        ("Sykkelen min er stjålet.", "nb"),
        ("Min cykel er stjålet.", "da"),
        ("Hvornår kommer kommunen og fejer?", "da"),
        ("Når kommer kommunen og feier?", "nb"),
        ("Informationen på hjemmesiden er forkert.", "da"),
        ("Informasjonen på nettsiden er feil.", "nb"),
        ("Var kan jag få hjälp med ansökan?", "sv"),
        ("Hvor kan jeg få hjelp med søknaden?", "nb"),
        ("Hvor kan jeg få hjælp med ansøgningen?", "da"),
        # Decided by spelling alone (the detector before the cues got these two wrong).
        ("Kan I se på kloakdækslet ved indkørslen?", "da"),
        ("Er det tillatt med grill i parken?", "nb"),
        # German and Dutch keep their "ei", "ij" and "tion" without turning Scandinavian.
        ("Die Arbeiten an der Kreuzung beginnen heute.", "de"),
        ("Wie lange dauert die Sanierung der Station?", "de"),
        ("Het ijs op de stoep is nog niet weg.", "nl"),
    ],
)
def test_short_close_language_messages(text: str, language: str) -> None:
    assert detect(text).language == language, (text, detect(text))


@pytest.mark.parametrize("name", list(SETS))
def test_language_detection_per_language_on_every_set(name: str) -> None:
    # Measured: 100 % on tuning, held-out and fresh; unseen da 94.3 %, nb 97.1 %; unseen2 (written after
    # the change, scored once) da 94.3 %, sv and nb 97.1 %, the others 100 %.
    scores = {s.language: s for s in evaluate(name=name)}
    assert set(scores) == set(LANGUAGES)
    for code, score in scores.items():
        assert score.language_accuracy >= 0.94, (name, code, score)


def test_the_second_unseen_set_covers_every_language_and_label() -> None:
    rows = labelled("unseen2")
    for code in LANGUAGES:
        mine = [r for r in rows if r["language"] == code]
        assert len(mine) >= 30, code
        assert {r["polarity"] for r in mine} == {"positive", "neutral", "negative"}, code


def test_the_command_reports_the_second_unseen_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["social", "evaluate", "--set", "unseen2"]) == 0
    out = capsys.readouterr().out
    assert "unseen2 set (reported only" in out and "tuning set" not in out
    for code in LANGUAGES:
        assert f"\n{code} " in out
