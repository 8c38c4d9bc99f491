"""Dead letters and bulk actions from Python, sync and async, against the live stack (stack.py)."""
from __future__ import annotations

import time
import unittest
import uuid
from typing import Callable, List, TypeVar

from jobq_client import AsyncJobqClient, BulkOperation, JobqClient, JobqValidationError, SearchPage
from jobq_client.models import DemoOrderInput

from .stack import shared_stack

T = TypeVar("T")


def eventually(read: Callable[[], T], done: Callable[[T], bool], timeout: float = 20.0) -> T:
    """``read()`` again until ``done`` says yes; AssertionError with the last value after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still {value!r} after {timeout} s")
        time.sleep(0.05)


def failing_orders(jobq: JobqClient, customer: str, count: int) -> List[str]:
    """Enqueues ``count`` demo.order jobs with a negative amount: each fails for good at once."""
    items = [DemoOrderInput(customer_id=customer, region="eu", amount=-1.0 - n) for n in range(count)]
    return jobq.jobs.demo_order.enqueue_many(items).ids


class DeadLettersTest(unittest.TestCase):
    def setUp(self) -> None:
        self.jobq = JobqClient(shared_stack().url)
        self.addCleanup(self.jobq.close)
        self.customer = f"c-{uuid.uuid4().hex[:12]}"
        self.filter = {"name": "demo.order", "customerId": self.customer}

    def dead(self) -> SearchPage:
        return self.jobq.dead_letters("demo.order", {"customerId": self.customer})

    def test_lists_dead_letters_and_redrives_each_once_with_an_edited_payload(self) -> None:
        ids = failing_orders(self.jobq, self.customer, 3)
        page = eventually(self.dead, lambda p: len(p.jobs) == 3)
        self.assertEqual(sorted(job.id for job in page.jobs), sorted(ids))
        self.assertTrue(all("negative" in (job.failed_reason or "") for job in page.jobs))
        self.assertEqual(self.jobq.bulk_dry_run("redrive", filter=self.filter), 3)

        fixed = {"customerId": self.customer, "region": "eu", "amount": 5}
        started = self.jobq.bulk("redrive", filter=self.filter, data=fixed)
        self.assertIsInstance(started, BulkOperation)
        self.assertEqual((started.action, started.matched), ("redrive", 3))
        finished = self.jobq.wait_operation(started.id, timeout=20)
        self.assertEqual((finished.state, finished.done, finished.skipped), ("done", 3, 0))
        self.assertIsNotNone(finished.finished_at)

        completed = eventually(
            lambda: self.jobq.search("demo.order", {"customerId": self.customer}, state="completed"),
            lambda p: len(p.jobs) == 3,
        )
        self.assertEqual(sorted(job.id for job in completed.jobs), sorted(ids))
        self.assertTrue(all(job.data["amount"] == 5 for job in completed.jobs))
        self.assertEqual(self.dead().jobs, [])
        # Redriven once: the same filter now matches nothing.
        self.assertEqual(self.jobq.bulk_dry_run("redrive", filter=self.filter), 0)

    def test_an_invalid_edited_payload_is_refused_and_moves_nothing(self) -> None:
        failing_orders(self.jobq, self.customer, 2)
        eventually(self.dead, lambda p: len(p.jobs) == 2)
        with self.assertRaises(JobqValidationError):
            self.jobq.bulk("redrive", filter=self.filter, data={"customerId": self.customer, "amount": "x"})
        self.assertEqual(len(self.dead().jobs), 2)
        with self.assertRaises(ValueError):
            self.jobq.bulk("retry")  # neither filter nor ids


class AsyncDeadLettersTest(unittest.IsolatedAsyncioTestCase):
    async def test_lists_and_counts(self) -> None:
        customer = f"c-{uuid.uuid4().hex[:12]}"
        with JobqClient(shared_stack().url) as sync:
            ids = failing_orders(sync, customer, 2)
            eventually(lambda: sync.dead_letters("demo.order", {"customerId": customer}), lambda p: len(p.jobs) == 2)
        async with AsyncJobqClient(shared_stack().url) as jobq:
            page = await jobq.dead_letters("demo.order", {"customerId": customer})
            self.assertEqual(sorted(job.id for job in page.jobs), sorted(ids))
            matched = await jobq.bulk_dry_run("retry", filter={"name": "demo.order", "customerId": customer})
            self.assertEqual(matched, 2)
            operation = await jobq.bulk("remove", ids=ids)
            finished = await jobq.wait_operation(operation.id, timeout=20)
            self.assertEqual((finished.state, finished.done), ("done", 2))
            self.assertEqual((await jobq.dead_letters("demo.order", {"customerId": customer})).jobs, [])
