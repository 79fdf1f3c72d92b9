"""Readiness: self-assessments on versioned instruments, frozen results and a cross-instance benchmark."""
