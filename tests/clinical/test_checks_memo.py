"""The checks' answers are kept per process (clinical.services._run): the same question is answered once,
and any change to the lines, the patient's facts, the day or the rule table is answered afresh."""

import datetime
from decimal import Decimal

import pytest

from clinical import services
from clinical.checks import ActiveIngredient, Medicine
from clinical.rule_table import rule_table
from patients.facts import PatientFacts

BACLOFEN = Medicine(name="Baclofen 10 mg tablets", ingredients=(ActiveIngredient("baclofen", Decimal("10")),),
                    key="BAC-10-84", legal_category="prescription", dosage_form="tablet")
TAKES_DIAZEPAM = PatientFacts(other_medicines=frozenset({"diazepam"}))


@pytest.fixture
def checks_run(monkeypatch):
    """How many times the real checks ran (they still run: only counted)."""
    runs = []

    def counted(**inputs):
        runs.append(inputs)
        return run_checks(**inputs)

    run_checks = services.run_checks
    monkeypatch.setattr(services, "run_checks", counted)
    services._checks_memo.clear()
    return runs


def rule_ids(alerts) -> set[str]:
    return {alert.rule_id for alert in alerts}


def test_the_same_question_runs_the_checks_once_and_gets_the_same_answer(checks_run):
    first = services._run(lines=[BACLOFEN], facts=TAKES_DIAZEPAM, supplied=[])
    again = services._run(lines=[BACLOFEN], facts=TAKES_DIAZEPAM, supplied=[])

    assert "baclofen-cns-depressants" in rule_ids(first)
    assert again == first and again is not first
    assert len(checks_run) == 1


def test_other_facts_lines_or_days_are_answered_afresh(checks_run, monkeypatch):
    declared = services._run(lines=[BACLOFEN], facts=TAKES_DIAZEPAM, supplied=[])
    undeclared = services._run(lines=[BACLOFEN], facts=PatientFacts(), supplied=[])
    no_lines = services._run(lines=[], facts=TAKES_DIAZEPAM, supplied=[])
    monkeypatch.setattr(services.timezone, "localdate", lambda: datetime.date(2031, 1, 2))
    another_day = services._run(lines=[BACLOFEN], facts=TAKES_DIAZEPAM, supplied=[])

    assert "baclofen-cns-depressants" in rule_ids(declared)
    assert "baclofen-cns-depressants" not in rule_ids(undeclared)
    assert no_lines == [] and rule_ids(another_day) == rule_ids(declared)
    assert len(checks_run) == 4


def test_a_reloaded_rule_table_is_asked_again(checks_run):
    services._run(lines=[BACLOFEN], facts=TAKES_DIAZEPAM, supplied=[])
    rule_table.cache_clear()  # what a changed table's reload does

    again = services._run(lines=[BACLOFEN], facts=TAKES_DIAZEPAM, supplied=[])

    assert "baclofen-cns-depressants" in rule_ids(again)
    assert len(checks_run) == 2 and checks_run[1]["table"] is rule_table()


def test_the_memo_keeps_no_patient_fact_and_equal_sets_share_an_answer(checks_run):
    facts = PatientFacts(date_of_birth=datetime.date(1961, 4, 30), conditions=frozenset({"asthma", "epilepsy"}),
                         other_medicines=frozenset({"diazepam", "sertraline"}),
                         other_medicines_text="Sertraline from Dr Okafor")
    services._run(lines=[BACLOFEN], facts=facts, supplied=[])
    # The same sets built in the other order: the same question.
    same = PatientFacts(date_of_birth=datetime.date(1961, 4, 30), conditions=frozenset({"epilepsy", "asthma"}),
                        other_medicines=frozenset({"sertraline", "diazepam"}),
                        other_medicines_text="Sertraline from Dr Okafor")
    services._run(lines=[BACLOFEN], facts=same, supplied=[])

    assert len(checks_run) == 1
    kept = repr(list(services._checks_memo))
    assert all(isinstance(key, bytes) for key in services._checks_memo)
    for fact in ("1961", "asthma", "epilepsy", "sertraline", "Okafor"):
        assert fact not in kept
