"""Checked by mypy, never run (test_typing.py): the typed API as a user writes it.

Each line marked ``# type: ignore[code]`` must be an error of that code; test_typing.py checks
that mypy reports each one once the marks are removed, and that everything else type-checks.
"""
from __future__ import annotations

from jobq_client import AsyncJobqClient, EnqueuedJob, EnqueueOptions, JobqClient
from jobq_client.models import DemoSleepInput, DemoSleepResult, ReportsSummarizeInput, ReportsSummarizeResult


def sync_usage(jobq: JobqClient) -> DemoSleepResult:
    job: EnqueuedJob = jobq.jobs.demo_sleep.enqueue(
        DemoSleepInput(ms=500, message="hi"), EnqueueOptions(delay=10)
    )
    jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms="soon"))  # type: ignore[arg-type]
    jobq.jobs.demo_sleep.enqueue(ReportsSummarizeInput(title="t", values=[1.0]))  # type: ignore[arg-type]
    jobq.jobs.demo_sleep.enqueue_many([DemoSleepInput(ms=1), DemoSleepInput(ms=2)])
    jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=1), EnqueueOptions(delay="1s"))  # type: ignore[arg-type]
    summary: ReportsSummarizeResult = jobq.jobs.reports_summarize.wait(job)
    wrong: ReportsSummarizeResult = jobq.jobs.demo_sleep.wait(job)  # type: ignore[assignment]
    slept: int = jobq.jobs.demo_sleep.wait(job).message  # type: ignore[assignment]
    del summary, wrong, slept
    return jobq.jobs.demo_sleep.run(DemoSleepInput(ms=1), timeout=5)


async def async_usage(jobq: AsyncJobqClient) -> float:
    job = await jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=1))
    await jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=[1]))  # type: ignore[arg-type]
    result = await jobq.jobs.demo_sleep.wait(job)
    return result.slept_ms
