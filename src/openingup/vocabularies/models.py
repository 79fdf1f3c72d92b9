"""No database tables: the vocabularies are read-only data files (``data/*.json``), loaded and
cached by :mod:`openingup.vocabularies.registry`. Records store concept URIs."""
