"""A reverse proxy that does not pass server-sent events, as some ingresses and corporate
proxies do: ``/events`` answers 502 with an HTML page, everything else is forwarded. It lets the
tests prove that ``wait()`` falls back to polling, against the real producer behind it.
"""
from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import List
from urllib.parse import urlsplit


class SseBlockingProxy:
    """``SseBlockingProxy(upstream)``: ``url`` to use instead; ``paths`` seen, in order."""

    def __init__(self, upstream: str) -> None:
        target = urlsplit(upstream)
        self.paths: List[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                proxy.paths.append(f"{self.command} {self.path.split('?')[0]}")
                if self.path.split("?")[0].endswith("/events"):
                    return self._answer(502, "text/html", b"<html><body>502 Bad Gateway</body></html>")
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                upstream_conn = http.client.HTTPConnection(
                    target.hostname or "127.0.0.1", target.port, timeout=30
                )
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                upstream_conn.request(self.command, self.path, body=body or None, headers=headers)
                res = upstream_conn.getresponse()
                self._answer(res.status, res.getheader("content-type") or "application/json", res.read())
                upstream_conn.close()

            def _answer(self, status: int, content_type: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = _forward

            def log_message(self, *_: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
