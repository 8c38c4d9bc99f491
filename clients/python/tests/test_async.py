"""The asyncio client against the live stack: the same calls, awaited."""
from __future__ import annotations

import asyncio
import unittest
import uuid

from jobq_client import AsyncJobqClient, EnqueueOptions, JobFailedError, JobqAuthError, JobqValidationError
from jobq_client.models import DemoSleepInput, DemoSleepResult

from .sse_blocking_proxy import SseBlockingProxy
from .stack import shared_stack


class AsyncClientTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self) -> None:
        self.jobq = AsyncJobqClient(shared_stack().url)

    async def asyncTearDown(self) -> None:
        await self.jobq.aclose()

    async def test_typed_enqueue_and_wait_through_the_stream(self) -> None:
        job = await self.jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=50, message="async"))
        result = await self.jobq.jobs.demo_sleep.wait(job, timeout=30)
        self.assertEqual(result, DemoSleepResult(message="async", slept_ms=50))
        self.assertEqual([e.type async for e in self.jobq.events(job)], ["state", "completed"])

    async def test_many_waits_run_concurrently(self) -> None:
        bulk = await self.jobq.jobs.demo_sleep.enqueue_many(
            [DemoSleepInput(ms=200, message=str(i)) for i in range(4)]
        )
        results = await asyncio.gather(*(self.jobq.jobs.demo_sleep.wait(i, timeout=30) for i in bulk.ids))
        self.assertEqual([r.message for r in results], ["0", "1", "2", "3"])

    async def test_wait_polls_where_the_stream_is_blocked(self) -> None:
        proxy = SseBlockingProxy(shared_stack().url)
        self.addCleanup(proxy.close)
        async with AsyncJobqClient(proxy.url) as jobq:
            job = await jobq.jobs.demo_echo.enqueue({"via": "poll"})
            result = await jobq.jobs.demo_echo.wait(job, timeout=30, poll_interval=0.1)
        self.assertEqual(result.echo, {"via": "poll"})
        self.assertIn(f"GET /v1/jobs/{job.id}", proxy.paths)

    async def test_schema_error_and_cancel(self) -> None:
        with self.assertRaises(JobqValidationError) as caught:
            await self.jobq.enqueue("demo.sleep", {"ms": "soon"})
        self.assertEqual(caught.exception.problem.errors[0].path, "data.ms")
        job = await self.jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=1), EnqueueOptions(delay=60_000))
        self.assertEqual((await self.jobq.cancel(job)).outcome, "removed")

    async def test_a_cancelled_running_job_fails_the_wait(self) -> None:
        job = await self.jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=10_000))
        async for event in self.jobq.events(job):
            if event.type == "progress":
                break
        await self.jobq.cancel(job)
        with self.assertRaises(JobFailedError):
            await self.jobq.wait(job, timeout=30)

    async def test_auth_failure(self) -> None:
        async with AsyncJobqClient(
            shared_stack().auth_url, token="not-the-token-" + uuid.uuid4().hex
        ) as jobq:
            with self.assertRaises(JobqAuthError) as caught:
                await jobq.jobs.demo_echo.enqueue(1)
        self.assertEqual(caught.exception.problem.status, 401)


if __name__ == "__main__":
    unittest.main()
