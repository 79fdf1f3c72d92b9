"""The built-in harvesters, registered the same way a third-party one would be."""

from openingup.harvest.harvesters import ckan, csw, dcat, open311, openingup
from openingup.harvest.harvesters.base import Gathering, HarvestError, Item, Page, harvester_for, registered

__all__ = [
    "Gathering",
    "HarvestError",
    "Item",
    "Page",
    "ckan",
    "csw",
    "dcat",
    "harvester_for",
    "open311",
    "openingup",
    "registered",
]
