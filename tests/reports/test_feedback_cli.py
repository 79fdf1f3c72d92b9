"""``openingup addresses load``, ``mail send | templates`` and ``photos clean`` with their exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail

from openingup.cli.main import main
from openingup.reports import outbox
from openingup.reports.models import Address, MessageTemplate


@pytest.mark.django_db(transaction=True)
def test_the_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # type: ignore[attr-defined]
    good = tmp_path / "bag.csv"
    good.write_text(
        "openbareruimte;huisnummer;postcode;woonplaats;lat;lon\nDorpsstraat;1;1234AB;Dorp;52.3;4.5\n"
    )
    bad = tmp_path / "rd.csv"
    bad.write_text("street,lat,long\nDorpsstraat,463000,155000\n")

    assert main(["addresses", "load", str(good)]) == 0
    assert main(["addresses", "load", str(bad)]) == 2
    assert main(["addresses", "load", str(tmp_path / "missing.csv")]) == 2
    output = capsys.readouterr()
    assert "loaded 1 addresses" in output.out and "the register is unchanged" in output.err
    assert list(Address.objects.values_list("street", flat=True)) == ["Dorpsstraat"]

    assert main(["mail", "templates"]) == 0 and MessageTemplate.objects.filter(event="closed").exists()
    monkeypatch.setattr("openingup.reports.outbox.tasks.enqueue", lambda name, **kw: None)
    outbox.queue_mail(to="me@example.org", subject="Hi", text="Hello")
    assert main(["mail", "send"]) == 0
    assert "sent 1, to retry 0, failed 0" in capsys.readouterr().out and len(mail.outbox) == 1

    assert main(["photos", "clean", "--hours", "0"]) == 2
    assert main(["photos", "clean"]) == 0
