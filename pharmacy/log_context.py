"""Request ids and structured logs.

Every request gets an id: the incoming `X-Request-ID` when it is a sane token (what a proxy or load
balancer assigned), else a new one. It is kept in a context variable for the request's work, sent back as
the `X-Request-ID` response header, added to every log record by `RequestIdFilter`, and handed to the
Celery tasks the request queues (a task header set in `before_task_publish`, restored in `task_prerun`),
so one id follows a checkout from the web node to the worker that sends its e-mail.

`LOG_FORMAT=json` (the production default) writes one JSON object per line; `text` is for people.
Log messages carry ids (order numbers, primary keys), never names, addresses or prescription contents.
"""

import json
import logging
import re
import uuid
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
TASK_HEADER = "pharmacy_request_id"
# What we accept from outside: short, and nothing that could forge a log line or carry personal data at length.
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
NO_REQUEST_ID = "-"

request_id_var: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST_ID)


def current_request_id() -> str:
    return request_id_var.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE, so everything after it (and the tasks it queues) logs under the request's id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if VALID_REQUEST_ID.match(incoming) else new_request_id()
        request.request_id = request_id
        # Not reset on the way out: Django logs the response (django.request) after the middleware has
        # returned. `request_finished` clears it once the response is closed (see forget_request_id).
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def forget_request_id(**kwargs) -> None:
    request_id_var.set(NO_REQUEST_ID)


def connect_request_signals() -> None:
    from django.core.signals import request_finished

    request_finished.connect(forget_request_id, dispatch_uid="pharmacy-request-id-finished")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


# Attributes every LogRecord has; anything else a caller passed with `extra=` goes into the JSON too.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NO_REQUEST_ID),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING setting: one console handler, the request-id filter, text or JSON."""
    if log_format not in ("text", "json"):
        raise ValueError(f"LOG_FORMAT must be 'text' or 'json', not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "pharmacy.log_context.RequestIdFilter"}},
        "formatters": {
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
            "json": {"()": "pharmacy.log_context.JsonFormatter"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": log_format, "filters": ["request_id"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }


# --- Celery: carry the id from the publisher to the task ------------------------------------------------

def add_request_id_to_task_headers(headers=None, **kwargs) -> None:
    request_id = request_id_var.get()
    if headers is not None and request_id != NO_REQUEST_ID:
        headers[TASK_HEADER] = request_id


def restore_request_id_for_task(task=None, **kwargs) -> None:
    request_id = getattr(task.request, TASK_HEADER, None) if task is not None else None
    if request_id is None and task is not None:
        request_id = (task.request.headers or {}).get(TASK_HEADER) if task.request.headers else None
    if request_id:
        # A worker runs one task at a time per thread: the previous task's id is replaced, never leaked.
        task.request._pharmacy_request_id_token = request_id_var.set(request_id)


def forget_request_id_after_task(task=None, **kwargs) -> None:
    token = getattr(task.request, "_pharmacy_request_id_token", None) if task is not None else None
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:  # set in another context (a pool quirk): just clear it
            request_id_var.set(NO_REQUEST_ID)


def connect_celery_signals() -> None:
    from celery.signals import before_task_publish, task_postrun, task_prerun

    before_task_publish.connect(add_request_id_to_task_headers, weak=False, dispatch_uid="pharmacy-request-id-publish")
    task_prerun.connect(restore_request_id_for_task, weak=False, dispatch_uid="pharmacy-request-id-prerun")
    task_postrun.connect(forget_request_id_after_task, weak=False, dispatch_uid="pharmacy-request-id-postrun")
