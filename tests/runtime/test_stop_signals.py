"""Every way an operator stops the server, tried on a real ``liaison serve`` (the installed console script, its own
process group, its index worker a process of its own) on a free loopback port: SIGTERM to the server, SIGTERM to
its whole process group (what ``systemctl stop`` sends), SIGINT to the group (Ctrl-C), and its index worker killed
first. Each time the server and every process it started are gone within 5 s, and an object acknowledged over TAXII
before the signal is read back after a restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import TEST_SECRET, Database, _fresh_postgres, free_port
from tests.intel.stixgen import indicator, tlp
from tests.taxii.conftest import TAXII, prepare

STOP_WITHIN_S = 5.0
SCRIPT = Path(sys.executable).with_name("liaison")


class Served:
    """``liaison <command>`` as a process group of its own, reached over HTTP on loopback."""

    def __init__(self, command: list[str], env: dict[str, str], port: int) -> None:
        self.port, self.url = port, f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [str(SCRIPT), *command, "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def wait_until_up(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.url}/taxii2/", timeout=5).status_code == 401:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"the server did not start:\n{self.output()}")
            time.sleep(0.1)

    def output(self) -> str:
        if self.process.poll() is None:
            self.process.kill()
        out, _ = self.process.communicate(timeout=30)
        return out

    def group(self) -> list[int]:
        """The living (not zombie) processes of the server's process group."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.process.pid and fields[0] != "Z":
                found.append(int(entry.name))
        return found

    def parents(self) -> dict[int, int]:
        """Each living process of the server's group and its parent."""
        found = {}
        for pid in self.group():
            try:
                found[pid] = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
        return found

    def index_worker(self) -> int:
        """The pid of the index worker process (a spawned child of the server)."""
        for pid in self.group():
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"spawn_main" in command:
                return pid
        raise AssertionError("no index worker process")

    def kill_group(self) -> None:
        if self.group():
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def _environment(database: Database, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = os.environ | {"LIAISON_DATABASE_URL": database.url, "LIAISON_DATA_DIR": str(tmp_path)}
    env |= {"LIAISON_SECRET_KEY": TEST_SECRET, "LIAISON_INDEX_WORKER": "process", "LIAISON_ACCREDITATION": "NS"}
    return env | extra


@contextmanager
def served(command: list[str], env: dict[str, str]) -> Iterator[Served]:
    server = Served(command, env, free_port())
    try:
        server.wait_until_up()
        yield server
    finally:
        server.kill_group()


def _post(server: Served, collection: str, token: str, objects: list[dict[str, Any]]) -> dict[str, Any]:
    """POST an envelope; the 202 with a complete status is the acknowledgement."""
    answer = httpx.post(
        f"{server.url}/taxii2/hub/collections/{collection}/objects/",
        json={"objects": objects},
        headers={"Content-Type": TAXII, "Accept": TAXII, "Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert answer.status_code == 202, answer.text
    status: dict[str, Any] = answer.json()
    assert (status["status"], status["success_count"]) == ("complete", len(objects)), status
    return status


def _read_back(server: Served, collection: str, token: str, stix_id: str) -> dict[str, Any]:
    answer = httpx.get(
        f"{server.url}/taxii2/hub/collections/{collection}/objects/{stix_id}/",
        headers={"Accept": TAXII, "Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()["objects"][0]
    return found


def _stops_within(server: Served, stop: Callable[[Served], None]) -> float:
    """Stop the server as ``stop`` does; how long until it and every process of its group were gone."""
    started = time.monotonic()
    stop(server)
    try:
        server.process.wait(timeout=STOP_WITHIN_S)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"the server still runs {STOP_WITHIN_S} s after the signal:\n{server.output()}") from None
    while server.group() and time.monotonic() - started < STOP_WITHIN_S:
        time.sleep(0.05)
    assert server.group() == [], "processes of the server outlived it"
    return time.monotonic() - started


def _sigterm_parent(server: Served) -> None:
    os.kill(server.process.pid, signal.SIGTERM)


def _sigterm_group(server: Served) -> None:
    os.killpg(server.process.pid, signal.SIGTERM)


def _sigint_group(server: Served) -> None:
    os.killpg(server.process.pid, signal.SIGINT)


def _worker_killed_then_sigterm_group(server: Served) -> None:
    worker = server.index_worker()
    os.kill(worker, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while worker in server.group() and time.monotonic() < deadline:
        time.sleep(0.05)
    _sigterm_group(server)


WAYS = {
    "sigterm-to-the-server": _sigterm_parent,
    "sigterm-to-the-group": _sigterm_group,
    "sigint-to-the-group": _sigint_group,
    "worker-killed-then-sigterm-to-the-group": _worker_killed_then_sigterm_group,
}


@pytest.mark.parametrize("way", list(WAYS))
def test_the_server_stops_within_5_s_and_keeps_every_acknowledged_write(
    database: Database, tmp_path: Path, way: str
) -> None:
    collection, tokens = prepare(database)
    env = _environment(database, tmp_path)
    sent = indicator("203.0.113.77", markings=(tlp("green"),))
    with served(["serve"], env) as server:
        _post(server, collection, tokens["analyst-jp"], [sent])
        server.index_worker()  # the worker runs as a process of its own
        took = _stops_within(server, WAYS[way])
        assert server.process.returncode in (0, -signal.SIGTERM, -signal.SIGINT), server.output()
    assert took < STOP_WITHIN_S
    with served(["serve"], env) as again:
        assert _read_back(again, collection, tokens["analyst-au"], sent["id"])["id"] == sent["id"]
        _stops_within(again, _sigterm_group)


def test_a_killed_index_worker_is_replaced(database: Database, tmp_path: Path) -> None:
    prepare(database)
    with served(["serve"], _environment(database, tmp_path)) as server:
        first = server.index_worker()
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            workers = [pid for pid in server.group() if pid != first and b"spawn_main" in _cmdline(pid)]
            if workers:
                break
            time.sleep(0.1)
        assert workers, "no new index worker"
        _stops_within(server, _sigterm_group)
    assert "correlation index worker exited with code -9; starting a new one" in server.output()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@pytest.fixture
def postgres_database(postgres_template: str) -> Iterator[Database]:
    yield from (Database("postgresql", url) for url in _fresh_postgres(postgres_template))


@pytest.mark.postgres
def test_several_worker_processes_stop_on_sigterm_to_the_group(postgres_database: Database, tmp_path: Path) -> None:
    database = postgres_database
    collection, tokens = prepare(database)
    env = _environment(database, tmp_path)
    sent = indicator("203.0.113.78", markings=(tlp("green"),))
    with served(["serve", "--workers", "2"], env) as server:
        _post(server, collection, tokens["analyst-jp"], [sent])
        server.index_worker()  # one, started by the supervisor for every worker
        spawned = {pid for pid in server.group() if b"spawn_main" in _cmdline(pid)}
        started_by_workers = [pid for pid, parent in server.parents().items() if parent in spawned]
        assert started_by_workers == [], "a worker process started an index worker of its own"
        _stops_within(server, _sigterm_group)
    with served(["serve"], env) as again:
        assert _read_back(again, collection, tokens["analyst-au"], sent["id"])["id"] == sent["id"]
        _stops_within(again, _sigterm_group)


def test_the_demo_stops_on_sigterm_to_the_group(tmp_path: Path) -> None:
    env = os.environ | {"LIAISON_DATA_DIR": str(tmp_path / "demo"), "LIAISON_SECRET_KEY": TEST_SECRET}
    env.pop("LIAISON_DATABASE_URL", None)
    with served(["demo"], env) as server:
        server.index_worker()
        _stops_within(server, _sigterm_group)
