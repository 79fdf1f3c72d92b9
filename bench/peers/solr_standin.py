"""A stand-in for Solr, just enough for CKAN to start and write datasets (no Solr can be installed here).

It answers CKAN's schema-version check with a ``ckan-2.12`` schema, accepts every ``/update`` (and so
discards what CKAN indexes) and answers every ``/select`` with no results. Catalogue search therefore
cannot be measured against it; dataset writes, ``package_show`` and ckanext-dcat's per-dataset RDF can.

    python solr_standin.py PORT          # listens on 127.0.0.1:PORT only; prints "ready" when listening
"""

from __future__ import annotations

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCHEMA = b'<?xml version="1.0" encoding="UTF-8"?>\n<schema name="ckan-2.12" version="1.6"></schema>\n'
EMPTY = {"responseHeader": {"status": 0, "QTime": 0}, "response": {"numFound": 0, "start": 0, "docs": []}}
OK = {"responseHeader": {"status": 0, "QTime": 0}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real Solr (Jetty) offers

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = self.path.split("?", 1)[0].rstrip("/")
        if path.endswith("/schema") or path.endswith("/admin/file"):
            self._send(SCHEMA, "application/xml; charset=utf-8")
        elif path.endswith("/select"):
            self._send(json.dumps(EMPTY).encode(), "application/json; charset=utf-8")
        else:  # /update, /update/json, commits, deletes, pings
            self._send(json.dumps(OK).encode(), "application/json; charset=utf-8")

    do_GET = _answer
    do_POST = _answer

    def log_message(self, format: str, *args: object) -> None:  # quiet: no access log
        pass


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8983
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print("ready", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
