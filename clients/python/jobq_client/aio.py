"""The asyncio client (httpx.AsyncClient): the calls of JobqClient, awaitable."""
from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, List, Mapping, Optional, Sequence

import httpx

from . import _http
from ._http import Options
from ._wait import PENDING, Waiter
from .client import _STREAM_DROPS, job_id_of
from .handles import JobRef
from .jobs import AsyncJobs
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


class AsyncJobqClient:
    """An asyncio client of one jobq producer; arguments, answers and errors as :class:`JobqClient`.

    ``AsyncJobqClient(base_url, token=None, timeout=10.0, http=None)`` with an optional
    ``httpx.AsyncClient``. Use ``async with``, or ``await client.aclose()``.
    """

    def __init__(
        self,
        base_url: str,
        token: Optional[str] = None,
        *,
        timeout: float = 10.0,
        http: Optional[httpx.AsyncClient] = None,
    ) -> None:
        self._timeout = timeout
        self._http = http or httpx.AsyncClient(
            base_url=base_url.rstrip("/"), headers=_http.headers(token), timeout=timeout
        )
        self.jobs = AsyncJobs(self)
        """Typed handles, one per registry job: ``await client.jobs.demo_sleep.enqueue(...)``."""

    async def __aenter__(self) -> "AsyncJobqClient":
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        return _http.json_of(await self._http.request(method, path, **kwargs))

    async def enqueue(self, name: str, data: Any, options: Optional[Options] = None) -> EnqueuedJob:
        body = _http.envelope(data, options)
        return EnqueuedJob.from_api(await self._call("POST", _http.enqueue_path(name), json=body))

    async def enqueue_many(
        self, name: str, datas: Sequence[Any], options: Optional[Options] = None
    ) -> BulkEnqueued:
        body = _http.bulk_body(datas, options)
        return BulkEnqueued.from_api(await self._call("POST", _http.enqueue_path(name, bulk=True), json=body))

    async def enqueue_count(
        self, name: str, count: int, data: Any, options: Optional[Options] = None
    ) -> BulkEnqueued:
        body = _http.count_body(count, data, options)
        return BulkEnqueued.from_api(await self._call("POST", _http.enqueue_path(name, bulk=True), json=body))

    async def get(self, job: JobRef) -> JobView:
        return JobView.from_api(await self._call("GET", _http.job_path(job_id_of(job))))

    async def cancel(self, job: JobRef) -> CancelOutcome:
        return CancelOutcome.from_api(await self._call("DELETE", _http.job_path(job_id_of(job))))

    async def retry(self, job: JobRef) -> RetryOutcome:
        return RetryOutcome.from_api(await self._call("POST", _http.job_path(job_id_of(job), "/retry")))

    async def list_jobs(
        self, queue: str, state: str = "waiting", limit: int = 50, offset: int = 0
    ) -> List[JobView]:
        params = {"state": state, "limit": limit, "offset": offset}
        body = await self._call("GET", f"/v1/queues/{queue}/jobs", params=params)
        return [JobView.from_api(j) for j in body.get("jobs", [])]

    async def search(
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
        return SearchPage.from_api(await self._call("GET", "/v1/jobs", params=params))

    async def search_all(
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
    ) -> AsyncIterator[JobView]:
        """Every job of :meth:`search`, page after page (its cursors followed), newest first."""
        cursor: Optional[str] = None
        while True:
            page = await self.search(
                name, fields, queue=queue, state=state, from_=from_, to=to, reason=reason,
                cursor=cursor, limit=limit,
            )
            for job in page.jobs:
                yield job
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    async def dead_letters(
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
        return SearchPage.from_api(await self._call("GET", "/v1/dead-letters", params=params))

    async def bulk_dry_run(
        self,
        action: str,
        *,
        filter: Optional[Mapping[str, str]] = None,
        ids: Optional[Sequence[str]] = None,
    ) -> int:
        """How many jobs :meth:`bulk` would act on (``?dryRun=true``); nothing moves."""
        body = _http.bulk_action_body(filter, ids)
        path = f"/v1/jobs/actions/{action}"
        answer = await self._call("POST", path, params={"dryRun": "true"}, json=body)
        return int(answer["matched"])

    async def bulk(
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
        return BulkOperation.from_api(await self._call("POST", f"/v1/jobs/actions/{action}", json=body))

    async def operation(self, operation_id: str) -> BulkOperation:
        """A bulk operation as it stands (kept 24 h). JobqNotFoundError when unknown."""
        return BulkOperation.from_api(await self._call("GET", f"/v1/operations/{operation_id}"))

    async def wait_operation(
        self, operation_id: str, *, timeout: float = 300.0, interval: float = 0.25
    ) -> BulkOperation:
        """Polls :meth:`operation` every ``interval`` s until it is no longer running; raises
        TimeoutError after ``timeout`` s."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            operation = await self.operation(operation_id)
            if operation.finished:
                return operation
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"operation {operation_id} still running after {timeout} s")
            await asyncio.sleep(interval)

    async def events(self, job: JobRef, *, read_timeout: float = 30.0) -> AsyncIterator[JobEvent]:
        """The job's server-sent events until ``completed`` or ``failed``.

        Leaving early with ``break`` keeps the stream open until the generator is collected: wrap
        it in ``contextlib.aclosing(...)`` to close it at once.
        """
        timeout = httpx.Timeout(self._timeout, read=read_timeout)
        path, accept = _http.job_path(job_id_of(job), "/events"), {"accept": "text/event-stream"}
        async with self._http.stream("GET", path, headers=accept, timeout=timeout) as response:
            if not _http.is_event_stream(response):
                await response.aread()
                raise _http.error_of(response)
            parser = SseParser()
            async for line in response.aiter_lines():
                event = parser.feed(line)
                if event:
                    yield event
                    if event.final:
                        return

    async def wait(
        self, job: JobRef, *, timeout: float = 60.0, poll_interval: float = 0.5, stream: bool = True
    ) -> Any:
        """The finished job's raw result: stream first, polling where streaming does not work."""
        waiter = Waiter(job_id_of(job), timeout, poll_interval)
        if stream:
            outcome = await self._follow(waiter)
            if outcome is not PENDING:
                return outcome
        return await self._poll(waiter)

    async def _follow(self, waiter: Waiter) -> Any:
        path, accept = _http.job_path(waiter.job_id, "/events"), {"accept": "text/event-stream"}
        while waiter.remaining() > 0:
            saw_events = False
            timeout = httpx.Timeout(self._timeout, read=waiter.read_timeout())
            try:
                async with self._http.stream("GET", path, headers=accept, timeout=timeout) as response:
                    if _http.stream_is_unusable(response):
                        return PENDING
                    if not response.is_success:
                        await response.aread()
                        raise _http.error_of(response)
                    parser = SseParser()
                    async for line in response.aiter_lines():
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

    async def _poll(self, waiter: Waiter) -> Any:
        while True:
            outcome = waiter.on_view(await self.get(waiter.job_id))
            if outcome is not PENDING:
                return outcome
            if waiter.remaining() <= 0:
                raise waiter.timeout_error()
            await asyncio.sleep(waiter.next_pause())
