"""Real servers for tests, each on a free port and owned by the test run: a throwaway PostgreSQL
cluster, a private Redis, and an SMTP sink that can refuse or stall mail. Tests never break a shared
server. The fixtures in tests/conftest.py start them (and skip, or fail under CI=true, without the
binaries); the fault drills, payments and scale-out tests reuse them.
"""

from __future__ import annotations

import email
import glob
import os
import shutil
import socket
import socketserver
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_for(condition: Callable[[], object], timeout: float = 20.0, interval: float = 0.1) -> bool:
    """Poll `condition` until it is true or `timeout` seconds pass; every wait in the drills is bounded."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())


def drill_seconds(name: str, *, ci: float, local: float) -> float:
    """An outage length for a fault drill: the environment variable `name` if set, else the CI or local default."""
    if os.environ.get(name):
        return float(os.environ[name])
    return ci if os.environ.get("CI", "").lower() == "true" else local


# --- PostgreSQL -----------------------------------------------------------------------------------

def postgres_bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    for candidate in candidates:
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PostgresCluster:
    """A throwaway cluster: initdb in a temporary directory, trust auth, fsync off, on a free port.

    initdb refuses to run as root, so as root the commands run as the `postgres` user via runuser.
    """

    def __init__(self, base_dir: Path, bin_dir: Path):
        self.bin_dir = bin_dir
        self.data_dir = base_dir / "data"
        self.socket_dir = base_dir / "socket"
        self.log_file = base_dir / "postgres.log"
        self.port = free_port()
        self.base_dir = base_dir

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({result.returncode}): {result.stderr[-2000:]}")
        return result

    def init(self) -> None:
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.base_dir, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        self._run("initdb", "--auth=trust", "--username=postgres", "--no-sync", "-D", str(self.data_dir))

    def start(self, timeout: float = 30) -> None:
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.socket_dir} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-o", options,
                  "-w", "-t", str(int(timeout)), "start", timeout=timeout + 10)

    def stop(self, mode: str = "fast", timeout: float = 30) -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "-t", str(int(timeout)), "stop",
                  timeout=timeout + 10)

    def is_running(self) -> bool:
        return (self.data_dir / "postmaster.pid").exists()

    def create_database(self, name: str, template: str | None = None) -> None:
        """A new database; with `template`, a copy of that one (it must have no open connections)."""
        options = ["--template", template] if template else []
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", *options, name)

    def psql(self, database: str, sql: str) -> str:
        result = self._run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
                           "-v", "ON_ERROR_STOP=1", "-Atqc", sql)
        return result.stdout.strip()

    def start_standby(self, base_dir: Path, timeout: float = 60) -> PostgresCluster:
        """A hot standby streaming from this cluster: pg_basebackup of the running cluster (with -R, so it
        starts as a standby that follows this one), started on a port of its own. Read-only; stop it first."""
        standby = PostgresCluster(base_dir, self.bin_dir)
        standby.socket_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(standby.base_dir, "postgres")
            shutil.chown(standby.socket_dir, "postgres")
        self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                  "-D", str(standby.data_dir), "-R", "--checkpoint=fast", "--wal-method=stream", timeout=timeout)
        standby.start(timeout=timeout)
        return standby


# --- Redis ----------------------------------------------------------------------------------------

class RedisServer:
    """A private redis-server on a free port, no persistence; it can be stopped and started again."""

    def __init__(self, base_dir: Path, binary: str):
        self.binary = binary
        self.base_dir = base_dir
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self, timeout: float = 10) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.base_dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        if not wait_for(lambda: port_open(self.port), timeout=timeout):
            raise RuntimeError(f"redis-server did not listen on {self.port} within {timeout} s")

    def stop(self, timeout: float = 10) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=timeout)
            self.process = None

    def flush(self) -> None:
        import redis

        redis.Redis.from_url(self.url(), socket_connect_timeout=2).flushall()


# --- S3-compatible object store -----------------------------------------------------------------

class S3Server:
    """moto's standalone S3 server (`python -m moto.server`, PyPI moto[server]) on a free port: a real
    HTTP endpoint that boto3 and django-storages talk to as to any S3 service. State lives in memory, so
    `stop()` then `start()` loses the buckets."""

    access_key = "pharmacy-test"
    secret_key = "pharmacy-test-secret"
    region = "eu-west-2"

    def __init__(self, python: str):
        self.python = python
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self._buckets = 0

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> None:
        self.process = subprocess.Popen(
            [self.python, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        if not wait_for(lambda: port_open(self.port), timeout=timeout):
            self.stop()
            raise RuntimeError(f"moto_server did not listen on {self.port} within {timeout} s")

    def stop(self, timeout: float = 10) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=timeout)
            self.process = None

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name=self.region,
                            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key)

    def create_bucket(self, prefix: str = "pharmacy") -> str:
        """A new, empty bucket, so tests sharing the server never see each other's objects."""
        self._buckets += 1
        name = f"{prefix}-{os.getpid()}-{self._buckets}"
        self.client().create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.region})
        return name

    def storage_url(self, bucket: str) -> str:
        return f"s3://{self.access_key}:{self.secret_key}@{bucket}?endpoint_url={self.endpoint_url}&region={self.region}"

    def storage_settings(self, bucket: str) -> dict[str, str]:
        return {"bucket": bucket, "private_bucket": bucket, "endpoint_url": self.endpoint_url,
                "region": self.region, "access_key": self.access_key, "secret_key": self.secret_key}


# --- SMTP sink ------------------------------------------------------------------------------------

@dataclass
class ReceivedMail:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> email.message.Message:
        return email.message_from_bytes(self.data)

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class SMTPSink:
    """A small SMTP server (standard library only) that keeps what it receives.

    - `refuse_for(seconds)`: until then every connection gets `421 Service not available`.
    - `stall()`: after the message body arrives, the sink keeps it (a real server may already have
      delivered it) but does not answer until `release()`; the sender hangs there, as on a slow server.
    """

    port: int = field(default_factory=free_port)
    received: list[ReceivedMail] = field(default_factory=list)
    refused_connections: int = 0
    refuse_until: float = 0.0
    stalled: threading.Event = field(default_factory=threading.Event)  # set: bodies are held
    released: threading.Event = field(default_factory=threading.Event)
    body_held: threading.Event = field(default_factory=threading.Event)  # a body arrived while stalled
    lock: threading.Lock = field(default_factory=threading.Lock)
    _server: socketserver.ThreadingTCPServer | None = None

    def refuse_for(self, seconds: float) -> None:
        self.refuse_until = time.monotonic() + seconds

    def accept(self) -> None:
        self.refuse_until = 0.0

    @property
    def refusing(self) -> bool:
        return time.monotonic() < self.refuse_until

    def stall(self) -> None:
        self.released.clear()
        self.body_held.clear()
        self.stalled.set()

    def release(self) -> None:
        self.stalled.clear()
        self.released.set()

    def message_ids(self) -> set[str]:
        with self.lock:
            return {mail.message_id for mail in self.received}

    def start(self) -> None:
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 60

            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")
                self.wfile.flush()

            def handle(self) -> None:
                try:
                    self._converse()
                except (OSError, ValueError):
                    pass  # the client went away (a killed worker): nothing to answer

            def _converse(self) -> None:
                if sink.refusing:
                    with sink.lock:
                        sink.refused_connections += 1
                    self.reply("421 sink.test Service not available, try again later")
                    return
                self.reply("220 sink.test ESMTP ready")
                sender, recipients = "", []
                while True:
                    raw = self.rfile.readline(65536)
                    if not raw:
                        return
                    line = raw.decode("utf-8", "replace").rstrip("\r\n")
                    verb = line.split(" ", 1)[0].upper()
                    if verb == "EHLO":
                        self.reply("250-sink.test")
                        self.reply("250 8BITMIME")
                    elif verb == "HELO":
                        self.reply("250 sink.test")
                    elif verb == "MAIL":
                        sender, recipients = line.partition(":")[2].strip(), []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        recipients.append(line.partition(":")[2].strip())
                        self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        self._receive_body(sender, recipients)
                    elif verb == "RSET":
                        sender, recipients = "", []
                        self.reply("250 OK")
                    elif verb == "NOOP":
                        self.reply("250 OK")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    else:
                        self.reply("502 Command not implemented")

            def _receive_body(self, sender: str, recipients: list[str]) -> None:
                lines = []
                while True:
                    raw = self.rfile.readline(1 << 20)
                    if not raw:
                        return
                    if raw in (b".\r\n", b".\n"):
                        break
                    lines.append(raw[1:] if raw.startswith(b"..") else raw)
                with sink.lock:
                    sink.received.append(ReceivedMail(sender, list(recipients), b"".join(lines)))
                if sink.stalled.is_set():
                    sink.body_held.set()
                    sink.released.wait(timeout=120)
                self.reply("250 OK queued")

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self._server = Server(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()

    def stop(self) -> None:
        self.released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
