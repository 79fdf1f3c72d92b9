"""The openingup command line: a shell over the contexts services and queries."""
