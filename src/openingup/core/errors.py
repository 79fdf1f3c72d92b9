"""Errors that services raise; the API, web and CLI shells turn them into their own envelopes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldProblem:
    field: str
    problem: str


@dataclass
class ServiceError(Exception):
    """Base for domain errors: ``code`` is stable and machine-readable, ``message`` is for people."""

    message: str
    code: str = "invalid"
    problems: list[FieldProblem] = field(default_factory=list)
    status: int = 400

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        details = "; ".join(f"{p.field}: {p.problem}" for p in self.problems)
        return f"{self.message} ({details})"


class InvalidInput(ServiceError):
    def __init__(self, message: str, problems: list[FieldProblem] | None = None) -> None:
        super().__init__(message, "invalid", problems or [], 400)


class NotFound(ServiceError):
    def __init__(self, message: str) -> None:
        super().__init__(message, "not_found", [], 404)


class PermissionDenied(ServiceError):
    def __init__(self, message: str = "You are not allowed to do this.") -> None:
        super().__init__(message, "forbidden", [], 403)


class Conflict(ServiceError):
    def __init__(self, message: str) -> None:
        super().__init__(message, "conflict", [], 409)
