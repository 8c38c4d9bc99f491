"""What the seeds' RQ workers run: a no-op task (the same work as the jobq and BullMQ no-op jobs)."""


def noop(n):
    return {}
