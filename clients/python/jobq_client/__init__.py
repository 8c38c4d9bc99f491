"""jobq's Python client: enqueue and follow typed jobq jobs from Python.

    from jobq_client import JobqClient
    from jobq_client.models import DemoSleepInput

    with JobqClient("http://localhost:3000", token=None) as jobq:
        job = jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=500, message="hi"))
        result = jobq.jobs.demo_sleep.wait(job, timeout=30)   # DemoSleepResult

``models`` and ``jobs`` are generated from the registry's OpenAPI document (``pnpm
generate:python``); the rest is written by hand. ``AsyncJobqClient`` is the asyncio twin.
"""
from .aio import AsyncJobqClient
from .client import JobqClient
from .errors import (
    JobFailedError,
    JobqApiError,
    JobqAuthError,
    JobqConflictError,
    JobqError,
    JobqNotFoundError,
    JobqValidationError,
    JobWaitTimeoutError,
    Problem,
    ProblemIssue,
)
from .handles import AsyncJobHandle, JobHandle, JobSpec
from .models import EnqueueOptions
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

__all__ = [
    "AsyncJobHandle",
    "AsyncJobqClient",
    "BulkEnqueued",
    "BulkOperation",
    "CancelOutcome",
    "EnqueueOptions",
    "EnqueuedJob",
    "JobEvent",
    "JobFailedError",
    "JobHandle",
    "JobSpec",
    "JobView",
    "JobWaitTimeoutError",
    "JobqApiError",
    "JobqAuthError",
    "JobqClient",
    "JobqConflictError",
    "JobqError",
    "JobqNotFoundError",
    "JobqValidationError",
    "Problem",
    "ProblemIssue",
    "RetryOutcome",
    "SearchPage",
]
__version__ = "0.1.0"
