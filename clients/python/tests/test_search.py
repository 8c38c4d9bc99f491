"""Search (``GET /v1/jobs``) from Python, sync and async, against the live stack (stack.py)."""
from __future__ import annotations

import unittest
import uuid
from typing import List

from jobq_client import AsyncJobqClient, JobqClient, JobqNotFoundError, JobqValidationError, SearchPage
from jobq_client.models import DemoOrderInput

from .stack import shared_stack


def orders(jobq: JobqClient, customer: str, count: int) -> List[str]:
    """Enqueues ``count`` demo.order jobs of ``customer`` (regions eu, us, eu, ...); their ids."""
    items = [DemoOrderInput(customer_id=customer, region=("eu", "us")[n % 2], amount=float(n + 1)) for n in range(count)]
    return jobq.jobs.demo_order.enqueue_many(items).ids


class SearchTest(unittest.TestCase):
    def setUp(self) -> None:
        self.jobq = JobqClient(shared_stack().url)
        self.addCleanup(self.jobq.close)
        # A customer no other test uses: the shared stack keeps every test's jobs.
        self.customer = f"c-{uuid.uuid4().hex[:12]}"

    def test_pages_follow_the_cursor_to_exactly_the_customers_jobs(self) -> None:
        mine = orders(self.jobq, self.customer, 5)
        orders(self.jobq, f"{self.customer}-other", 3)
        first = self.jobq.search("demo.order", {"customerId": self.customer}, limit=2)
        self.assertIsInstance(first, SearchPage)
        self.assertEqual(len(first.jobs), 2)
        self.assertIsNotNone(first.next_cursor)
        found = [job.id for job in self.jobq.search_all("demo.order", {"customerId": self.customer}, limit=2)]
        self.assertEqual(sorted(found), sorted(mine))
        self.assertEqual(len(set(found)), 5)
        job = self.jobq.search("demo.order", {"customerId": self.customer.upper()}, limit=1).jobs[0]
        self.assertEqual((job.name, job.queue), ("demo.order", "default"))
        self.assertEqual(job.data["customerId"], self.customer)

    def test_filters_by_a_second_field_queue_and_state(self) -> None:
        mine = orders(self.jobq, self.customer, 4)
        in_us = self.jobq.search_all("demo.order", {"customerId": self.customer, "region": "us"}, queue="default")
        self.assertEqual(sorted(job.id for job in in_us), sorted([mine[1], mine[3]]))
        # The stack's worker completes demo.order jobs; none of them is delayed.
        delayed = self.jobq.search("demo.order", {"customerId": self.customer}, state="delayed")
        self.assertEqual((delayed.jobs, delayed.next_cursor), ([], None))

    def test_refuses_a_bad_search_with_the_api_problem(self) -> None:
        with self.assertRaises(JobqValidationError) as caught:
            self.jobq.search("demo.order", {"amount": "1"})
        self.assertEqual([i.path for i in caught.exception.problem.errors], ["amount"])
        with self.assertRaises(JobqValidationError) as wrong_queue:
            self.jobq.search("demo.order", {"customerId": "c1"}, queue="reports")
        self.assertIn('not on queue "reports"', str(wrong_queue.exception))
        with self.assertRaises(JobqNotFoundError):
            self.jobq.search("demo.order", {"customerId": "c1"}, queue="nope")
        with self.assertRaises(JobqNotFoundError):
            self.jobq.search("demo.nope", {"customerId": "c1"})
        with self.assertRaises(ValueError):
            self.jobq.search("demo.order", {"state": "failed"})


class AsyncSearchTest(unittest.IsolatedAsyncioTestCase):
    async def test_search_all_walks_every_page(self) -> None:
        customer = f"c-{uuid.uuid4().hex[:12]}"
        with JobqClient(shared_stack().url) as sync:
            mine = orders(sync, customer, 3)
        async with AsyncJobqClient(shared_stack().url) as jobq:
            page = await jobq.search("demo.order", {"customerId": customer}, limit=1)
            self.assertEqual(len(page.jobs), 1)
            found = [job.id async for job in jobq.search_all("demo.order", {"customerId": customer}, limit=1)]
        self.assertEqual(sorted(found), sorted(mine))
