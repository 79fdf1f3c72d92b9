"""The files of the demo catalogue, made up deterministically from the town in ``town.json``.

A generator takes the :class:`~openingup.catalogue.demo.files.Town`, a ``random.Random`` and its own
parameters and returns a :class:`~openingup.catalogue.demo.files.Table`; :func:`generate` seeds the random
generator with the generator's name and parameters and writes the table as CSV, GeoJSON or JSON, so each
file is byte-for-byte the same on every run whatever is generated before it. Nothing here reads the clock
or the network.
"""

from openingup.catalogue.demo.generators import environment, mobility, places, society
from openingup.catalogue.demo.generators.registry import GENERATORS, generate, generator

__all__ = ["GENERATORS", "environment", "generate", "generator", "mobility", "places", "society"]
