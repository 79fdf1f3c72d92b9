"""``openingup harvest``: add prints the id last, run waits and exits non-zero on failure, list, show."""

from __future__ import annotations

import pytest

from openingup.catalogue.models import Dataset
from openingup.cli.main import main
from openingup.core.models import Job
from tests.harvest.conftest import Server

TTL = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
<https://n.test/ds/1> a dcat:Dataset ; dct:title "Bomen"@nl .
<https://n.test/ds/2> a dcat:Dataset ; dct:description "geen titel"@nl .
"""


@pytest.mark.django_db(transaction=True)
def test_add_run_list_show(server: Server, capsys: pytest.CaptureFixture[str]) -> None:
    server.handler = lambda path, query: (
        (200, "text/turtle", TTL) if path == "/c.ttl" else (500, "text/plain", b"")
    )
    assert main(["harvest", "add", "--type", "dcat", f"{server.url}/c.ttl"]) == 0
    source_id = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["harvest", "run", source_id]) == 0
    out = capsys.readouterr().out
    assert "1 created" in out and "failed https://n.test/ds/2: " in out and "title" in out
    assert Dataset.objects.filter(uri="https://n.test/ds/1").exists()
    assert not Job.objects.filter(name="harvest.run").exists()  # run here, not by a background worker
    assert main(["harvest", "list"]) == 0
    assert source_id in capsys.readouterr().out
    assert main(["harvest", "show", source_id]) == 0
    assert "1 created" in capsys.readouterr().out

    assert main(["harvest", "add", "--type", "dcat", f"{server.url}/broken.ttl"]) == 0
    broken = capsys.readouterr().out.strip().splitlines()[-1]
    assert main(["harvest", "run", broken]) == 1
    assert "HTTP 500" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_add_refuses_a_private_address_and_unknown_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["harvest", "add", "--type", "ckan", "http://169.254.169.254/"]) == 2
    assert "metadata" in capsys.readouterr().err
    assert main(["harvest", "run", "no-such-source"]) == 2
    assert "no harvest source" in capsys.readouterr().err
