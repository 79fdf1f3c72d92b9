"""The openingup command: help for everything, import/export/validate with exit codes."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import rdflib

from openingup.catalogue.models import Dataset
from openingup.cli.main import main, parser

VALID = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<https://n.test/ds/1> a dcat:Dataset ; dct:title "Bomen"@nl ; dct:description "Alle bomen"@nl .
"""
INVALID = """@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<https://n.test/ds/1> a dcat:Dataset ; dct:description "geen titel"@nl .
"""


def _subparsers(p: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def test_every_command_and_option_has_help() -> None:
    commands = _subparsers(parser())
    assert {
        "serve",
        "demo",
        "createadmin",
        "import",
        "export",
        "validate",
        "worker",
        "config",
        "openapi",
    } <= set(commands)
    for name, sub in commands.items():
        assert sub.description or sub.format_help(), name
        for action in sub._actions:
            if action.dest != "help":
                assert action.help and action.help.strip(), f"{name} {action.dest} has no help"


@pytest.mark.django_db(transaction=True)
def test_import_then_export_round_trips(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.ttl"
    source.write_text(VALID)
    assert main(["import", str(source)]) == 0
    assert "1 created" in capsys.readouterr().out
    assert Dataset.objects.get(uri="https://n.test/ds/1").title == {"nl": "Bomen"}
    out = tmp_path / "out.ttl"
    assert main(["export", "--format", "ttl", "--out", str(out)]) == 0
    graph = rdflib.Graph().parse(out, format="turtle")
    assert (
        rdflib.URIRef("https://n.test/ds/1"),
        rdflib.DCTERMS.title,
        rdflib.Literal("Bomen", lang="nl"),
    ) in graph
    for fmt, rdflib_fmt in (("rdf", "xml"), ("jsonld", "json-ld")):
        path = tmp_path / f"out.{fmt}"
        assert main(["export", "--format", fmt, "--out", str(path)]) == 0
        assert len(rdflib.Graph().parse(path, format=rdflib_fmt)) == len(graph)


@pytest.mark.django_db(transaction=True)
def test_import_of_broken_input_exits_2_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix x: <y> . this is not turtle")
    assert main(["import", str(broken)]) == 2
    assert "nothing was imported" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "missing.ttl")]) == 2
    assert main(["import", "http://127.0.0.1:1/catalog.ttl"]) == 2
    assert "private address" in capsys.readouterr().err
    assert Dataset.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "code", "needle"), [(VALID, 0, "0 violations"), (INVALID, 1, "dct:title")])
def test_validate_reports_in_plain_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, code: int, needle: str
) -> None:
    path = tmp_path / "x.ttl"
    path.write_text(text)
    assert main(["validate", str(path)]) == code
    assert needle in capsys.readouterr().out


def test_validate_unreadable_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.rdf"
    path.write_text("<rdf:RDF")
    assert main(["validate", str(path)]) == 2
    assert "not well-formed" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_createadmin(capsys: pytest.CaptureFixture[str]) -> None:
    from django.contrib.auth import get_user_model

    assert main(["createadmin", "--username", "root", "--password", "a long enough pass 1"]) == 0
    assert get_user_model().objects.get(username="root").is_superuser
    assert main(["createadmin", "--username", "root", "--password", "a long enough pass 1"]) == 2
    assert main(["createadmin", "--username", "other", "--password", "short"]) == 2


def test_the_console_script_exits_with_the_commands_code_and_all_its_output(tmp_path: Path) -> None:
    """``openingup`` (``cli.main.run``) leaves without the interpreter's teardown, after flushing."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "OPENINGUP_BROKER_URL")}
    env["OPENINGUP_HOME"] = str(tmp_path / "home")
    script = "from openingup.cli.main import run; run()"
    listed = subprocess.run(
        [sys.executable, "-c", script, "config"], env=env, capture_output=True, text=True, timeout=120
    )
    assert listed.returncode == 0, listed.stderr
    assert "OPENINGUP_HOME" in listed.stdout and listed.stdout.endswith("\n")
    failed = subprocess.run(
        [sys.executable, "-c", script, "datastore", "load", str(tmp_path / "none.csv"), "--dataset", "x"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert failed.returncode == 2 and "no file at" in failed.stderr


@pytest.mark.django_db
def test_migrate_skips_loading_migrations_when_every_file_is_applied(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core import management
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    from openingup.cli.commands import common

    assert common._up_to_date()
    monkeypatch.setattr(management, "call_command", lambda *a, **k: pytest.fail("migrate ran"))
    common.migrate()  # nothing to apply: returns without loading the migrations
    recorder = MigrationRecorder(connection)
    recorder.record_unapplied("datastore", "0001_initial")
    assert not common._up_to_date()
