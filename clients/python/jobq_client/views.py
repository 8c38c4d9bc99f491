"""What the API answers, read tolerantly.

The producer may add fields (per-item bulk answers, a job's history, ...): every view keeps the
whole answer in ``raw`` and reads only the fields it names, with defaults where one is missing,
so a newer producer never breaks an older client.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

FINAL_STATES = ("completed", "failed")


@dataclass(frozen=True)
class EnqueuedJob:
    """Answer of an enqueue: ``created`` is False when no job was made now; ``outcome`` says why.

    ``outcome``: ``created``; ``duplicated`` (the ``job_id`` option named an existing job);
    ``deduplicated`` (the job declares dedupe and ``id`` holds its key); ``replaced`` (debounce:
    a new job, which removed the pending one, ``raw["replacedId"]``).
    """

    id: str
    name: str
    queue: str
    state: str
    enqueued_at: str
    created: bool = True
    outcome: str = "created"
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)

    @staticmethod
    def from_api(body: Mapping[str, Any]) -> "EnqueuedJob":
        return EnqueuedJob(
            id=str(body["id"]),
            name=str(body.get("name", "")),
            queue=str(body.get("queue", "")),
            state=str(body.get("state", "")),
            enqueued_at=str(body.get("enqueuedAt", "")),
            created=bool(body.get("created", True)),
            outcome=str(body.get("outcome", "created")),
            raw=dict(body),
        )


@dataclass(frozen=True)
class BulkEnqueued:
    """Answer of a bulk enqueue: the new jobs' ids, in the order of the items."""

    ids: List[str]
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)

    @staticmethod
    def from_api(body: Mapping[str, Any]) -> "BulkEnqueued":
        ids = body.get("ids")
        if ids is None:  # a producer that answers only per-item records
            ids = [item["id"] for item in body.get("items", [])]
        return BulkEnqueued(ids=[str(i) for i in ids], raw=dict(body))


@dataclass(frozen=True)
class JobView:
    """One job as ``GET /v1/jobs/:id`` answers it; times are ISO 8601 strings (or None)."""

    id: str
    name: str
    queue: str
    state: str
    data: Any = None
    progress: Any = 0
    result: Any = None
    failed_reason: Optional[str] = None
    attempts_made: int = 0
    created_at: Optional[str] = None
    started_at: Optional[str] = None
    finished_at: Optional[str] = None
    worker_id: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def finished(self) -> bool:
        """True once the job completed or failed for good."""
        return self.state in FINAL_STATES

    @staticmethod
    def from_api(body: Mapping[str, Any]) -> "JobView":
        return JobView(
            id=str(body["id"]),
            name=str(body.get("name", "")),
            queue=str(body.get("queue", "")),
            state=str(body.get("state", "")),
            data=body.get("data"),
            progress=body.get("progress", 0),
            result=body.get("result"),
            failed_reason=body.get("failedReason"),
            attempts_made=int(body.get("attemptsMade") or 0),
            created_at=body.get("createdAt"),
            started_at=body.get("startedAt"),
            finished_at=body.get("finishedAt"),
            worker_id=body.get("workerId"),
            raw=dict(body),
        )


@dataclass(frozen=True)
class SearchPage:
    """A page of ``GET /v1/jobs`` (search), newest first: previews, as the lists answer them.

    ``next_cursor`` is None once every candidate was examined; pass it as ``cursor`` for the next
    page. ``examined``: index entries read for this page (at most 5,000, so a page with a
    selective ``state`` or ``reason`` may hold fewer than ``limit`` jobs and still have a cursor).
    """

    jobs: List[JobView]
    next_cursor: Optional[str] = None
    examined: int = 0
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)

    @staticmethod
    def from_api(body: Mapping[str, Any]) -> "SearchPage":
        return SearchPage(
            jobs=[JobView.from_api(j) for j in body.get("jobs", [])],
            next_cursor=body.get("nextCursor"),
            examined=int(body.get("examined") or 0),
            raw=dict(body),
        )


@dataclass(frozen=True)
class BulkOperation:
    """A bulk action on a filter (``POST /v1/jobs/actions/{action}``), as ``GET /v1/operations/{id}``
    answers it.

    ``state``: ``running``, ``done``, ``failed`` (``failed`` says why) or ``interrupted`` (the
    producer running it stopped; not resumed). ``matched``: jobs selected when it started (at most
    100,000; ``more`` is True when the filter matched more). ``done``: jobs acted on; ``skipped``:
    jobs that moved on meanwhile (never acted on twice). Times are ISO 8601.
    """

    id: str
    action: str
    state: str
    matched: int
    more: bool
    done: int
    skipped: int
    failed: Optional[str] = None
    created_at: Optional[str] = None
    finished_at: Optional[str] = None
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def finished(self) -> bool:
        return self.state != "running"

    @staticmethod
    def from_api(body: Mapping[str, Any]) -> "BulkOperation":
        return BulkOperation(
            id=str(body["id"]),
            action=str(body["action"]),
            state=str(body["state"]),
            matched=int(body.get("matched") or 0),
            more=bool(body.get("more")),
            done=int(body.get("done") or 0),
            skipped=int(body.get("skipped") or 0),
            failed=body.get("failed"),
            created_at=body.get("createdAt"),
            finished_at=body.get("finishedAt"),
            raw=dict(body),
        )


@dataclass(frozen=True)
class JobEvent:
    """One server-sent event of a job.

    ``type`` is ``state`` (``job`` set), ``progress``, ``retrying``, ``completed`` (``result``)
    or ``failed`` (``reason``); ``data`` is the event's JSON as sent.
    """

    type: str
    data: Dict[str, Any]

    @property
    def final(self) -> bool:
        return self.type in FINAL_STATES

    @property
    def job(self) -> Optional[JobView]:
        return JobView.from_api(self.data) if self.type == "state" else None

    @property
    def result(self) -> Any:
        return self.data.get("result")

    @property
    def reason(self) -> str:
        return str(self.data.get("reason", ""))


@dataclass(frozen=True)
class CancelOutcome:
    """Answer of a cancel: ``removed`` (had not started) or ``cancelling`` (aborting where it runs)."""

    id: str
    outcome: str
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)

    @staticmethod
    def from_api(body: Mapping[str, Any]) -> "CancelOutcome":
        return CancelOutcome(str(body["id"]), str(body.get("outcome", "")), dict(body))


@dataclass(frozen=True)
class RetryOutcome:
    """Answer of a retry: the job is ``waiting`` again, with fresh attempts."""

    id: str
    state: str
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)

    @staticmethod
    def from_api(body: Mapping[str, Any]) -> "RetryOutcome":
        return RetryOutcome(str(body["id"]), str(body.get("state", "")), dict(body))
