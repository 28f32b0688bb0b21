"""The measuring TAXII 2.1 client: the same requests, in the same order, against every server.

One client, one connection, one request at a time: ingest by POSTing envelopes and waiting for each status
resource to be complete (TAXII 2.1 sections 5.4 and 5.6), a full paged read that follows ``next`` (section 3.4),
and latency samples of filtered first pages (section 3.5).

HTTP is the standard library's ``http.client`` on one kept-alive connection: the lightest client there is, so that
the figures are the servers' and not the client's. (``httpx`` spent about 8 us of client CPU per object of a
1,000-object page, as much as the raw SQLite script spends reading and parsing one; ``http.client`` about 2.5 us,
most of it ``orjson.loads``, which the raw script pays too.)
"""

from __future__ import annotations

import http.client
import statistics
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from urllib.parse import urlencode, urlsplit

import orjson

from bench.timing import paused_gc

TAXII = "application/taxii+json;version=2.1"
_ID = itemgetter("id")
STATUS_POLL_LIMIT = 6000


@dataclass
class Endpoint:
    """A collection on one server, as the client addresses it."""

    name: str
    objects_url: str
    status_root: str | None
    headers: dict[str, str]
    max_content_length: int = 100 * 1024 * 1024
    # OpenTAXII 0.9.3 stores the envelope, then fails to serialise its status (a UUID) and answers 500.
    stored_despite_500: bool = False
    # Object types a server cannot store at all (left out of its ingest, and said so in the report).
    skip_types: tuple[str, ...] = ()

    def keeps(self, line: bytes) -> bool:
        """Whether to send this object; the generator writes ``type`` first, so no parsing is needed."""
        return not any(line.startswith(b'{"type":"%s"' % t.encode()) for t in self.skip_types)

    def client(self, timeout: float) -> Http:
        return Http(self.objects_url, {"Accept": TAXII, **self.headers}, timeout=timeout)


@dataclass
class Reply:
    status_code: int
    headers: dict[str, str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode(errors="replace")

    def raise_for_status(self) -> Reply:
        if self.status_code >= 400:
            raise RuntimeError(f"HTTP {self.status_code}: {self.text[:300]}")
        return self


class Http:
    """One kept-alive HTTP/1.1 connection to one server; reconnects once if the server closed it."""

    def __init__(self, base_url: str, headers: dict[str, str], *, timeout: float) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.headers, self.timeout = headers, timeout
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if params:
            target += ("&" if parts.query else "?") + urlencode(params)
        all_headers = {**self.headers, **(headers or {})}
        for attempt in (1, 2):
            try:
                self.conn.request(method, target, body=content, headers=all_headers)
                response = self.conn.getresponse()
                body = response.read()
                return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, url: str, params: dict[str, str] | None = None) -> Reply:
        return self.request("GET", url, params=params)

    def post(self, url: str, content: bytes, headers: dict[str, str]) -> Reply:
        return self.request("POST", url, content=content, headers=headers)


@dataclass
class IngestResult:
    sent: int = 0
    stored: int = 0
    refused: int = 0
    envelopes: int = 0
    seconds: float = 0.0
    complete: bool = True
    problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.stored / self.seconds if self.seconds else 0.0


@dataclass
class ReadResult:
    objects: int = 0
    unique: int = 0
    pages: int = 0
    seconds: float = 0.0
    complete: bool = True
    added_marks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.objects / self.seconds if self.seconds else 0.0


@dataclass
class LatencyResult:
    samples_ms: list[float] = field(default_factory=list)
    returned: list[int] = field(default_factory=list)
    planned: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples_ms) if self.samples_ms else None

    @property
    def p95(self) -> float | None:
        if len(self.samples_ms) < 2:
            return self.median
        return statistics.quantiles(self.samples_ms, n=20, method="inclusive")[18]


def envelopes(lines: Iterable[bytes], per_envelope: int, max_bytes: int) -> Iterator[tuple[int, bytes]]:
    """Envelopes of at most ``per_envelope`` objects and ``max_bytes`` bytes, built from raw lines unparsed."""
    batch: list[bytes] = []
    size = 16
    for line in lines:
        if batch and (len(batch) >= per_envelope or size + len(line) + 1 > max_bytes):
            yield len(batch), b'{"objects":[' + b",".join(batch) + b"]}"
            batch, size = [], 16
        batch.append(line)
        size += len(line) + 1
    if batch:
        yield len(batch), b'{"objects":[' + b",".join(batch) + b"]}"


def _final_status(client: Http, endpoint: Endpoint, status: dict[str, object]) -> dict[str, object]:
    """Poll the status resource until it is complete (TAXII 2.1 section 4.3), bounded."""
    delay = 0.005
    for _ in range(STATUS_POLL_LIMIT):
        if status.get("status") == "complete" or endpoint.status_root is None:
            return status
        time.sleep(delay)
        delay = min(delay * 2, 0.1)
        response = client.get(f"{endpoint.status_root}{status['id']}/")
        response.raise_for_status()
        status = orjson.loads(response.content)
    raise TimeoutError(f"status {status.get('id')} still {status.get('status')} after {STATUS_POLL_LIMIT} polls")


def ingest(endpoint: Endpoint, lines: Iterable[bytes], *, per_envelope: int, budget: float) -> IngestResult:
    """POST every envelope and wait for each to complete; stop (partial) when ``budget`` seconds are spent."""
    result = IngestResult()
    max_bytes = max(4096, endpoint.max_content_length - 1024)
    started = time.perf_counter()
    with paused_gc(), endpoint.client(timeout=max(budget, 60.0)) as client:
        kept = (line for line in lines if endpoint.keeps(line)) if endpoint.skip_types else lines
        for count, body in envelopes(kept, per_envelope, max_bytes):
            if time.perf_counter() - started > budget:
                result.complete = False
                result.problems.append(f"time budget of {budget:.0f} s spent after {result.sent} objects")
                break
            _post(client, endpoint, count, body, result)
            if len(result.problems) > 20:
                result.complete = False
                break
    result.seconds = time.perf_counter() - started
    return result


def _post(client: Http, endpoint: Endpoint, count: int, body: bytes, result: IngestResult) -> None:
    response = client.post(endpoint.objects_url, content=body, headers={"Content-Type": TAXII})
    result.sent += count
    result.envelopes += 1
    if response.status_code == 500 and endpoint.stored_despite_500:
        result.stored += count  # checked afterwards by counting what the full read returns
        return
    if response.status_code != 202:
        result.problems.append(f"POST answered {response.status_code}: {response.text[:300]}")
        return
    status = _final_status(client, endpoint, orjson.loads(response.content))
    result.stored += int(status.get("success_count", 0))  # type: ignore[call-overload]
    result.refused += int(status.get("failure_count", 0))  # type: ignore[call-overload]
    if status.get("failure_count"):
        failures = status.get("failures") or []
        result.problems.append(f"{status.get('failure_count')} refused, e.g. {failures[:1]}")  # type: ignore[index]


def paged_read(endpoint: Endpoint, *, limit: int, budget: float, keep_ids: bool = True) -> ReadResult:
    """Read the whole collection ``limit`` objects at a time, following ``next`` until ``more`` is false. Within
    the clock the client does what any client does (fetch, parse); the ids are collected for the completeness
    check, which is done after the clock stops (as the raw script's reads check nothing)."""
    result = ReadResult()
    ids: list[str] = []
    params: dict[str, str] = {"limit": str(limit)}
    started = time.perf_counter()
    with paused_gc(), endpoint.client(timeout=max(budget, 60.0)) as client:
        while True:
            if time.perf_counter() - started > budget:
                result.complete = False
                result.problems.append(f"time budget of {budget:.0f} s spent after {result.objects} objects")
                break
            response = client.get(endpoint.objects_url, params=params)
            if response.status_code != 200:
                result.complete = False
                result.problems.append(f"GET page {result.pages + 1} answered {response.status_code}")
                break
            envelope = orjson.loads(response.content) if response.content else {}
            objects = envelope.get("objects", [])
            result.pages += 1
            result.objects += len(objects)
            if keep_ids:
                ids.extend(map(_ID, objects))
            if last := response.headers.get("x-taxii-date-added-last"):
                result.added_marks.append(last)
            if not envelope.get("more") or not envelope.get("next") or not objects:
                break
            params = {"limit": str(limit), "next": str(envelope["next"])}
    result.seconds = time.perf_counter() - started
    result.unique = len(set(ids)) if keep_ids else result.objects
    return result


def latency(
    endpoints: dict[str, Endpoint], queries: list[dict[str, str]], *, budget: float, warmup: int = 3
) -> dict[str, LatencyResult]:
    """Time each query's first page (whole response read) once per principal, principals taking turns on every
    query so that both meet the same machine; a few unmeasured warm-up requests go first."""
    results = {name: LatencyResult(planned=len(queries)) for name in endpoints}
    clients = {name: ep.client(timeout=max(budget, 60.0)) for name, ep in endpoints.items()}
    started = time.perf_counter()
    try:
        for name, client in clients.items():
            for params in queries[:warmup]:
                client.get(endpoints[name].objects_url, params=params)
        for index, params in enumerate(queries):
            if time.perf_counter() - started > budget:
                for result in results.values():
                    result.errors.append(f"time budget of {budget:.0f} s spent after {index} queries")
                break
            order = list(clients) if index % 2 == 0 else list(reversed(clients))
            for name in order:
                _time_one(clients[name], endpoints[name].objects_url, params, results[name])
    finally:
        for client in clients.values():
            client.close()
    return results


def _time_one(client: Http, url: str, params: dict[str, str], result: LatencyResult) -> None:
    begin = time.perf_counter()
    response = client.get(url, params=params)
    elapsed_ms = (time.perf_counter() - begin) * 1000
    if response.status_code != 200:
        result.errors.append(f"{params} answered {response.status_code}: {response.text[:200]}")
        return
    result.samples_ms.append(elapsed_ms)
    result.returned.append(len(orjson.loads(response.content).get("objects", [])) if response.content else 0)
