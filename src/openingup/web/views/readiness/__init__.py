"""Readiness pages: instruments, the questionnaire, consolidation, results with their PDF, the benchmark."""
