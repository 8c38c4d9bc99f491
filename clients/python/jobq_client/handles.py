"""Typed access to one job: its payload model in, its result model out.

``jobs.py`` (generated) builds one :class:`JobSpec` per registry job and exposes a handle per
job on ``client.jobs``: ``client.jobs.demo_sleep.enqueue(DemoSleepInput(ms=500))``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Generic, Optional, Sequence, TypeVar, Union

from ._http import Options
from .views import BulkEnqueued, EnqueuedJob

if TYPE_CHECKING:
    from .aio import AsyncJobqClient
    from .client import JobqClient

I = TypeVar("I")  # noqa: E741 - the job's input model
R = TypeVar("R")  # the job's result model

JobRef = Union[str, EnqueuedJob]
"""A job id, or what enqueue answered."""


@dataclass(frozen=True)
class JobSpec(Generic[I, R]):
    """A registry job: name, queue, and the generated converters of its payload and result."""

    name: str
    queue: str
    to_dict: Callable[[I], Any]
    from_dict: Callable[[Any], R]

    def payload(self, data: I) -> Any:
        """The JSON of a payload. Raises TypeError when a field has the wrong type at run time."""
        try:
            return self.to_dict(data)
        except AssertionError as err:  # quicktype's converters check types with assert
            raise TypeError(f"payload does not match {self.name}'s input model: {data!r}") from err

    def result(self, raw: Any) -> R:
        """The result model of a finished job's raw result (extra fields are ignored)."""
        return self.from_dict(raw)


class JobHandle(Generic[I, R]):
    """One job on a :class:`~jobq_client.JobqClient`; every method may raise ``JobqApiError``."""

    def __init__(self, client: "JobqClient", spec: JobSpec[I, R]) -> None:
        self.spec = spec
        self._client = client

    def enqueue(self, data: I, options: Optional[Options] = None) -> EnqueuedJob:
        """Enqueues one job (202; with ``job_id`` used before: that job, ``created`` False)."""
        return self._client.enqueue(self.spec.name, self.spec.payload(data), options)

    def enqueue_many(self, items: Sequence[I], options: Optional[Options] = None) -> BulkEnqueued:
        """Enqueues every payload, all or none (a 400 names the bad item: ``items.3.data.ms``)."""
        return self._client.enqueue_many(self.spec.name, [self.spec.payload(i) for i in items], options)

    def enqueue_count(self, count: int, data: I, options: Optional[Options] = None) -> BulkEnqueued:
        """Enqueues ``count`` jobs of one payload, all or none."""
        return self._client.enqueue_count(self.spec.name, count, self.spec.payload(data), options)

    def wait(
        self, job: JobRef, *, timeout: float = 60.0, poll_interval: float = 0.5, stream: bool = True
    ) -> R:
        """The job's result model; see :meth:`JobqClient.wait` for the errors raised."""
        raw = self._client.wait(job, timeout=timeout, poll_interval=poll_interval, stream=stream)
        return self.spec.result(raw)

    def run(self, data: I, options: Optional[Options] = None, *, timeout: float = 60.0) -> R:
        """Enqueues and waits: the result model, or JobFailedError / JobWaitTimeoutError."""
        return self.wait(self.enqueue(data, options), timeout=timeout)


class AsyncJobHandle(Generic[I, R]):
    """One job on an :class:`~jobq_client.AsyncJobqClient`: :class:`JobHandle`, awaitable."""

    def __init__(self, client: "AsyncJobqClient", spec: JobSpec[I, R]) -> None:
        self.spec = spec
        self._client = client

    async def enqueue(self, data: I, options: Optional[Options] = None) -> EnqueuedJob:
        return await self._client.enqueue(self.spec.name, self.spec.payload(data), options)

    async def enqueue_many(self, items: Sequence[I], options: Optional[Options] = None) -> BulkEnqueued:
        payloads = [self.spec.payload(i) for i in items]
        return await self._client.enqueue_many(self.spec.name, payloads, options)

    async def enqueue_count(self, count: int, data: I, options: Optional[Options] = None) -> BulkEnqueued:
        return await self._client.enqueue_count(self.spec.name, count, self.spec.payload(data), options)

    async def wait(
        self, job: JobRef, *, timeout: float = 60.0, poll_interval: float = 0.5, stream: bool = True
    ) -> R:
        raw = await self._client.wait(job, timeout=timeout, poll_interval=poll_interval, stream=stream)
        return self.spec.result(raw)

    async def run(self, data: I, options: Optional[Options] = None, *, timeout: float = 60.0) -> R:
        return await self.wait(await self.enqueue(data, options), timeout=timeout)
