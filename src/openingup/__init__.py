"""Opening Up: open data, social media, citizen reports and readiness for municipalities."""

__version__ = "0.1.0"
