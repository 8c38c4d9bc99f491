"""The sync client against a live producer + worker (see stack.py): every call for real."""
from __future__ import annotations

import unittest
import uuid
from typing import List

import httpx

from jobq_client import (
    EnqueueOptions,
    JobFailedError,
    JobqAuthError,
    JobqClient,
    JobqConflictError,
    JobqNotFoundError,
    JobqValidationError,
    JobWaitTimeoutError,
)
from jobq_client.models import DemoRowsInput, DemoSleepInput, DemoSleepResult, ReportsSummarizeInput

from .sse_blocking_proxy import SseBlockingProxy
from .stack import shared_stack


def recording_client(url: str, seen: List[str], token: str = "") -> JobqClient:
    """A client whose httpx.Client notes every request's method and path (nothing else changes)."""
    hook = lambda request: seen.append(f"{request.method} {request.url.path}")  # noqa: E731
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return JobqClient(url, http=httpx.Client(base_url=url, headers=headers, event_hooks={"request": [hook]}))


class EnqueueTest(unittest.TestCase):
    def setUp(self) -> None:
        self.jobq = JobqClient(shared_stack().url)
        self.addCleanup(self.jobq.close)

    def test_typed_enqueue_sends_the_model_and_fills_defaults(self) -> None:
        job = self.jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=10))
        self.assertEqual((job.name, job.queue, job.created), ("demo.sleep", "default", True))
        # `message` was left out (None): the producer applied the schema's default.
        self.assertEqual(self.jobq.get(job).data, {"ms": 10, "message": ""})

    def test_a_schema_error_is_an_exception_naming_the_field(self) -> None:
        with self.assertRaises(JobqValidationError) as caught:
            self.jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=-5))
        problem = caught.exception.problem
        self.assertEqual((problem.status, problem.type), (400, "/problems/validation"))
        self.assertEqual([i.path for i in problem.errors], ["data.ms"])
        self.assertIn("data.ms", str(caught.exception))

    def test_a_raw_payload_of_the_wrong_type_is_refused_by_the_api(self) -> None:
        with self.assertRaises(JobqValidationError) as caught:
            self.jobq.enqueue("reports.summarize", {"title": "t", "values": "1,2"})
        self.assertEqual([i.path for i in caught.exception.problem.errors], ["data.values"])

    def test_a_model_with_a_wrong_field_type_fails_before_any_request(self) -> None:
        with self.assertRaises(TypeError):
            self.jobq.jobs.reports_summarize.enqueue(ReportsSummarizeInput(title="t", values="1,2"))  # type: ignore[arg-type]

    def test_a_job_id_is_an_idempotency_key(self) -> None:
        key = f"order-{uuid.uuid4()}"
        first = self.jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=1), EnqueueOptions(job_id=key))
        again = self.jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=1), {"jobId": key})
        self.assertEqual((again.id, first.created, again.created), (first.id, True, False))

    def test_an_unknown_job_is_not_found_with_its_problem(self) -> None:
        with self.assertRaises(JobqNotFoundError) as caught:
            self.jobq.get(str(uuid.uuid4()))
        self.assertEqual(caught.exception.problem.status, 404)
        with self.assertRaises(JobqNotFoundError):  # the stream's 404 is final: no polling
            self.jobq.wait(str(uuid.uuid4()), timeout=5)


class WaitTest(unittest.TestCase):
    def test_wait_follows_the_event_stream(self) -> None:
        seen: List[str] = []
        with recording_client(shared_stack().url, seen) as jobq:
            job = jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=1200, message="hi"))
            result = jobq.jobs.demo_sleep.wait(job, timeout=30)
        self.assertEqual(result, DemoSleepResult(message="hi", slept_ms=1200))
        # One stream, no polling: the result came as a `completed` event.
        self.assertEqual(seen, ["POST /v1/jobs/demo.sleep", f"GET /v1/jobs/{job.id}/events"])

    def test_events_report_progress_then_completion(self) -> None:
        with JobqClient(shared_stack().url) as jobq:
            job = jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=1000))
            types = [event.type for event in jobq.events(job)]
        self.assertEqual(types[0], "state")
        self.assertIn("progress", types)
        self.assertEqual(types[-1], "completed")

    def test_wait_polls_where_a_proxy_does_not_pass_the_stream(self) -> None:
        proxy = SseBlockingProxy(shared_stack().url)
        self.addCleanup(proxy.close)
        with JobqClient(proxy.url) as jobq:
            job = jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=300, message="polled"))
            result = jobq.jobs.demo_sleep.wait(job, timeout=30, poll_interval=0.1)
        self.assertEqual(result.message, "polled")
        self.assertEqual(proxy.paths[1], f"GET /v1/jobs/{job.id}/events")  # tried once, 502
        self.assertGreaterEqual(proxy.paths.count(f"GET /v1/jobs/{job.id}"), 1)
        self.assertEqual(proxy.paths.count(f"GET /v1/jobs/{job.id}/events"), 1)

    def test_wait_gives_up_after_its_timeout(self) -> None:
        with JobqClient(shared_stack().url) as jobq:
            job = jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=1), EnqueueOptions(delay=60_000))
            with self.assertRaises(JobWaitTimeoutError):
                jobq.wait(job, timeout=0.5)
            self.assertEqual(jobq.get(job).state, "delayed")  # the job itself goes on
            jobq.cancel(job)


class BulkTest(unittest.TestCase):
    def setUp(self) -> None:
        self.jobq = JobqClient(shared_stack().url)
        self.addCleanup(self.jobq.close)

    def test_many_payloads_each_get_their_job(self) -> None:
        payloads = [DemoSleepInput(ms=1, message=f"m{i}") for i in range(3)]
        bulk = self.jobq.jobs.demo_sleep.enqueue_many(payloads)
        self.assertEqual(len(set(bulk.ids)), 3)
        messages = [self.jobq.jobs.demo_sleep.wait(i, timeout=30).message for i in bulk.ids]
        self.assertEqual(messages, ["m0", "m1", "m2"])

    def test_count_enqueues_n_jobs_of_one_payload(self) -> None:
        bulk = self.jobq.jobs.demo_echo.enqueue_count(5, {"n": 1})
        self.assertEqual(len(set(bulk.ids)), 5)
        self.assertEqual(self.jobq.jobs.demo_echo.wait(bulk.ids[-1], timeout=30).echo, {"n": 1})

    def test_a_bad_item_names_its_index_and_nothing_is_enqueued(self) -> None:
        marker = f"bulk-{uuid.uuid4()}"
        items = [DemoSleepInput(ms=1, message=marker), DemoSleepInput(ms=-1, message=marker)]
        with self.assertRaises(JobqValidationError) as caught:
            self.jobq.jobs.demo_sleep.enqueue_many(items, EnqueueOptions(delay=60_000))
        self.assertEqual([i.path for i in caught.exception.problem.errors], ["items.1.data.ms"])
        delayed = self.jobq.list_jobs("default", state="delayed", limit=1000)
        self.assertNotIn(marker, [(j.data or {}).get("message") for j in delayed])

    def test_a_fan_out_job_answers_every_row_like_a_chord(self) -> None:
        rows = [{"a": 1}, {"poison": True}, {"b": [1, 2]}]
        result = self.jobq.jobs.demo_rows.run(DemoRowsInput(rows=rows), timeout=60)
        self.assertEqual(result.processed, 2)
        self.assertEqual([f.index for f in result.failed], [1])


class CancelRetryTest(unittest.TestCase):
    def setUp(self) -> None:
        self.jobq = JobqClient(shared_stack().url)
        self.addCleanup(self.jobq.close)

    def test_cancel_removes_a_job_that_has_not_started(self) -> None:
        job = self.jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=1), EnqueueOptions(delay=60_000))
        self.assertEqual(self.jobq.cancel(job).outcome, "removed")
        with self.assertRaises(JobqNotFoundError):
            self.jobq.get(job)

    def test_cancel_aborts_a_running_job_which_then_fails_and_can_be_retried(self) -> None:
        job = self.jobq.jobs.demo_sleep.enqueue(DemoSleepInput(ms=10_000, message="long"))
        for event in self.jobq.events(job):  # the first progress event: it is running
            if event.type == "progress":
                break
        self.assertEqual(self.jobq.cancel(job).outcome, "cancelling")
        with self.assertRaises(JobFailedError) as caught:
            self.jobq.wait(job, timeout=30)
        self.assertIn("cancel", caught.exception.reason)
        self.assertEqual(self.jobq.retry(job).state, "waiting")
        self.assertIn(self.jobq.get(job).state, ("waiting", "active"))
        self.jobq.cancel(job)  # do not keep a worker slot busy for 10 s

    def test_retry_of_a_job_that_has_not_failed_is_a_conflict(self) -> None:
        job = self.jobq.jobs.demo_echo.enqueue("x")
        self.jobq.wait(job, timeout=30)
        with self.assertRaises(JobqConflictError) as caught:
            self.jobq.retry(job)
        self.assertEqual(caught.exception.status, 409)


class AuthTest(unittest.TestCase):
    def test_no_token_is_refused_with_the_problem(self) -> None:
        with JobqClient(shared_stack().auth_url) as jobq, self.assertRaises(JobqAuthError) as caught:
            jobq.jobs.demo_echo.enqueue(1)
        self.assertEqual((caught.exception.status, caught.exception.problem.status), (401, 401))

    def test_a_wrong_token_is_refused(self) -> None:
        with JobqClient(shared_stack().auth_url, token="wrong-token-0123456789") as jobq:
            with self.assertRaises(JobqAuthError):
                jobq.get(str(uuid.uuid4()))

    def test_the_right_token_enqueues_and_waits(self) -> None:
        stack = shared_stack()
        with JobqClient(stack.auth_url, token=stack.token) as jobq:
            self.assertEqual(jobq.jobs.demo_echo.run([1, 2], timeout=30).echo, [1, 2])


if __name__ == "__main__":
    unittest.main()
