"""Social media: channels and connectors, messages and conversations, offline enrichment."""
