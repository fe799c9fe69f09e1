"""Domain errors. The API maps them to HTTP in one place; the web pages show their messages.

Each carries a stable `code` and a Chinese `detail`; guard refusals carry the unmet reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reason:
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class DomainError(Exception):
    code = "error"
    status = 400

    def __init__(
        self, detail: str, *, reasons: list[Reason] | None = None, errors: dict[str, Any] | None = None
    ):
        super().__init__(detail)
        self.detail = detail
        self.reasons = reasons or []
        self.errors = errors or {}


class InvalidInput(DomainError):
    code = "invalid"
    status = 400


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class Conflict(DomainError):
    """The request cannot be carried out in the current state (guards unmet, not available here)."""

    code = "conflict"
    status = 409


class StaleVersion(Conflict):
    """Someone else changed the case first; the caller's view is out of date."""

    code = "stale_version"


class TooLarge(DomainError):
    code = "too_large"
    status = 413
