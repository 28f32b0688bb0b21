"""The hub as a real server process: ``liaison init``, a poster and a reader made with the CLI, tokens, a
collection, then ``liaison serve`` on loopback; its peak memory sampled from /proc."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson

from bench.markings import POSTER_ORG_NAME, READER_CLEARANCE, READER_NATION, READER_ORG_NAME
from bench.procs import LOOPBACK, PeakMemory, free_port, start, stop, wait_http
from bench.taxii_client import TAXII, Endpoint

# The poster is an alliance body (no nation) cleared NS: it owns, and so sees, every object it posts.
# The reader is a Korean organisation's reader cleared NU: it sees about a tenth (bench/markings.py).
ORGS = (("Benchmark Poster", POSTER_ORG_NAME, None), ("Benchmark Reader Organisation", READER_ORG_NAME, READER_NATION))
USERS = (
    ("bench-admin", POSTER_ORG_NAME, "admin", "NS", ("read", "write", "admin")),
    ("bench-reader", READER_ORG_NAME, "reader", READER_CLEARANCE, ("read",)),
)
COLLECTION_ALIAS = "bench"


def liaison_argv() -> list[str]:
    """The ``liaison`` command of the interpreter running the benchmark."""
    script = Path(sys.executable).with_name("liaison")
    return [str(script)] if script.exists() else [sys.executable, "-m", "liaison_hub.cli.main"]


def hub_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    """The environment of every hub process: ours, without any LIAISON_* of the caller's shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}
    env.update(
        LIAISON_DATA_DIR=str(data_dir),
        LIAISON_SECRET_KEY=secrets.token_urlsafe(48),
        LIAISON_ACCREDITATION="NS",
    )
    if database_url:
        env["LIAISON_DATABASE_URL"] = database_url
    return env


def cli(args: list[str], *, env: dict[str, str], log: Path, timeout: float = 300) -> str:
    """Run one ``liaison`` command; its stdout, or an error naming the command and its stderr."""
    done = subprocess.run(
        [*liaison_argv(), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    with log.open("a") as out:
        out.write(f"$ liaison {' '.join(args)}\n{done.stdout}{done.stderr}\n")
    if done.returncode != 0:
        raise RuntimeError(f"liaison {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return done.stdout


def has_command(words: list[str], *, env: dict[str, str]) -> bool:
    """Whether ``liaison <words> --help`` exists in this checkout."""
    done = subprocess.run([*liaison_argv(), *words, "--help"], env=env, capture_output=True, timeout=60, check=False)
    return done.returncode == 0


def prepare(data_dir: Path, database_url: str | None, log: Path) -> tuple[dict[str, str], dict[str, str]]:
    """A migrated, seeded hub with the benchmark's organisations, users and tokens; returns env and tokens."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = hub_env(data_dir, database_url)
    cli(["init"], env=env, log=log)
    for name, short, nation in ORGS:
        nation_args = ["--nation", nation] if nation else []
        cli(["org", "add", "--name", name, "--short", short, *nation_args], env=env, log=log)
    tokens = {}
    for username, org, role, clearance, scopes in USERS:
        cli(
            ["user", "add", username, "--name", username, "--org", org, "--role", role, "--clearance", clearance],
            env=env,
            log=log,
        )
        scope_args = [arg for s in scopes for arg in ("--scope", s)]
        out = cli(["token", "create", "--user", username, *scope_args, "--name", "benchmark"], env=env, log=log)
        tokens[role] = out.strip().splitlines()[-1].strip()
    create_collection(env, log)
    return env, tokens


# Where the hub has no CLI command for collections yet, the benchmark makes its collection through intel.service,
# in its own process and transaction, exactly as such a command would.
CREATE_COLLECTION = """
from liaison_hub.cli.common import cli_actor, load_settings
from liaison_hub.db.engine import create_db_engine, make_session_factory, session_scope
from liaison_hub.intel import service
from liaison_hub.intel.schemas import CollectionCreate
from liaison_hub.policy.levels import parse_classification

settings = load_settings()
engine = create_db_engine(settings.effective_database_url)
with session_scope(make_session_factory(engine)) as session:
    service.create_collection(
        session, cli_actor(), data=CollectionCreate(title="Benchmark", alias="%s"),
        accreditation=parse_classification(settings.accreditation),
    )
engine.dispose()
"""


def create_collection(env: dict[str, str], log: Path) -> None:
    """A collection the poster may write and both principals may read (TAXII 2.1 section 5.2)."""
    if has_command(["intel", "collection", "create"], env=env):
        cli(["intel", "collection", "create", "Benchmark", "--alias", COLLECTION_ALIAS], env=env, log=log)
        return
    done = subprocess.run(
        [sys.executable, "-c", CREATE_COLLECTION % COLLECTION_ALIAS],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    with log.open("a") as out:
        out.write(f"$ (create collection through intel.service)\n{done.stdout}{done.stderr}\n")
    if done.returncode != 0:
        raise RuntimeError(f"creating the collection failed: {done.stderr.strip()[-500:]}")


@dataclass
class HubServer:
    admin: Endpoint
    reader: Endpoint
    memory: PeakMemory
    base_url: str


def _discover(base: str, token: str) -> tuple[str, int]:
    """Find the default API root and its collection by alias via discovery (TAXII 2.1 sections 4.1-5.1)."""
    headers = {"Accept": TAXII, "Authorization": f"Bearer {token}"}
    with httpx.Client(headers=headers, timeout=30) as client:
        discovery = orjson.loads(client.get(f"{base}/taxii2/").raise_for_status().content)
        root = str(discovery.get("default") or discovery["api_roots"][0])
        root = root if root.startswith("http") else f"{base}{root}"
        info = orjson.loads(client.get(root).raise_for_status().content)
        collections = orjson.loads(client.get(f"{root}collections/").raise_for_status().content)
    match = [c for c in collections.get("collections", []) if c.get("alias") == COLLECTION_ALIAS]
    if not match:
        raise RuntimeError(f"no collection with alias {COLLECTION_ALIAS!r} at {root}collections/")
    return f"{root}collections/{match[0]['id']}/", int(info.get("max_content_length", 100 * 1024 * 1024))


@contextmanager
def running(env: dict[str, str], tokens: dict[str, str], name: str, log: Path) -> Iterator[HubServer]:
    """``liaison serve`` in its own process group; endpoints for the poster (admin) and the reader."""
    port = free_port()
    proc = start([*liaison_argv(), "serve", "--host", LOOPBACK, "--port", str(port)], env=env, cwd=Path.cwd(), log=log)
    try:
        base = f"http://{LOOPBACK}:{port}"
        wait_http(f"{base}/taxii2/", proc=proc, log=log)
        collection, max_content = _discover(base, tokens["admin"])
        root = collection.split("collections/")[0]

        def endpoint(role: str) -> Endpoint:
            return Endpoint(
                name=name,
                objects_url=f"{collection}objects/",
                status_root=f"{root}status/",
                headers={"Authorization": f"Bearer {tokens[role]}"},
                max_content_length=max_content,
            )

        with PeakMemory(proc.pid) as memory:
            yield HubServer(admin=endpoint("admin"), reader=endpoint("reader"), memory=memory, base_url=base)
    finally:
        stop(proc)


def first_search(hub: HubServer) -> float:
    """Seconds one correlation search takes (``/api/v1/intel/search``): the first after an ingest completes the
    index (it indexes whatever the hub's index worker has not reached yet)."""
    started = time.perf_counter()
    with httpx.Client(headers=hub.admin.headers, timeout=600) as client:
        client.get(f"{hub.base_url}/api/v1/intel/search", params={"value": "192.0.2.1"}).raise_for_status()
    return time.perf_counter() - started


def import_args(path: Path) -> list[str]:
    """``liaison intel import`` of one JSON-lines file into the benchmark collection."""
    return ["intel", "import", str(path), "--collection", COLLECTION_ALIAS, "--as", USERS[0][0]]
