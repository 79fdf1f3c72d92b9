"""Demo content: a fictional North Sea municipality with about thirty published datasets.

:func:`openingup.catalogue.demo.loader.load_demo` loads it; the municipality itself is data
(``municipality.json``, ``town.json``) and its files are generated (:mod:`.generators`).
"""
