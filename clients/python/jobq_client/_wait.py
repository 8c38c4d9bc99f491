"""The bookkeeping of ``wait()``, shared by the sync and async clients (which only do the I/O)."""
from __future__ import annotations

import time
from typing import Any

from .errors import JobFailedError, JobWaitTimeoutError
from .views import JobEvent, JobView

PENDING: Any = object()
"""Returned while the job has not finished (a result may legitimately be None)."""

# The producer writes a keepalive comment every 15 s: a stream silent for twice that is dead.
STREAM_SILENCE_S = 30.0
# A stream that ends without one event, this many times in a row, is not a stream (a proxy
# that answers and closes): the waiter polls instead of reconnecting forever.
EMPTY_STREAMS_BEFORE_POLLING = 3


class Waiter:
    """Deadline, outcome and fallback decisions of one ``wait(job_id, timeout, poll_interval)``."""

    def __init__(self, job_id: str, timeout: float, poll_interval: float) -> None:
        if timeout <= 0 or poll_interval <= 0:
            raise ValueError("timeout and poll_interval must be positive (seconds)")
        self.job_id = job_id
        self.timeout = timeout
        self.poll_interval = poll_interval
        self._deadline = time.monotonic() + timeout
        self._empty_streams = 0

    def remaining(self) -> float:
        return self._deadline - time.monotonic()

    def read_timeout(self) -> float:
        """How long one read of the stream may block: never past the deadline."""
        return max(0.001, min(self.remaining(), STREAM_SILENCE_S))

    def next_pause(self) -> float:
        return max(0.0, min(self.poll_interval, self.remaining()))

    def timeout_error(self) -> JobWaitTimeoutError:
        return JobWaitTimeoutError(self.job_id, self.timeout)

    def on_event(self, event: JobEvent) -> Any:
        """The result on ``completed``; raises on ``failed``; PENDING otherwise."""
        if event.type == "completed":
            return event.result
        if event.type == "failed":
            raise JobFailedError(self.job_id, event.reason)
        return PENDING

    def on_view(self, view: JobView) -> Any:
        """The result of a completed job; raises for a failed one; PENDING otherwise."""
        if view.state == "completed":
            return view.result
        if view.state == "failed":
            raise JobFailedError(self.job_id, view.failed_reason or "")
        return PENDING

    def give_up_streaming(self, saw_events: bool) -> bool:
        """Called when a stream ended before the job did: True means poll from now on."""
        self._empty_streams = 0 if saw_events else self._empty_streams + 1
        return self._empty_streams >= EMPTY_STREAMS_BEFORE_POLLING
