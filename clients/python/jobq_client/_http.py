"""What the sync and async clients share: URLs, headers, bodies and reading answers."""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Sequence, Union
from urllib.parse import quote

import httpx

from .errors import JobqApiError, Problem, api_error
from .models import EnqueueOptions

Options = Union[EnqueueOptions, Mapping[str, Any]]
"""Enqueue options: the generated model, or a plain dict in the API's own names (``jobId``)."""

USER_AGENT = "jobq-client-python/0.1"


def headers(token: Optional[str]) -> Dict[str, str]:
    """Headers of every request; the token goes as ``Authorization: Bearer``."""
    out = {"accept": "application/json", "user-agent": USER_AGENT}
    if token:
        out["authorization"] = f"Bearer {token}"
    return out


def job_path(job_id: str, suffix: str = "") -> str:
    """``/v1/jobs/<id><suffix>``, the id quoted (ids are UUIDs or caller keys)."""
    return f"/v1/jobs/{quote(job_id, safe='')}{suffix}"


def enqueue_path(name: str, bulk: bool = False) -> str:
    return f"/v1/jobs/{quote(name, safe='.-_')}" + ("/bulk" if bulk else "")


def options_dict(options: Optional[Options]) -> Optional[Dict[str, Any]]:
    if options is None:
        return None
    if isinstance(options, EnqueueOptions):
        return options.to_dict()
    return dict(options)


def envelope(data: Any, options: Optional[Options]) -> Dict[str, Any]:
    """An enqueue body ``{ data, options? }``."""
    body: Dict[str, Any] = {"data": data}
    opts = options_dict(options)
    if opts:
        body["options"] = opts
    return body


def bulk_body(datas: Sequence[Any], options: Optional[Options]) -> Dict[str, Any]:
    """``{ items: [{ data, options? }] }``: the same options for every item."""
    return {"items": [envelope(d, options) for d in datas]}


def count_body(count: int, data: Any, options: Optional[Options]) -> Dict[str, Any]:
    """``{ count, data, options? }``: ``count`` jobs of one payload (the seeds' ``/task?n=``)."""
    body = envelope(data, options)
    body["count"] = count
    return body


def search_params(
    name: Optional[str],
    fields: Optional[Mapping[str, str]],
    filters: Mapping[str, Optional[str]],
    cursor: Optional[str],
    limit: int,
) -> Dict[str, str]:
    """The query of ``GET /v1/jobs``: the job, its field filters, the fixed filters given.

    A field named like a fixed filter (``state``, ``queue``, ...) raises ValueError: the API
    would read it as that filter, not as the field.
    """
    fixed = {"name", "limit", "cursor", *filters}
    clash = sorted(set(fields or {}) & fixed)
    if clash:
        raise ValueError(f"search fields {clash} clash with the fixed filters of GET /v1/jobs")
    params: Dict[str, str] = {"limit": str(limit), **dict(fields or {})}
    if name is not None:
        params["name"] = name
    params.update({k: v for k, v in filters.items() if v is not None})
    if cursor is not None:
        params["cursor"] = cursor
    return params


def error_of(response: httpx.Response) -> JobqApiError:
    """The exception for an error answer (the body must have been read)."""
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    return api_error(Problem.from_body(response.status_code, response.reason_phrase, body))


def json_of(response: httpx.Response) -> Any:
    """The JSON of a 2xx answer; raises :class:`JobqApiError` for any other."""
    if response.is_success:
        return response.json()
    raise error_of(response)


def is_event_stream(response: httpx.Response) -> bool:
    return response.is_success and response.headers.get("content-type", "").startswith("text/event-stream")


def stream_is_unusable(response: httpx.Response) -> bool:
    """True when polling may work where the stream did not (a proxy without SSE, an old producer).

    Auth failures and unknown jobs are not: polling would answer the same.
    """
    return not is_event_stream(response) and response.status_code not in (400, 401, 403, 404)


def bulk_action_body(
    filter: Optional[Mapping[str, str]], ids: Optional[Sequence[str]], data: Any = None
) -> Dict[str, Any]:
    """The body of ``POST /v1/jobs/actions/{action}``: a filter or ids (exactly one), and data."""
    if (filter is None) == (ids is None):
        raise ValueError("give filter or ids (exactly one)")
    body: Dict[str, Any] = {"filter": dict(filter)} if filter is not None else {"ids": list(ids or [])}
    if data is not None:
        body["data"] = data
    return body
