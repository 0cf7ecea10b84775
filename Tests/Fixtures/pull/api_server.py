#!/usr/bin/env python3
"""A paginated product API on 127.0.0.1 for the pull tests; standard library only.

Prints its port on the first line of stdout and serves until stdin closes, so it ends with
the test process that started it. Every request needs `Authorization: Bearer $API_TOKEN`.
With `--tls CERT KEY` it speaks HTTPS only.

Paths (each serves the same 23 products, ids p01..p23, in order):
  /page?page=N&per_page=S          page numbers
  /offset?offset=O&limit=L          offset and limit
  /cursor?cursor=C                  opaque cursor in meta.next_cursor (pages of 10)
  /next?after=N                     relative next link in links.next (pages of 10)
  /link?page=N                      next page in the `Link: <…>; rel="next"` header (pages of 10)
  /hasmore?page=N                   pages of 5 and a has_more flag; the page size says nothing
Prefixes that inject faults:
  /flaky/page?...                   page 2 fails, in turn: 429 (Retry-After: 1), 500, a
                                    timeout (3 s of silence), a body cut short of its
                                    Content-Length, and a complete body that is not JSON;
                                    the sixth request for page 2 succeeds
  /broken/page?...                  page 2 always answers 500
  /loop/cursor                      the next cursor never changes
  /elsewhere/next                   the next link points to another host
  /changes/page?...&updated_since=T a source that changes: only its products updated at or
                                    after T (any ISO 8601 time), as /admin/change leaves them
/log lists the requests served so far (path and query), as JSON. Requests that steer the
server are not logged:
  /admin/change?id=I&amount=A&at=T  /changes' product I (added when new) costs A, updated at T
  /admin/fail?page=N&count=C&how=H  the next C requests for page N of /changes fail: H is 500,
                                    or drop (the connection closes before any answer)
"""
import json
import os
import socket
import ssl
import sys
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PRODUCTS = [
    {"id": f"p{n:02d}", "name": f"Product {n}", "type": "bill-payment" if n % 2 else "airtime",
     "price": {"amount": f"{n}.50", "currency": "ZAR"}, "pinned": n % 3 == 0,
     "updatedAt": f"2026-11-{(n % 28) + 1:02d}T08:00:00+02:00"}
    for n in range(1, 24)
]
TOKEN = os.environ["API_TOKEN"]
LOG = []
LOCK = threading.Lock()
FLAKY_ATTEMPTS = {}
CHANGING = [dict(product) for product in PRODUCTS]
FAILURES = {}  # page number of /changes -> (how, requests left to fail)


def moment(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send_json(self, status, payload, headers=()):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/log":
            with LOCK:
                return self.send_json(200, list(LOG))
        if url.path.startswith("/admin/"):
            return self.admin(url.path, query)
        with LOCK:
            LOG.append({"path": url.path, "query": url.query})
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self.send_json(401, {"error": "missing or wrong bearer token"})
        prefix, _, style = url.path.strip("/").rpartition("/")
        page = int(query.get("page", "1"))
        if prefix == "flaky" and page == 2 and self.fault(url.query):
            return
        if prefix == "broken" and page == 2:
            return self.send_json(500, {"error": "database unavailable"})
        if prefix == "changes" and self.injected(page):
            return
        getattr(self, "serve_" + style)(query, prefix)

    def fault(self, key):
        with LOCK:
            attempt = FLAKY_ATTEMPTS[key] = FLAKY_ATTEMPTS.get(key, 0) + 1
        if attempt == 1:
            self.send_json(429, {"error": "slow down"}, [("Retry-After", "1")])
        elif attempt == 2:
            self.send_json(500, {"error": "internal"})
        elif attempt == 3:
            time.sleep(3)
            try:
                self.send_json(200, {"data": {"products": []}})
            except OSError:
                pass
        elif attempt == 4:
            self.send_response(200)
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b'{"data": {"products": [{"id": "p1')
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        elif attempt == 5:
            body = b'{"data": {"products": [{"id": '
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            return False
        return True

    def admin(self, path, query):
        with LOCK:
            if path == "/admin/change":
                product = next((p for p in CHANGING if p["id"] == query["id"]), None)
                if product is None:
                    product = {"id": query["id"], "name": f"Product {query['id']}", "type": "airtime",
                               "price": {"currency": "ZAR"}, "pinned": False}
                    CHANGING.append(product)
                product["price"] = dict(product["price"], amount=query["amount"])
                product["updatedAt"] = query["at"]
            elif path == "/admin/fail":
                FAILURES[int(query["page"])] = (query["how"], int(query["count"]))
            else:
                return self.send_json(404, {"error": "no such admin path"})
        self.send_json(200, {"ok": True})

    def injected(self, page):
        with LOCK:
            how, left = FAILURES.get(page, ("", 0))
            if left == 0:
                return False
            FAILURES[page] = (how, left - 1)
        if how == "drop":
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
        else:
            self.send_json(500, {"error": "injected failure"})
        return True

    def products(self, query, prefix):
        if prefix != "changes":
            return PRODUCTS
        with LOCK:
            since = query.get("updated_since")
            return [p for p in CHANGING if since is None or moment(p["updatedAt"]) >= moment(since)]

    def serve_page(self, query, prefix):
        page, size = int(query.get("page", "1")), int(query.get("per_page", "10"))
        self.send_json(200, {"data": {"products": self.products(query, prefix)[(page - 1) * size: page * size]}})

    def serve_offset(self, query, prefix):
        offset, limit = int(query.get("offset", "0")), int(query.get("limit", "10"))
        self.send_json(200, {"data": {"products": PRODUCTS[offset: offset + limit]}, "total": len(PRODUCTS)})

    def serve_cursor(self, query, prefix):
        start = int(query.get("cursor", "c0")[1:])
        following = start + 10 if start + 10 < len(PRODUCTS) else None
        if prefix == "loop":
            following = 5
        self.send_json(200, {"data": {"products": PRODUCTS[start: start + 10]},
                             "meta": {"next_cursor": None if following is None else f"c{following}"}})

    def serve_next(self, query, prefix):
        start = int(query.get("after", "0"))
        link = f"/{prefix + '/' if prefix else ''}next?after={start + 10}" if start + 10 < len(PRODUCTS) else None
        if prefix == "elsewhere":
            link = "http://example.invalid/next?after=10"
        self.send_json(200, {"data": {"products": PRODUCTS[start: start + 10]}, "links": {"next": link}})

    def serve_link(self, query, prefix):
        page = int(query.get("page", "1"))
        headers = []
        if page * 10 < len(PRODUCTS):
            port = self.server.server_address[1]
            headers.append(("Link", f'<http://127.0.0.1:{port}/link?page={page + 1}>; rel="next", '
                                    f'<http://127.0.0.1:{port}/link?page=1>; rel="first"'))
        self.send_json(200, {"data": {"products": PRODUCTS[(page - 1) * 10: page * 10]}}, headers)

    def serve_hasmore(self, query, prefix):
        page = int(query.get("page", "1"))
        self.send_json(200, {"data": {"products": PRODUCTS[(page - 1) * 5: page * 5]}, "has_more": page * 5 < len(PRODUCTS)})


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that refuses the certificate is what the TLS test expects


def main():
    server = Server(("127.0.0.1", 0), Handler)
    if sys.argv[1:2] == ["--tls"]:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
