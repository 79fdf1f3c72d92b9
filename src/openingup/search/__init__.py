"""Catalogue search: an index of datasets with stemming per language, facets, filters and keyset paging."""
