"""The web shell's views, one module per kind of page: public, twins, feeds, editor, distributions."""
