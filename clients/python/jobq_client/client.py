"""The synchronous client (httpx.Client)."""
from __future__ import annotations

import time
from typing import Any, Iterator, List, Mapping, Optional, Sequence

import httpx

from . import _http
from ._http import Options
from ._wait import PENDING, Waiter
from .handles import JobRef
from .jobs import Jobs
from .sse import SseParser
from .views import (
    BulkEnqueued,
    BulkOperation,
    CancelOutcome,
    EnqueuedJob,
    JobEvent,
    JobView,
    RetryOutcome,
    SearchPage,
)

# A dropped or silent stream: reconnect (or fall back to polling) rather than fail the wait.
_STREAM_DROPS = (httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ReadError)


def job_id_of(job: JobRef) -> str:
    return job if isinstance(job, str) else job.id


class JobqClient:
    """A client of one jobq producer.

    ``JobqClient(base_url, token=None, timeout=10.0, http=None)``: ``base_url`` is where the
    producer listens (``http://jobq-producer:3000``), ``token`` a bearer token from its
    ``JOBQ_API_TOKENS``, ``timeout`` seconds per request (``wait`` has its own), ``http`` an
    ``httpx.Client`` of your own (its base URL and headers are then yours to set).
    Typed per-job access is on :attr:`jobs`. Every call raises :class:`~jobq_client.JobqApiError`
    (a subclass by status) when the API answers an error, and httpx's exceptions on network failures.
    Use it as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        base_url: str,
        token: Optional[str] = None,
        *,
        timeout: float = 10.0,
        http: Optional[httpx.Client] = None,
    ) -> None:
        self._timeout = timeout
        self._http = http or httpx.Client(
            base_url=base_url.rstrip("/"), headers=_http.headers(token), timeout=timeout
        )
        self.jobs = Jobs(self)
        """Typed handles, one per registry job: ``client.jobs.demo_sleep.enqueue(...)``."""

    def __enter__(self) -> "JobqClient":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        return _http.json_of(self._http.request(method, path, **kwargs))

    def enqueue(self, name: str, data: Any, options: Optional[Options] = None) -> EnqueuedJob:
        """Enqueues one job of ``name`` with a raw JSON payload (the API validates it: 400 names the field)."""
        body = _http.envelope(data, options)
        return EnqueuedJob.from_api(self._call("POST", _http.enqueue_path(name), json=body))

    def enqueue_many(
        self, name: str, datas: Sequence[Any], options: Optional[Options] = None
    ) -> BulkEnqueued:
        """Enqueues one job per raw payload, all or none."""
        body = _http.bulk_body(datas, options)
        return BulkEnqueued.from_api(self._call("POST", _http.enqueue_path(name, bulk=True), json=body))

    def enqueue_count(
        self, name: str, count: int, data: Any, options: Optional[Options] = None
    ) -> BulkEnqueued:
        """Enqueues ``count`` jobs of one raw payload, all or none."""
        body = _http.count_body(count, data, options)
        return BulkEnqueued.from_api(self._call("POST", _http.enqueue_path(name, bulk=True), json=body))

    def get(self, job: JobRef) -> JobView:
        """The job now. Raises JobqNotFoundError for an unknown id."""
        return JobView.from_api(self._call("GET", _http.job_path(job_id_of(job))))

    def cancel(self, job: JobRef) -> CancelOutcome:
        """Removes a waiting/delayed job, or aborts an active one. 409 (JobqConflictError) if finished."""
        return CancelOutcome.from_api(self._call("DELETE", _http.job_path(job_id_of(job))))

    def retry(self, job: JobRef) -> RetryOutcome:
        """A failed job back to waiting with fresh attempts. 409 (JobqConflictError) if not failed."""
        return RetryOutcome.from_api(self._call("POST", _http.job_path(job_id_of(job), "/retry")))

    def list_jobs(
        self, queue: str, state: str = "waiting", limit: int = 50, offset: int = 0
    ) -> List[JobView]:
        """A queue's jobs in one state, newest first (``active`` = running now)."""
        params = {"state": state, "limit": limit, "offset": offset}
        body = self._call("GET", f"/v1/queues/{queue}/jobs", params=params)
        return [JobView.from_api(j) for j in body.get("jobs", [])]

    def search(
        self,
        name: str,
        fields: Optional[Mapping[str, str]] = None,
        *,
        queue: Optional[str] = None,
        state: Optional[str] = None,
        from_: Optional[str] = None,
        to: Optional[str] = None,
        reason: Optional[str] = None,
        cursor: Optional[str] = None,
        limit: int = 50,
    ) -> SearchPage:
        """A page of job ``name``'s jobs whose declared search fields equal ``fields``, newest first.

        ``fields``: at least one declared search field (``{"customerId": "c42"}``), matched
        exactly after trimming and lower-casing. ``queue`` restricts to one queue (404 for an
        unknown one, 400 when it is not the job's); ``state``; ``from_``/``to`` (ISO 8601 enqueue
        time); ``reason`` (a case-insensitive substring of the failure reason); ``cursor`` (a
        page's ``next_cursor``); ``limit`` 1-200. Raises JobqValidationError (400) for a field
        the job does not declare, JobqNotFoundError for an unknown job or queue.
        """
        filters = {"queue": queue, "state": state, "from": from_, "to": to, "reason": reason}
        params = _http.search_params(name, fields, filters, cursor, limit)
        return SearchPage.from_api(self._call("GET", "/v1/jobs", params=params))

    def search_all(
        self,
        name: str,
        fields: Optional[Mapping[str, str]] = None,
        *,
        queue: Optional[str] = None,
        state: Optional[str] = None,
        from_: Optional[str] = None,
        to: Optional[str] = None,
        reason: Optional[str] = None,
        limit: int = 50,
    ) -> Iterator[JobView]:
        """Every job of :meth:`search`, page after page (its cursors followed), newest first."""
        cursor: Optional[str] = None
        while True:
            page = self.search(
                name, fields, queue=queue, state=state, from_=from_, to=to, reason=reason,
                cursor=cursor, limit=limit,
            )
            yield from page.jobs
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def dead_letters(
        self,
        name: Optional[str] = None,
        fields: Optional[Mapping[str, str]] = None,
        *,
        queue: Optional[str] = None,
        from_: Optional[str] = None,
        to: Optional[str] = None,
        reason: Optional[str] = None,
        cursor: Optional[str] = None,
        limit: int = 50,
    ) -> SearchPage:
        """A page of dead letters (failed jobs: attempts spent, or failed for good), newest first.

        The filters of :meth:`search` without ``state``: with search ``fields`` of ``name`` it is
        that search; without, ``queue`` (or ``name``'s queue) is required and its failed set is
        walked, filtered by ``name``, ``reason``, ``from_``/``to``. Kept 30 days, at most 50,000
        a queue. Raises JobqValidationError (400) for a bad filter, JobqNotFoundError (404).
        """
        filters = {"queue": queue, "from": from_, "to": to, "reason": reason}
        params = _http.search_params(name, fields, filters, cursor, limit)
        return SearchPage.from_api(self._call("GET", "/v1/dead-letters", params=params))

    def bulk_dry_run(
        self,
        action: str,
        *,
        filter: Optional[Mapping[str, str]] = None,
        ids: Optional[Sequence[str]] = None,
    ) -> int:
        """How many jobs :meth:`bulk` would act on (``?dryRun=true``); nothing moves."""
        body = _http.bulk_action_body(filter, ids)
        path = f"/v1/jobs/actions/{action}"
        return int(self._call("POST", path, params={"dryRun": "true"}, json=body)["matched"])

    def bulk(
        self,
        action: str,
        *,
        filter: Optional[Mapping[str, str]] = None,
        ids: Optional[Sequence[str]] = None,
        data: Any = None,
    ) -> BulkOperation:
        """Starts ``action`` (``retry``, ``cancel``, ``remove``, ``promote``, ``redrive``) on every
        job of ``filter`` (the filters of ``GET /v1/jobs``: ``name``, ``queue``, ``state``, ``from``,
        ``to``, ``reason``, search fields) or of ``ids`` (exactly one of them); ``data``: redrive's
        new payload, checked against the job's schema before anything moves. Answers the running
        operation: follow it with :meth:`wait_operation`. Needs a token with the ``admin`` scope.
        """
        body = _http.bulk_action_body(filter, ids, data)
        return BulkOperation.from_api(self._call("POST", f"/v1/jobs/actions/{action}", json=body))

    def operation(self, operation_id: str) -> BulkOperation:
        """A bulk operation as it stands (kept 24 h). JobqNotFoundError when unknown."""
        return BulkOperation.from_api(self._call("GET", f"/v1/operations/{operation_id}"))

    def wait_operation(
        self, operation_id: str, *, timeout: float = 300.0, interval: float = 0.25
    ) -> BulkOperation:
        """Polls :meth:`operation` every ``interval`` s until it is no longer running; raises
        TimeoutError after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            operation = self.operation(operation_id)
            if operation.finished:
                return operation
            if time.monotonic() > deadline:
                raise TimeoutError(f"operation {operation_id} still running after {timeout} s")
            time.sleep(interval)

    def events(self, job: JobRef, *, read_timeout: float = 30.0) -> Iterator[JobEvent]:
        """The job's server-sent events until ``completed`` or ``failed`` (ends at once if it has).

        Raises JobqApiError if the stream is refused, httpx.ReadTimeout after ``read_timeout``
        seconds of silence (the producer sends a keepalive every 15 s).
        """
        timeout = httpx.Timeout(self._timeout, read=read_timeout)
        path, accept = _http.job_path(job_id_of(job), "/events"), {"accept": "text/event-stream"}
        with self._http.stream("GET", path, headers=accept, timeout=timeout) as response:
            if not _http.is_event_stream(response):
                response.read()
                raise _http.error_of(response)
            parser = SseParser()
            for line in response.iter_lines():
                event = parser.feed(line)
                if event:
                    yield event
                    if event.final:
                        return

    def wait(
        self, job: JobRef, *, timeout: float = 60.0, poll_interval: float = 0.5, stream: bool = True
    ) -> Any:
        """The finished job's raw result.

        Follows the event stream (``stream=True``), reconnecting if it drops, and polls
        ``GET /v1/jobs/:id`` every ``poll_interval`` seconds where streaming does not work (a
        proxy without SSE) or ``stream=False``. Raises JobFailedError (with the job's reason),
        JobWaitTimeoutError after ``timeout`` seconds (the job goes on), JobqApiError.
        """
        waiter = Waiter(job_id_of(job), timeout, poll_interval)
        if stream:
            outcome = self._follow(waiter)
            if outcome is not PENDING:
                return outcome
        return self._poll(waiter)

    def _follow(self, waiter: Waiter) -> Any:
        """The result through the stream, or PENDING when the caller should poll instead."""
        path, accept = _http.job_path(waiter.job_id, "/events"), {"accept": "text/event-stream"}
        while waiter.remaining() > 0:
            saw_events = False
            timeout = httpx.Timeout(self._timeout, read=waiter.read_timeout())
            try:
                with self._http.stream("GET", path, headers=accept, timeout=timeout) as response:
                    if _http.stream_is_unusable(response):
                        return PENDING
                    if not response.is_success:
                        response.read()
                        raise _http.error_of(response)
                    parser = SseParser()
                    for line in response.iter_lines():
                        event = parser.feed(line)
                        saw_events = saw_events or event is not None
                        outcome = PENDING if event is None else waiter.on_event(event)
                        if outcome is not PENDING:
                            return outcome
            except _STREAM_DROPS:
                pass  # reconnect while time is left
            if waiter.give_up_streaming(saw_events):
                return PENDING
        raise waiter.timeout_error()

    def _poll(self, waiter: Waiter) -> Any:
        while True:
            outcome = waiter.on_view(self.get(waiter.job_id))
            if outcome is not PENDING:
                return outcome
            if waiter.remaining() <= 0:
                raise waiter.timeout_error()
            time.sleep(waiter.next_pause())
