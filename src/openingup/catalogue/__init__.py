"""The DCAT-AP 3 catalogue: datasets, distributions, data services, series; draft → published → archived."""
