"""Tests of openingup.core."""
