"""The retention policy file: validated at start-up (a bad file names itself and the kind, and the system check
privacy.E001 reports it), its periods count calendar time, and docs/privacy.md shows exactly its table."""

import re
from datetime import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from privacy import retention
from privacy.retention import KIND_TRIGGERS, Period, RetentionPolicyError, load_policy, retention_policy
from tests.deploy.support import ROOT

POLICY_TEXT = retention.POLICY_FILE.read_text()


def docs_row(rule) -> str:
    note = f": {rule.note}" if rule.note else ""
    return (
        f"| `{rule.kind}` | {rule.record} | {rule.legal_basis} | {rule.period} after {rule.trigger_label} "
        f"| {rule.action}{note} | [{rule.source_title}]({rule.source_url}) |"
    )


def test_the_shipped_policy_decides_every_kind_of_record_the_clock_knows():
    policy = load_policy()

    assert sorted(rule.kind for rule in policy.rules) == sorted(KIND_TRIGGERS)
    assert str(policy.get("prescription_register").period) == "2 years"
    assert policy.get("prescription_register").action == "anonymise"
    assert str(policy.get("orders").period) == "6 years"
    assert policy.get("payment_movements").action == "keep"
    assert all(rule.source_url.startswith("https://") for rule in policy.rules)


def test_the_docs_table_is_the_policy_row_for_row():
    page = (ROOT / "docs" / "privacy.md").read_text()
    documented = [line for line in page.splitlines() if re.match(r"^\| `[a-z_]+` \|", line)]

    assert documented == [docs_row(rule) for rule in retention_policy().rules]
    assert f"version {retention_policy().version}" in page


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("kind: access_logs", "kind: access_log"), "unknown kind 'access_log'"),
        (("trigger: accessed", "trigger: order_closed"), "kind 'access_logs': the trigger of this kind is 'accessed'"),
        (("period: 7 days", "period: a week"), "kind 'data_exports': period 'a week'"),
        (("action: keep", "action: archive"), "kind 'payment_movements': action 'archive'"),
        (
            (
                "url: https://www.legislation.gov.uk/ukpga/1980/58/section/5",
                "url: http://www.legislation.gov.uk/ukpga/1980/58/section/5",
            ),
            "kind 'health_data_consents': source url",
        ),
        (("version: 1", "version: 0"), "`version` must be a positive integer"),
    ],
)
def test_a_malformed_policy_is_refused_naming_the_file_and_the_kind(tmp_path, change, problem):
    path = tmp_path / "retention.yaml"
    assert change[0] in POLICY_TEXT
    path.write_text(POLICY_TEXT.replace(change[0], change[1], 1))

    with pytest.raises(RetentionPolicyError) as refused:
        load_policy(path)

    assert str(refused.value).startswith("retention policy retention.yaml")
    assert problem in str(refused.value)


def test_a_kind_left_out_of_the_policy_is_refused(tmp_path):
    path = tmp_path / "retention.yaml"
    path.write_text(POLICY_TEXT.split("  - kind: data_exports")[0])

    with pytest.raises(RetentionPolicyError, match=r"no entry for \['data_exports'\]"):
        load_policy(path)


def test_the_system_check_reports_a_bad_policy_as_privacy_e001(tmp_path, monkeypatch):
    path = tmp_path / "retention.yaml"
    path.write_text(POLICY_TEXT.replace("action: delete", "action: shred", 1))
    monkeypatch.setattr(retention, "POLICY_FILE", path)

    with pytest.raises(SystemCheckError, match=r"privacy\.E001.*action 'shred'"):
        call_command("check")


@pytest.mark.parametrize(
    ("period", "moment", "expected"),
    [
        (Period(2, "year"), datetime(2028, 2, 29, 3, 0), datetime(2026, 2, 28, 3, 0)),
        (Period(6, "month"), datetime(2026, 8, 31), datetime(2026, 2, 28)),
        (Period(30, "day"), datetime(2026, 3, 1), datetime(2026, 1, 30)),
        (Period(1, "month"), datetime(2026, 1, 15), datetime(2025, 12, 15)),
    ],
)
def test_periods_count_calendar_time(period, moment, expected):
    assert period.before(moment) == expected
