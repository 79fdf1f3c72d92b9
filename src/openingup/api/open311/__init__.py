"""The Open311 GeoReport v2 endpoint at ``/open311/v2/`` (plain Django views; Open311 has its own
formats and error envelope, so it stays outside the REST API)."""
