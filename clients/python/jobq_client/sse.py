"""A line-by-line ``text/event-stream`` parser (the WHATWG rules jobq's stream uses).

Sync and async clients feed it the lines httpx yields; it answers a :class:`JobEvent` at each
blank line that ends an event. Comments (``: keepalive``) and ids are skipped.
"""
from __future__ import annotations

import json
from typing import List, Optional

from .views import JobEvent


class SseParser:
    """Collects ``event:``/``data:`` fields until a blank line dispatches them."""

    def __init__(self) -> None:
        self._event = "message"
        self._data: List[str] = []

    def feed(self, line: str) -> Optional[JobEvent]:
        """Takes one line (its line ending, if any, is dropped); returns the event it completes."""
        # httpx before 0.24 (Debian 12 has 0.23) yields lines with their endings, later ones without.
        line = line.rstrip("\r\n")
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        return None

    def _dispatch(self) -> Optional[JobEvent]:
        event, data = self._event, "\n".join(self._data)
        self._event, self._data = "message", []
        if not data:
            return None
        parsed = json.loads(data)
        return JobEvent(event, parsed if isinstance(parsed, dict) else {"value": parsed})
