"""The test suite; a package so helpers import as ``tests.<module>`` (e.g. ``tests.browser``)."""
