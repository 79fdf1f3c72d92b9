"""REST API /api/v1/: a shell over the contexts services and queries."""
