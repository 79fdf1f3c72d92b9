"""The demo municipality's address register (a few streets), so the report form's address search
answers out of the box; loads nothing when a register is already there."""

from __future__ import annotations

from importlib import resources

from openingup.reports.addresses import load_addresses
from openingup.reports.models import Address


def load_demo_addresses() -> dict[str, int | bool]:
    if Address.objects.exists():
        return {"loaded": False, "addresses": 0}
    text = resources.files("openingup.reports.demo").joinpath("addresses.csv").read_text(encoding="utf-8")
    return {"loaded": True, "addresses": load_addresses(actor=None, text=text)}
