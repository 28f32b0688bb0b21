"""The peer: EclecticIQ's OpenTAXII 0.9.3 in TAXII 2.1 mode on SQLite behind gunicorn, in its own venv.

Set-up as REFERENCES.md records it: a YAML config with an empty ``taxii1:`` and a ``taxii2:`` section using
``Taxii2SQLDatabaseAPI``; ``opentaxii-add-api-root``; ``opentaxii-add-collection -r <api root uuid with
dashes>`` (the tools print no ids, so they are read from its database); an account made admin, because
per-account permissions never grant access in 0.9.3. Its release answers 500 when listing collections and after
storing a POST on SQLite (a UUID it cannot serialise), so the collection is addressed by URL and a POST's 500 is
taken as stored, then checked by the full read. It cannot store marking-definition objects at all (it reads their
'modified', which they do not have), so those are left out of its ingest. Requests carry a JWT from
``/management/auth``: HTTP Basic would hash the password on every request.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.procs import LOOPBACK, PeakMemory, free_port, start, stop, wait_http
from bench.taxii_client import Endpoint

VERSION = "0.9.3"
ACCOUNT, PASSWORD = "bench", "bench-password-not-secret"
CONFIG = """---
domain: "{host}:{port}"
support_basic_auth: yes
return_server_error_details: no
auth_api:
  class: opentaxii.auth.sqldb.SQLDatabaseAPI
  parameters:
    db_connection: sqlite:///{data}/auth.db
    create_tables: yes
    secret: bench-only-jwt-secret-{secret}
    token_ttl_secs: 86400
taxii1:
taxii2:
  persistence_api:
    class: opentaxii.persistence.sqldb.Taxii2SQLDatabaseAPI
    parameters:
      db_connection: sqlite:///{data}/data.db
      create_tables: yes
  title: "OpenTAXII (benchmark peer)"
  max_content_length: {max_content}
  public_discovery: yes
  allow_custom_properties: yes
"""
MAX_CONTENT = 200 * 1024 * 1024
# It cannot store marking-definitions (they have no 'modified': KeyError, 500, the whole envelope lost).
SKIP_TYPES = ("marking-definition",)


def ensure_venv(work: Path, log: Path) -> Path:
    """Create ``work/opentaxii-venv`` with opentaxii and gunicorn from PyPI, once; returns its bin directory."""
    venv = work / "opentaxii-venv"
    bin_dir = venv / "bin"
    marker = venv / f".opentaxii-{VERSION}-ready"
    if marker.exists():
        return bin_dir
    with log.open("ab") as out:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, stdout=out, stderr=out)
        subprocess.run(
            [str(bin_dir / "pip"), "install", "--quiet", f"opentaxii=={VERSION}", "gunicorn"],
            check=True,
            stdout=out,
            stderr=out,
            timeout=900,
        )
    marker.touch()
    return bin_dir


@dataclass
class PeerServer:
    endpoint: Endpoint
    memory: PeakMemory
    data_dir: Path


def _tool(bin_dir: Path, name: str, *args: str, env: dict[str, str], log: Path) -> None:
    with log.open("ab") as out:
        subprocess.run([str(bin_dir / name), *args], env=env, check=True, stdout=out, stderr=out, timeout=120)


def _single_id(db: Path, table: str) -> str:
    """The one row id the set-up tools just created, in the dashed form their arguments and URLs use."""
    conn = sqlite3.connect(db)
    try:
        (raw,) = conn.execute(f"SELECT id FROM {table}").fetchone()  # fixed table names only
    finally:
        conn.close()
    return str(uuid.UUID(raw))


def configure(bin_dir: Path, data: Path, port: int, log: Path) -> tuple[dict[str, str], str, str]:
    """Write the config, create API root, collection and admin account; returns env, root id, collection id."""
    data.mkdir(parents=True, exist_ok=True)
    config = data / "opentaxii.yml"
    config.write_text(
        CONFIG.format(host=LOOPBACK, port=port, data=data, secret=uuid.uuid4().hex, max_content=MAX_CONTENT)
    )
    env = {"PATH": f"{bin_dir}:{os.environ.get('PATH', '')}", "OPENTAXII_CONFIG": str(config), "HOME": str(data)}
    _tool(bin_dir, "opentaxii-add-api-root", "-t", "bench", "--default", env=env, log=log)
    root = _single_id(data / "data.db", "opentaxii_api_root")
    _tool(bin_dir, "opentaxii-add-collection", "-r", root, "-t", "bench", "-a", "bench", env=env, log=log)
    collection = _single_id(data / "data.db", "opentaxii_collection")
    _tool(bin_dir, "opentaxii-create-account", "-u", ACCOUNT, "-p", PASSWORD, env=env, log=log)
    _tool(bin_dir, "opentaxii-update-account", "-u", ACCOUNT, "-f", "admin", "-v", "yes", env=env, log=log)
    return env, root, collection


@contextmanager
def running(work: Path, data: Path, log: Path) -> Iterator[PeerServer]:
    """Install (once), configure and serve OpenTAXII with one gunicorn worker; stop it afterwards."""
    bin_dir = ensure_venv(work, log)
    port = free_port()
    env, root, collection = configure(bin_dir, data, port, log)
    argv = [
        str(bin_dir / "gunicorn"),
        "opentaxii.http:app",
        "--config=python:opentaxii.http",
        f"--bind={LOOPBACK}:{port}",
        "--workers=1",
        "--timeout=1800",
        "--no-control-socket",
    ]
    proc = start(argv, env=env, cwd=data, log=log)
    try:
        base = f"http://{LOOPBACK}:{port}"
        wait_http(f"{base}/taxii2/", proc=proc, log=log)
        token = httpx.post(f"{base}/management/auth", json={"username": ACCOUNT, "password": PASSWORD}, timeout=30)
        token.raise_for_status()
        endpoint = Endpoint(
            name="OpenTAXII 0.9.3",
            objects_url=f"{base}/taxii2/{root}/collections/{collection}/objects/",
            status_root=None,
            headers={"Authorization": f"Bearer {token.json()['token']}"},
            max_content_length=MAX_CONTENT,
            stored_despite_500=True,
            skip_types=SKIP_TYPES,
        )
        with PeakMemory(proc.pid) as memory:
            yield PeerServer(endpoint=endpoint, memory=memory, data_dir=data)
    finally:
        stop(proc)
