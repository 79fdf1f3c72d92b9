"""Demo content of the readiness context: the demo municipality's assessments and invented benchmark
entries (see :mod:`openingup.readiness.demo.loader`)."""

from __future__ import annotations

#: The origin the demo benchmark file is imported under; ``.invalid`` (RFC 2606) is never a real instance.
DEMO_ORIGIN = "https://demo.openingup.invalid"
