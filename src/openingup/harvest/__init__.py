"""Harvesting: sources, jobs, one record per remote item; harvesters for CKAN, DCAT-AP, CSW, Opening Up."""
