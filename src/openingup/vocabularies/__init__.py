"""Controlled vocabularies: EU authority tables (data themes, file types, languages, licences,
frequencies, access rights, planned availability, distribution status, HVD categories) and IANA
media types, as read-only data files with labels in en, nl, fr, de, da, sv and nb.

Use :mod:`openingup.vocabularies.registry`; ``scripts/derive_vocabularies.py`` regenerates
``data/`` from the official files.
"""
