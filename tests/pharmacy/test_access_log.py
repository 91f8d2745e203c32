"""gunicorn's access log: off unless asked for, and when on, without tokens in paths, query strings
(search terms), referrers or request headers."""

import logging
import runpy
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from gunicorn.config import Config

from accounts.tokens import encode_uid, password_reset_tokens
from pharmacy.gunicorn_logging import ScrubbedAccessLogger
from tests.factories import UserFactory

ROOT = Path(settings.BASE_DIR)


def gunicorn_settings() -> dict:
    """What gunicorn reads from ./gunicorn.conf.py in the repository, its working directory everywhere."""
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_the_access_log_is_off_by_default_and_no_server_turns_it_on(monkeypatch):
    monkeypatch.delenv("GUNICORN_ACCESS_LOG", raising=False)
    assert gunicorn_settings()["accesslog"] is None
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "-")
    assert gunicorn_settings()["accesslog"] == "-"
    for script in ("scripts/start-web.sh", "scripts/run.py"):
        assert "access-log" not in (ROOT / script).read_text()


class Response:
    status = "200 OK"
    sent = 512
    headers = [("Set-Cookie", "sessionid=secret-session")]


def access_line(environ: dict, caplog) -> str:
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", gunicorn_settings()["access_log_format"])
    assert gunicorn_settings()["logger_class"] == "pharmacy.gunicorn_logging.ScrubbedAccessLogger"
    logger = ScrubbedAccessLogger(config)
    logger.access_log.propagate = True  # so that caplog sees it
    environ = {"REQUEST_METHOD": "GET", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "203.0.113.9",
               "RAW_URI": environ["PATH_INFO"] + "?" + environ.get("QUERY_STRING", ""), **environ}
    request = [("Cookie", "sessionid=secret-session"), ("Authorization", "Token secret-token")]
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logger.access(Response(), request, environ, timedelta(milliseconds=3))
    return caplog.records[-1].getMessage()


def test_a_password_reset_link_is_logged_without_its_uid_or_token(db, caplog):
    user = UserFactory()
    uid, token = encode_uid(user), password_reset_tokens.make_token(user)

    line = access_line({"PATH_INFO": f"/accounts/password-reset/{uid}/{token}/",
                        "HTTP_REFERER": f"https://shop.example/accounts/password-reset/{uid}/{token}/"}, caplog)

    assert '"GET /accounts/password-reset/[redacted]/[redacted]/ HTTP/1.1" 200 512' in line
    assert token not in line and uid not in line and "secret" not in line


def test_a_search_is_logged_without_its_query_string(db, caplog):
    line = access_line({"PATH_INFO": "/medicines/", "QUERY_STRING": "q=pregnancy+test"}, caplog)

    assert '"GET /medicines/ HTTP/1.1" 200' in line and "pregnancy" not in line

