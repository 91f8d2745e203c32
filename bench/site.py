"""The site the bench measures: its environment (the production settings, with what a bench on one machine
needs lifted), its database (migrated, with the demo catalog), gunicorn serving it, and the shopper's
requests that set up a page to load (a guest cart filled through the storefront)."""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_environment() -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    environment.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings",  # production settings plus the floor endpoint
        "SECRET_KEY": secrets.token_urlsafe(50),  # a fresh key per run: nothing signed outlives it
        # Production refuses to start without a prescription key; the bench stores no prescription.
        "PRESCRIPTION_ENCRYPTION_KEYS": "bench:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        # Limits the bench never reaches, over one second: DRF keeps the time of every request in a window
        # and reads and writes that list on each request, so a window of a minute would carry tens of
        # thousands of times through Redis per request, far more than production's limits (at most 600 a
        # minute) ever let it hold. A second of the bench's requests is a few hundred, as in production.
        "THROTTLE_ANON": "100000000/s",
        "THROTTLE_USER": "100000000/s",
        "THROTTLE_CHECKOUT": "100000000/s",
        "PAYMENT_GATEWAY": "test",  # the bench's orders are paid with the test card, never through a provider
        "PYTHONUNBUFFERED": "1",
    })
    environment.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
    # One machine, no mail server: the production settings' refusal of embedded services is lifted here.
    environment.setdefault("ALLOW_EMBEDDED_SERVICES_IN_PRODUCTION", "true")
    # The bench's guest cart never reaches a payment; the built-in test gateway keeps it keyless.
    environment.setdefault("ALLOW_TEST_PAYMENTS_IN_PRODUCTION", "true")
    return environment


def prepare_site(environment: dict[str, str]) -> None:
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "--verbosity", "0"], cwd=ROOT, env=environment,
                   check=True)
    has_catalog = subprocess.run([*manage, "help", "load_demo_catalog"], cwd=ROOT, env=environment,
                                 capture_output=True).returncode == 0
    if has_catalog:
        subprocess.run([*manage, "load_demo_catalog"], cwd=ROOT, env=environment, check=True,
                       stdout=subprocess.DEVNULL)
    else:
        print("load_demo_catalog is not available yet: benchmarking an empty catalog")
    subprocess.run([*manage, "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=environment,
                   check=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} before answering")
        try:
            parts = urllib.parse.urlsplit(url)
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=2)
            connection.request("GET", parts.path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout}s")


def status_of(url: str) -> int:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
    return connection.getresponse().status


def get_json(url: str):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
    return json.loads(connection.getresponse().read())


def guest_cart_cookie(base_url: str, pack_ids: list[int], product_path: str) -> str:
    """Put one unit of each pack in a guest cart through the storefront, as a shopper would; returns the
    Cookie header that shows that cart."""
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    cookies: dict[str, str] = {}

    def remember(response) -> None:
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                if re.search(r"max-age=0(;|$)", rest, re.IGNORECASE):  # a deletion, as a browser reads it
                    cookies.pop(name.strip(), None)
                else:
                    cookies[name.strip()] = rest.split(";", 1)[0]

    connection.request("GET", product_path)
    response = connection.getresponse()
    page = response.read().decode()
    remember(response)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    for pack_id in pack_ids:
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "pack": pack_id, "quantity": 1})
        connection.request("POST", "/cart/add/", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Referer": base_url + product_path,
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        })
        response = connection.getresponse()
        response.read()
        remember(response)
    connection.request("GET", "/cart/", headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
    response = connection.getresponse()
    response.read()
    remember(response)  # it took the flash messages: the cookie that held them goes
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def serve(environment: dict[str, str], workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "pharmacy.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=environment, start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    wait_until_serving(f"{base_url}/healthz", server)
    return server, base_url


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)
