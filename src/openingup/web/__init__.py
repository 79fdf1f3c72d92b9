"""Server-rendered pages: a shell that calls the contexts services and queries."""
