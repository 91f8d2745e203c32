"""The retention policy: privacy/retention.yaml, read and validated once at start-up.

One entry per kind of personal record the nightly clock knows (KIND_TRIGGERS): its legal basis, the event
its period runs from, the period, the action at its end and the source. A kind missing from the file, an
unknown kind, a trigger other than the kind's, a malformed period or a source without an https link stops
start-up with a RetentionPolicyError naming the file and the entry, rather than keeping data nobody decided
about or deleting what the law says to keep.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

import yaml
from django.core.exceptions import ImproperlyConfigured

POLICY_FILE = Path(__file__).resolve().parent / "retention.yaml"
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Action:
    DELETE = "delete"
    ANONYMISE = "anonymise"
    KEEP = "keep"

    ALL = (DELETE, ANONYMISE, KEEP)


# The event each kind's period runs from, as the clock computes it (privacy/services/retention.py).
KIND_TRIGGERS = {
    "prescription_register": "last_supply",
    "orders": "order_closed",
    "payment_movements": "order_closed",
    "prescription_files": "prescription_last_used",
    "prescription_records": "prescription_last_used",
    "consultation_answers": "order_closed",
    "closed_account_health_records": "account_closed",
    "access_logs": "accessed",
    "health_data_consents": "consent_withdrawn",
    "data_exports": "export_built",
}
TRIGGER_LABELS = {
    "last_supply": "the supply",
    "order_closed": "the order is closed (dispatched, delivered, rejected or cancelled)",
    "prescription_last_used": "the last supply against it (or its upload, if never supplied)",
    "account_closed": "the account is closed",
    "accessed": "the access",
    "consent_withdrawn": "the consent is withdrawn",
    "export_built": "the export is built",
}
FIELDS = {"kind", "record", "legal_basis", "trigger", "period", "action", "source", "note"}
REQUIRED = FIELDS - {"note"}
PERIOD = re.compile(r"^([1-9][0-9]*) (day|days|month|months|year|years)$")
URL = re.compile(r"^https://[^\s/]+\.[^\s/]+/\S*$")


class RetentionPolicyError(ImproperlyConfigured):
    """A retention policy the clock cannot trust. The message names the file and, where there is one, the kind."""


@dataclass(frozen=True)
class Period:
    count: int
    unit: str  # "day", "month" or "year"

    def __str__(self) -> str:
        return f"{self.count} {self.unit}{'' if self.count == 1 else 's'}"

    def before(self, moment: datetime) -> datetime:
        """The moment this period before `moment`: records whose trigger is earlier have expired. Months
        and years are calendar ones (29 February steps back to the 28th)."""
        return self._shift(moment, -1)

    def after(self, moment: datetime) -> datetime:
        """The moment this period after `moment` (a trigger): when a record kept from then expires."""
        return self._shift(moment, 1)

    def _shift(self, moment: datetime, sign: int) -> datetime:
        if self.unit == "day":
            return moment + sign * timedelta(days=self.count)
        months = sign * self.count * (12 if self.unit == "year" else 1)
        year, month = divmod(moment.year * 12 + moment.month - 1 + months, 12)
        day = min(moment.day, calendar.monthrange(year, month + 1)[1])
        return moment.replace(year=year, month=month + 1, day=day)


@dataclass(frozen=True)
class RetentionRule:
    kind: str
    record: str
    legal_basis: str
    trigger: str
    period: Period
    action: str
    source_title: str
    source_url: str
    note: str = ""

    @property
    def trigger_label(self) -> str:
        return TRIGGER_LABELS[self.trigger]


@dataclass(frozen=True)
class RetentionPolicy:
    version: int
    rules: tuple[RetentionRule, ...]

    def get(self, kind: str) -> RetentionRule:
        return next(rule for rule in self.rules if rule.kind == kind)


def _fail(path: Path, problem: str, kind: str | None = None) -> RetentionPolicyError:
    where = f"retention policy {path.name}" + (f", kind {kind!r}" if kind else "")
    return RetentionPolicyError(f"{where}: {problem}")


def _text(path: Path, entry: dict, name: str, kind: str) -> str:
    value = entry.get(name, "")
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, f"`{name}` must be a non-empty text", kind)
    return " ".join(value.split())


def _rule(path: Path, entry) -> RetentionRule:
    if not isinstance(entry, dict):
        raise _fail(path, "each entry must be a mapping")
    kind = entry.get("kind")
    if kind not in KIND_TRIGGERS:
        raise _fail(path, f"unknown kind {kind!r}; the clock knows {sorted(KIND_TRIGGERS)}")
    if unknown := set(entry) - FIELDS:
        raise _fail(path, f"unknown fields {sorted(unknown)}", kind)
    if missing := REQUIRED - set(entry):
        raise _fail(path, f"missing fields {sorted(missing)}", kind)
    if entry["trigger"] != KIND_TRIGGERS[kind]:
        raise _fail(path, f"the trigger of this kind is {KIND_TRIGGERS[kind]!r}, not {entry['trigger']!r}", kind)
    match = PERIOD.match(str(entry["period"]))
    if not match:
        raise _fail(path, f'period {entry["period"]!r} must read like "30 days", "6 months" or "2 years"', kind)
    if entry["action"] not in Action.ALL:
        raise _fail(path, f"action {entry['action']!r} must be one of {list(Action.ALL)}", kind)
    source = entry["source"]
    if not isinstance(source, dict) or set(source) != {"title", "url"}:
        raise _fail(path, "`source` must have a `title` and a `url`", kind)
    if not isinstance(source["url"], str) or not URL.match(source["url"]):
        raise _fail(path, f"source url {source['url']!r} must be an https link", kind)
    return RetentionRule(
        kind=kind,
        record=_text(path, entry, "record", kind),
        legal_basis=_text(path, entry, "legal_basis", kind),
        trigger=entry["trigger"],
        period=Period(int(match.group(1)), match.group(2).removesuffix("s")),
        action=entry["action"],
        source_title=_text(path, source, "title", kind),
        source_url=source["url"],
        note=_text(path, entry, "note", kind) if "note" in entry else "",
    )


def load_policy(path: Path | None = None) -> RetentionPolicy:
    path = path or POLICY_FILE
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError) as error:
        raise _fail(path, f"cannot be read ({error})") from None
    if not isinstance(data, dict) or set(data) != {"version", "entries"}:
        raise _fail(path, "must be a mapping with `version` and `entries` only")
    version = data["version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail(path, "`version` must be a positive integer, raised whenever an entry changes")
    if not isinstance(data["entries"], list):
        raise _fail(path, "`entries` must be a list")
    rules = [_rule(path, entry) for entry in data["entries"]]
    kinds = [rule.kind for rule in rules]
    if duplicates := sorted({kind for kind in kinds if kinds.count(kind) > 1}):
        raise _fail(path, f"kinds listed twice: {duplicates}")
    if missing := sorted(set(KIND_TRIGGERS) - set(kinds)):
        raise _fail(path, f"no entry for {missing}: every kind of record needs a decision")
    return RetentionPolicy(version=version, rules=tuple(rules))


@lru_cache(maxsize=1)
def retention_policy() -> RetentionPolicy:
    """The policy, read once per process (at PrivacyConfig.ready())."""
    return load_policy()
