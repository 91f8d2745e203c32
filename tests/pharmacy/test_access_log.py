"""gunicorn's access log: off unless asked for, and when on, without tokens in paths, query strings
(search terms), referrers or request headers."""

import importlib
import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from gunicorn.config import Config

from accounts.tokens import encode_uid, password_reset_tokens
from pharmacy.gunicorn_logging import ScrubbedAccessLogger
from tests.factories import UserFactory

ROOT = Path(settings.BASE_DIR)


def test_the_access_log_is_off_by_default_and_every_server_reads_the_config(monkeypatch):
    monkeypatch.delenv("GUNICORN_ACCESS_LOG", raising=False)
    import pharmacy.gunicorn_conf as conf

    assert importlib.reload(conf).accesslog is None
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "-")
    assert importlib.reload(conf).accesslog == "-"
    for script in ("scripts/start-web.sh", "scripts/run.py"):
        text = (ROOT / script).read_text()
        assert "python:pharmacy.gunicorn_conf" in text and "access-logfile" not in text


class Response:
    status = "200 OK"
    sent = 512
    headers = [("Set-Cookie", "sessionid=secret-session")]


def access_line(environ: dict, caplog) -> str:
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", importlib.import_module("pharmacy.gunicorn_conf").access_log_format)
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

