"""The built-in connectors, registered on import exactly as a third-party connector would register."""

from openingup.social.connectors import bluesky, feeds, mastodon, ownfeed

__all__ = ["bluesky", "feeds", "mastodon", "ownfeed"]
