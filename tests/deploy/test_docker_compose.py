"""docker-compose.yml and the Dockerfile, checked without a Docker engine: the compose spec's JSON schema,
then what the schema cannot see (undefined depends_on targets, ports that YAML would read as numbers,
the settings each Django service needs), then the web container's own command, run here for real."""

import http.client
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys

import pytest
import yaml
from django.core.management import get_commands

from pharmacy.encryption import generate_key_entry

from .support import (
    ROOT,
    VENV_BIN,
    environment_without,
    free_port,
    http_get,
    settings_environment_variables,
    wait_for_http_ok,
    wait_for_port,
)

COMPOSE_FILE = ROOT / "docker-compose.yml"
DJANGO_SERVICES = {"web", "worker", "beat"}
# Read by scripts/start-web.sh and gunicorn rather than by the settings.
CONTAINER_ONLY_VARIABLES = {"DJANGO_SETTINGS_MODULE", "WEB_CONCURRENCY", "LOAD_DEMO_CATALOG", "RUN_MIGRATIONS",
                            "PROMETHEUS_MULTIPROC_DIR"}  # the last one is read by prometheus_client
TEST_PRESCRIPTION_KEYS = generate_key_entry("compose-test")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def test_compose_file_matches_the_compose_specification():
    result = subprocess.run(
        [str(VENV_BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE)],
        capture_output=True, text=True, timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_has_the_services_of_the_stack(compose):
    assert set(compose["services"]) == {"db", "redis", "mailpit", "minio", "minio-setup", "migrate", "proxy", "web",
                                        "worker", "beat", "prometheus", "grafana"}
    assert compose["services"]["db"]["image"] == "postgres:16"
    assert compose["services"]["redis"]["image"] == "redis:7"


def test_compose_depends_on_only_defined_services_and_waits_for_health(compose):
    services = compose["services"]
    for name, service in services.items():
        for target, condition in service.get("depends_on", {}).items():
            assert target in services, f"{name} depends on undefined service {target}"
            assert target != name
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[target], f"{name} waits for {target}'s missing healthcheck"
    for name in DJANGO_SERVICES:
        assert services[name]["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert services["web"]["depends_on"]["db"] == {"condition": "service_healthy"}
    assert services["worker"]["depends_on"]["db"] == {"condition": "service_healthy"}


def test_compose_services_that_others_rely_on_have_healthchecks(compose):
    for name in ("db", "redis", "web", "worker"):
        healthcheck = compose["services"][name]["healthcheck"]
        assert healthcheck["test"][0] in {"CMD", "CMD-SHELL"}, name


def test_compose_ports_are_strings(compose):
    """Unquoted, YAML 1.1 reads 8000:8000 as a base-60 number."""
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert isinstance(port, str), f"{name}: port {port!r} must be quoted"
    assert compose["services"]["proxy"]["ports"] == ["127.0.0.1:8000:80"]


def test_compose_gives_every_django_service_the_production_settings(compose):
    for name in DJANGO_SERVICES:
        environment = compose["services"][name]["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "pharmacy.settings.production", name
        assert environment["DATABASE_URL"].startswith("postgres://pharmacy:"), name
        assert environment["DATABASE_URL"].endswith("@db:5432/pharmacy"), name
        assert environment["REDIS_URL"] == "redis://redis:6379/0", name
        assert environment["DEBUG"] == "false", name
        assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", environment["SECRET_KEY"]), name
        assert environment["ALLOWED_HOSTS"], name


def test_compose_takes_no_test_payments_unless_told(compose):
    """Without Stripe keys the stack refuses to start (production settings take no test payments),
    unless whoever runs it sets ALLOW_TEST_PAYMENTS_IN_PRODUCTION=true themselves."""
    for name in DJANGO_SERVICES:
        environment = compose["services"][name]["environment"]
        assert environment["ALLOW_TEST_PAYMENTS_IN_PRODUCTION"] == "${ALLOW_TEST_PAYMENTS_IN_PRODUCTION:-false}", name


def test_compose_sets_only_variables_that_something_reads(compose):
    known = settings_environment_variables() | CONTAINER_ONLY_VARIABLES
    for name in DJANGO_SERVICES:
        assert set(compose["services"][name]["environment"]) <= known, name


def test_compose_keeps_objects_and_database_on_named_volumes(compose):
    services = compose["services"]
    declared = set(compose["volumes"])
    assert "objects:/data" in services["minio"]["volumes"]
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    used = {mount.split(":")[0] for service in services.values() for mount in service.get("volumes", [])}
    bind_mounts = {source for source in used if source.startswith("./")}
    assert used - bind_mounts <= declared
    for source in bind_mounts:  # read-only configuration files of the repository
        assert (ROOT / source).exists(), source
    # No web node keeps files of its own: every upload goes to the object store.
    for name in DJANGO_SERVICES:
        assert not services[name].get("volumes"), name


def with_defaults(value: str) -> str:
    """A compose value as compose interpolates it when the variables are unset: ${NAME:-default}."""
    return re.sub(r"\$\{[A-Z_][A-Z0-9_]*:-([^}]*)\}", r"\1", value)


def test_compose_stores_media_and_prescriptions_in_the_object_store(compose):
    from pharmacy.storage import parse_storage_url

    services = compose["services"]
    minio, setup = services["minio"], services["minio-setup"]
    for name in DJANGO_SERVICES:
        environment = services[name]["environment"]
        parsed = parse_storage_url(with_defaults(environment["STORAGE_URL"]))
        assert parsed["endpoint_url"] == "http://minio:9000" and parsed["bucket"] == "pharmacy", name
        assert parsed["access_key"] == with_defaults(minio["environment"]["MINIO_ROOT_USER"]) == "pharmacy"
        assert parsed["secret_key"] == with_defaults(minio["environment"]["MINIO_ROOT_PASSWORD"])
        assert re.fullmatch(r"\$\{PRESCRIPTION_ENCRYPTION_KEYS:\?[^}]+\}", environment["PRESCRIPTION_ENCRYPTION_KEYS"])
        assert "MEDIA_ROOT" not in environment and "PRIVATE_MEDIA_ROOT" not in environment, name
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["minio-setup"] == {"condition": "service_completed_successfully"}
    assert setup["depends_on"]["minio"] == {"condition": "service_healthy"}
    assert setup["environment"] == minio["environment"]
    # The bucket is private (no anonymous access) and versioned (backups, docs/deployment.md "Backups").
    script = setup["command"][0]
    assert "mc mb --ignore-existing store/pharmacy" in script
    assert "mc anonymous set none store/pharmacy" in script
    assert "mc version enable store/pharmacy" in script
    # Only the console is published, on loopback; the S3 API stays inside the compose network.
    assert minio["ports"] == ["127.0.0.1:9001:9001"]


def test_compose_runs_the_web_command_from_the_image(compose):
    assert compose["services"]["web"]["command"] == ["scripts/start-web.sh"]
    assert os.access(ROOT / "scripts" / "start-web.sh", os.X_OK)
    for name in DJANGO_SERVICES:
        assert compose["services"][name]["build"] == "."


def test_dockerfile_builds_from_python_slim_with_the_runtime_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert dockerfile.startswith("# ") and "\nFROM python:3.11-slim\n" in dockerfile
    assert "RUN pip install -r requirements/base.txt" in dockerfile
    assert "\nUSER pharmacy\n" in dockerfile
    assert 'CMD ["scripts/start-web.sh"]' in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".env", "var", ".git"} <= set(ignored)


def test_web_container_command_serves_with_production_settings(tmp_path, migrated_sqlite):
    """scripts/start-web.sh as the container runs it, here on SQLite: migrate, demo catalog,
    collectstatic, gunicorn, under pharmacy.settings.production. The database starts migrated, so its
    migrate has nothing to apply; it touches nothing shared (its own keys, database and directories), so
    it needs no xdist_group."""
    shutil.copyfile(migrated_sqlite, tmp_path / "web.sqlite3")
    port = free_port()
    environment = environment_without(
        "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_URL",
        PATH=f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
        DJANGO_SETTINGS_MODULE="pharmacy.settings.production", ALLOW_EMBEDDED_SERVICES_IN_PRODUCTION="true",
        ALLOW_TEST_PAYMENTS_IN_PRODUCTION="true",  # as the demo compose stack sets it
        SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1", DEBUG="false",
        PRESCRIPTION_ENCRYPTION_KEYS=TEST_PRESCRIPTION_KEYS,
        SECURE_SSL_REDIRECT="false", DATABASE_URL=f"sqlite:///{tmp_path / 'web.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"), PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
        STATIC_ROOT=str(tmp_path / "static"), BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1",
        LOAD_DEMO_CATALOG="true" if "load_demo_catalog" in get_commands() else "false",
    )
    log_path = tmp_path / "web.log"
    with log_path.open("wb") as log:
        web = subprocess.Popen([str(ROOT / "scripts" / "start-web.sh")], cwd=ROOT, env=environment,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_http_ok(f"http://127.0.0.1:{port}/healthz", process=web, log_path=log_path)

        assert http_get(f"http://127.0.0.1:{port}/healthz") == (200, b'{"status": "ok"}')
        assert http_get(f"http://127.0.0.1:{port}/admin/login/")[0] == 200
        assert http_get(f"http://127.0.0.1:{port}/static/css/site.css")[0] == 200  # WhiteNoise
        # start-web.sh ends in exec: gunicorn itself stops on SIGTERM, as `docker stop` sends it.
        os.kill(web.pid, signal.SIGTERM)
        assert web.wait(timeout=30) == 0
        log = log_path.read_text()
        assert "gunicorn" in log.lower()
        assert "Demo logins not created" in log or "load_demo_catalog" not in get_commands()
    finally:
        if web.poll() is None:
            os.killpg(web.pid, signal.SIGKILL)


def test_web_health_check_passes_when_https_redirect_is_on(tmp_path):
    """The compose health check sends X-Forwarded-Proto: https, so SECURE_SSL_REDIRECT=true does not
    turn /healthz into a redirect; run the check's own Python against a server with the redirect on."""
    check = yaml.safe_load(COMPOSE_FILE.read_text())["services"]["web"]["healthcheck"]["test"]
    assert check[:3] == ["CMD", "python", "-c"]
    port = free_port()
    environment = environment_without(
        "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_URL",
        DJANGO_SETTINGS_MODULE="pharmacy.settings.production", ALLOW_EMBEDDED_SERVICES_IN_PRODUCTION="true",
        ALLOW_TEST_PAYMENTS_IN_PRODUCTION="true",  # as the demo compose stack sets it
        SECRET_KEY=secrets.token_urlsafe(50), PRESCRIPTION_ENCRYPTION_KEYS=TEST_PRESCRIPTION_KEYS,
        ALLOWED_HOSTS="localhost", DEBUG="false", SECURE_SSL_REDIRECT="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'web.sqlite3'}",
    )
    log_path = tmp_path / "web.log"
    with log_path.open("wb") as log:
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "pharmacy.wsgi:application", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        wait_for_port(port, process=web, log_path=log_path)
        # The check's 5 s are for a started server (compose gives it start_period: 60s); on a busy machine
        # the first request also waits for the worker to load Django, so one request goes first.
        warm_up = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        warm_up.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
        warm_up.getresponse().read()
        warm_up.close()
        health_check = check[3].replace("localhost:8000", f"localhost:{port}")

        result = subprocess.run([sys.executable, "-c", health_check], capture_output=True, text=True,
                                timeout=30)

        assert result.returncode == 0, result.stderr + log_path.read_text()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/healthz", headers={"Host": "localhost"})
        assert connection.getresponse().status == 301  # without the header: redirected to https
    finally:
        os.killpg(web.pid, signal.SIGKILL)
        web.wait()


# --- At scale: docker compose up --scale web=3 --scale worker=2 ---------------------------------------------

def test_compose_scales_web_and_worker_behind_the_proxy(compose):
    services = compose["services"]
    for name in ("web", "worker", "beat", "migrate"):
        assert "ports" not in services[name], f"{name} publishes a port: a second replica could not bind it"
        assert "container_name" not in services[name], f"{name} has a fixed name: it could not be scaled"
    assert services["web"]["expose"] == ["8000"]
    assert services["proxy"]["depends_on"]["web"] == {"condition": "service_healthy"}
    published = [port for service in services.values() if "profiles" not in service
                 for port in service.get("ports", [])]
    # The proxy, mailpit and the object store's console: each on loopback, each a single instance.
    assert sorted(published) == ["127.0.0.1:8000:80", "127.0.0.1:8025:8025", "127.0.0.1:9001:9001"]


def test_compose_migrates_once_before_web_worker_and_beat(compose):
    services = compose["services"]
    assert services["migrate"]["command"] == ["scripts/migrate.sh"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["db"] == {"condition": "service_healthy"}
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
    assert services["web"]["environment"]["RUN_MIGRATIONS"] == "false"
    assert "RUN_MIGRATIONS" not in services["migrate"]["environment"]
    assert os.access(ROOT / "scripts" / "migrate.sh", os.X_OK)
    start_web = (ROOT / "scripts" / "start-web.sh").read_text()
    assert 'if [ "${RUN_MIGRATIONS:-true}" = "true" ]; then' in start_web
    assert "manage.py migrate" not in start_web  # only through migrate.sh


def test_compose_keeps_beat_single(compose):
    beat = compose["services"]["beat"]
    assert beat["deploy"]["replicas"] == 1
    assert beat["command"][:4] == ["celery", "-A", "pharmacy", "beat"]
    worker_command = compose["services"]["worker"]["command"]
    assert "beat" not in worker_command and "-B" not in worker_command  # no embedded beat per worker


def test_proxy_configuration_reaches_every_web_replica_and_hides_metrics():
    config = (ROOT / "ops" / "nginx" / "default.conf").read_text()
    mount = "./ops/nginx/default.conf:/etc/nginx/conf.d/default.conf:ro"
    assert mount in yaml.safe_load(COMPOSE_FILE.read_text())["services"]["proxy"]["volumes"]

    assert "resolver 127.0.0.11 valid=10s" in config  # Docker's DNS, re-read as replicas come and go
    assert "set $pharmacy_web http://web:8000;" in config and "proxy_pass $pharmacy_web;" in config
    assert "location /metrics {\n        return 404;" in config
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in config
    assert "proxy_set_header X-Request-ID $pharmacy_request_id;" in config
    assert config.count("{") == config.count("}")


def test_compose_shares_the_settings_that_scaling_needs(compose):
    environment = compose["services"]["web"]["environment"]
    assert environment["TRUSTED_PROXY_COUNT"] == "1"  # exactly the proxy service
    assert environment["LOG_FORMAT"] == "json"
    assert environment["METRICS_TOKEN"] == "${METRICS_TOKEN:-}"
    assert environment["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/")
    for name in ("worker", "beat", "migrate"):
        assert compose["services"][name]["environment"]["DATABASE_URL"] == environment["DATABASE_URL"], name


def test_monitoring_services_are_optional_and_read_the_repository_files(compose):
    services = compose["services"]
    for name in ("prometheus", "grafana"):
        assert services[name]["profiles"] == ["monitoring"], name
    assert "./ops/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro" in services["prometheus"]["volumes"]
    assert services["prometheus"]["configs"] == [{"source": "metrics-token",
                                                   "target": "/etc/prometheus/metrics-token"}]
    assert compose["configs"]["metrics-token"] == {"content": "${METRICS_TOKEN:-}"}
    assert "./ops/grafana/pharmacy.json:/var/lib/grafana/dashboards/pharmacy.json:ro" in services["grafana"]["volumes"]

    prometheus = yaml.safe_load((ROOT / "ops" / "prometheus" / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in prometheus["scrape_configs"]}
    assert jobs["pharmacy-web"]["metrics_path"] == "/metrics"
    assert jobs["pharmacy-web"]["dns_sd_configs"] == [{"names": ["web"], "type": "A", "port": 8000}]
    assert jobs["pharmacy-gauges"]["metrics_path"] == "/metrics/pharmacy"
    assert jobs["pharmacy-gauges"]["static_configs"] == [{"targets": ["web:8000"]}]  # one target: once per scrape
    for job in jobs.values():
        assert job["authorization"]["credentials_file"] == "/etc/prometheus/metrics-token"


def test_grafana_dashboard_charts_the_django_and_pharmacy_metrics():
    import json

    dashboard = json.loads((ROOT / "ops" / "grafana" / "pharmacy.json").read_text())
    expressions = " ".join(target["expr"] for panel in dashboard["panels"] for target in panel["targets"])

    assert dashboard["uid"] == "pharmacy"
    for metric in ("django_http_requests_total_by_view_transport_method_total",
                   "django_http_requests_latency_seconds_by_view_method_bucket", "django_db_execute_total",
                   "django_cache_get_hits_total", "pharmacy_orders", "pharmacy_review_queue_length",
                   "pharmacy_review_queue_oldest_age_seconds", "pharmacy_outbox_messages",
                   "pharmacy_catalog_import_runs", "pharmacy_catalog_import_last_finished_timestamp_seconds",
                   "pharmacy_payments", "pharmacy_payments_authorised_amount"):
        assert metric in expressions, metric
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
