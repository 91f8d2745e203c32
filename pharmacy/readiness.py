"""Readiness: may a load balancer send this node traffic? (`/readyz`; `/healthz` stays liveness.)

Each dependency is probed by one *check*: a function named in `settings.READINESS_CHECKS` that takes the
time it may spend and returns `Probe`s (none when its dependency is not configured). A check that cannot
reach its dependency raises; the runner turns that into a "down" probe. Every check runs in a thread of
one bounded pool per process and is abandoned after `READINESS_TIMEOUT_SECONDS`, so a hanging server
cannot hang the probe. The answer is kept for `READINESS_CACHE_SECONDS`: /readyz is public, and a flood
of requests must not open a flood of connections to every dependency.

Only a *critical* dependency that is down (the primary database: nothing works without it) makes the
node not ready (503). Redis, the broker, the replicas and the object store are shared by every node:
their outage answers 200 "degraded" and names them, because draining every node for a shared outage
would turn a degradation into downtime. To add a dependency, write a check here or in its own module and
append its dotted path to `READINESS_CHECKS` in the settings.
"""

import logging
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeoutError
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

OK, DOWN = "ok", "down"


@dataclass(frozen=True)
class Probe:
    name: str
    status: str  # OK or DOWN
    critical: bool = False
    detail: str = ""


@dataclass(frozen=True)
class Readiness:
    probes: tuple[Probe, ...]

    @property
    def ready(self) -> bool:
        return not any(probe.critical and probe.status != OK for probe in self.probes)

    @property
    def status(self) -> str:
        if not self.ready:
            return "unavailable"
        return "ok" if all(probe.status == OK for probe in self.probes) else "degraded"

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "dependencies": {
                probe.name: {"status": probe.status, "critical": probe.critical,
                             **({"detail": probe.detail} if probe.detail else {})}
                for probe in self.probes
            },
        }


def _describe(error: BaseException) -> str:
    # The class name only: an error's text may carry a connection string with its password.
    return type(error).__name__


def probe_database_alias(alias: str, *, timeout: float) -> None:
    """Open a fresh connection to `alias` (not the request's: that may be mid-transaction) and run SELECT 1."""
    wrapper = connections.create_connection(alias)
    params = wrapper.get_connection_params()
    if wrapper.vendor == "postgresql":
        params["connect_timeout"] = max(1, int(timeout))
    elif wrapper.vendor == "sqlite":
        params["timeout"] = timeout
    connection = wrapper.get_new_connection(params)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
    finally:
        connection.close()


def check_database(*, timeout: float) -> Iterable[Probe]:
    probe_database_alias("default", timeout=timeout)
    return [Probe("database", OK, critical=True)]


def check_replicas(*, timeout: float) -> Iterable[Probe]:
    probes = []
    for alias in getattr(settings, "DATABASE_REPLICAS", []):
        try:
            probe_database_alias(alias, timeout=timeout)
            probes.append(Probe(f"replica:{alias}", OK))
        except Exception as error:  # noqa: BLE001 - any failure of the probe means "down"
            probes.append(Probe(f"replica:{alias}", DOWN, detail=_describe(error)))
    return probes


def check_redis(*, timeout: float) -> Iterable[Probe]:
    """The shared Redis cache. FailOpenRedisCache swallows outages, so ask its client directly."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return []  # the in-process cache cannot be down
    cache._cache.get_client(write=True).ping()
    return [Probe("redis", OK)]


def check_broker(*, timeout: float) -> Iterable[Probe]:
    from pharmacy.celery import app

    if app.conf.task_always_eager or app.conf.broker_url.startswith("memory://"):
        return []  # tasks run in-process: no broker
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    return [Probe("broker", OK)]


def check_object_store(*, timeout: float) -> Iterable[Probe]:
    """The S3-compatible store behind STORAGES (media, prescriptions): HEAD each distinct bucket with a
    client of its own, bounded by `timeout` and never retried (the storage's client retries for minutes)."""
    import boto3
    from botocore.config import Config
    from storages.backends.s3 import S3Storage

    buckets = {}
    for alias, entry in settings.STORAGES.items():
        backend = import_string(entry["BACKEND"])
        if isinstance(backend, type) and issubclass(backend, S3Storage):
            options = entry.get("OPTIONS", {})
            buckets.setdefault((options.get("endpoint_url"), options["bucket_name"]), (alias, options))
    probes = []
    config = Config(connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 1})
    for (endpoint_url, bucket), (alias, options) in buckets.items():
        name = "object_store" if len(buckets) == 1 else f"object_store:{alias}"
        client = boto3.client("s3", endpoint_url=endpoint_url, region_name=options.get("region_name"),
                              aws_access_key_id=options.get("access_key"),
                              aws_secret_access_key=options.get("secret_key"), config=config)
        try:
            client.head_bucket(Bucket=bucket)
            probes.append(Probe(name, OK))
        except Exception as error:  # noqa: BLE001 - unreachable, refused or missing: all "down"
            probes.append(Probe(name, DOWN, detail=_describe(error)))
    return probes


CRITICAL_CHECK_NAMES = {check_database: "database"}


def _run_check(check, *, timeout: float) -> list[Probe]:
    return list(check(timeout=timeout))


# One pool per process, never one per request. Twice the checks: a round whose checks hang until their
# timeout still leaves threads for the next round; beyond that, submissions queue rather than multiply.
POOL_WORKERS = 2 * 8
_pool = ThreadPoolExecutor(max_workers=POOL_WORKERS, thread_name_prefix="readyz")
_last: tuple[float, "Readiness"] | None = None
_last_lock = threading.Lock()


def check_readiness() -> Readiness:
    """The readiness of this node, probed at most once per READINESS_CACHE_SECONDS per process: requests
    meanwhile (and those waiting while a probe runs) get the last answer."""
    global _last
    with _last_lock:
        if _last is not None and time.monotonic() - _last[0] < settings.READINESS_CACHE_SECONDS:
            return _last[1]
        readiness = _probe_dependencies()
        _last = (time.monotonic(), readiness)
        return readiness


def _probe_dependencies() -> Readiness:
    timeout = settings.READINESS_TIMEOUT_SECONDS
    checks = [(path, import_string(path)) for path in settings.READINESS_CHECKS]
    probes: list[Probe] = []
    futures = [(path, check, _pool.submit(_run_check, check, timeout=timeout)) for path, check in checks]
    for path, check, future in futures:
        name = CRITICAL_CHECK_NAMES.get(check, path.rsplit(".", 1)[-1].removeprefix("check_"))
        critical = check in CRITICAL_CHECK_NAMES
        try:
            probes.extend(future.result(timeout=timeout + 0.5))
        except FutureTimeoutError:
            future.cancel()  # still queued behind hung checks: never run it late
            probes.append(Probe(name, DOWN, critical=critical, detail="timeout"))
        except Exception as error:  # noqa: BLE001 - a failing check is a "down" dependency, not a 500
            probes.append(Probe(name, DOWN, critical=critical, detail=_describe(error)))
    readiness = Readiness(tuple(probes))
    if readiness.status != "ok":
        logger.warning("Readiness %s: %s", readiness.status,
                       ", ".join(f"{p.name}={p.status}" for p in probes if p.status != OK))
    return readiness
