"""Exceptions of the jobq client.

Every error the API answers is a :class:`JobqApiError` (or one of its subclasses by status)
carrying the problem document: ``{ type, title, status, detail, errors? }`` (RFC 9457).
Network failures are httpx's own exceptions (``httpx.HTTPError``), left as they are.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional


@dataclass(frozen=True)
class ProblemIssue:
    """One issue of a 400: ``path`` names the field (``data.ms``, ``items.7.data.ms``)."""

    path: str
    message: str


@dataclass(frozen=True)
class Problem:
    """The ``application/problem+json`` body of an error answer.

    ``raw`` keeps the whole document, fields this client does not know included.
    """

    type: str
    title: str
    status: int
    detail: str
    errors: List[ProblemIssue] = field(default_factory=list)
    request_id: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def from_body(status: int, reason: str, body: Any) -> "Problem":
        """Reads a problem document; any other body (a proxy's HTML page) becomes its ``detail``."""
        if not isinstance(body, Mapping):
            return Problem("about:blank", reason, status, "" if body is None else str(body)[:500])
        issues = [
            ProblemIssue(str(i.get("path", "")), str(i.get("message", "")))
            for i in body.get("errors") or []
            if isinstance(i, Mapping)
        ]
        return Problem(
            type=str(body.get("type", "about:blank")),
            title=str(body.get("title", reason)),
            status=int(body.get("status", status)),
            detail=str(body.get("detail", "")),
            errors=issues,
            request_id=body.get("requestId"),
            raw=dict(body),
        )


class JobqError(Exception):
    """Base class of every exception this package raises."""


class JobqApiError(JobqError):
    """The API answered an error status; ``problem`` says what was wrong."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.status = problem.status
        issues = "; ".join(f"{i.path}: {i.message}" for i in problem.errors)
        super().__init__(f"{problem.status} {problem.detail}" + (f" ({issues})" if issues else ""))


class JobqValidationError(JobqApiError):
    """400: the payload or the request does not match the schema; ``problem.errors`` names fields."""


class JobqAuthError(JobqApiError):
    """401: no bearer token, or a token the producer's ``JOBQ_API_TOKENS`` does not list."""


class JobqNotFoundError(JobqApiError):
    """404: no such job (or job name, or queue)."""


class JobqConflictError(JobqApiError):
    """409: the job is not in a state that allows this (cancel a finished job, retry one not failed)."""


_BY_STATUS = {400: JobqValidationError, 401: JobqAuthError, 404: JobqNotFoundError, 409: JobqConflictError}


def api_error(problem: Problem) -> JobqApiError:
    """The most specific :class:`JobqApiError` for the problem's status."""
    return _BY_STATUS.get(problem.status, JobqApiError)(problem)


class JobFailedError(JobqError):
    """The job ended failed for good; ``reason`` is its ``failedReason``."""

    def __init__(self, job_id: str, reason: str) -> None:
        self.job_id = job_id
        self.reason = reason
        super().__init__(f"job {job_id} failed: {reason}")


class JobWaitTimeoutError(JobqError, TimeoutError):
    """``wait()`` gave up before the job finished; the job itself goes on."""

    def __init__(self, job_id: str, timeout: float) -> None:
        self.job_id = job_id
        self.timeout = timeout
        super().__init__(f"job {job_id} did not finish within {timeout} s")
