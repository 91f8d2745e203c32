"""The class rules on the combinations a pharmacy sees most, straight through the pure checks: the misses a
pharmacist found must alert, and everyday safe combinations must stay quiet (no major alert)."""

from datetime import date
from decimal import Decimal

import pytest

from clinical.checks import ActiveIngredient, Directions, Medicine, Origin, run_checks
from clinical.rule_table import Severity, rule_table
from patients.facts import PatientFacts

TODAY = date(2026, 6, 1)
ADULT = PatientFacts(date_of_birth=date(1980, 1, 1))


def medicine(name: str, atc: str, *ingredients: tuple[str, str], key: str = "", directions=None,
             category: str = "prescription") -> Medicine:
    return Medicine(name=name, key=key or name, atc_code=atc, legal_category=category, directions=directions,
                    ingredients=tuple(ActiveIngredient(i, Decimal(mg)) for i, mg in ingredients))


def declared(name: str) -> PatientFacts:
    return PatientFacts(date_of_birth=date(1980, 1, 1), other_medicines=frozenset({name}))


def alerts(lines, facts=ADULT):
    return {(alert.rule_id, alert.severity)
            for alert in run_checks(table=rule_table(), lines=lines, facts=facts, today=TODAY, jurisdiction="GB")}


SILDENAFIL = medicine("Sildenafil 50 mg", "G04BE03", ("sildenafil citrate", "50"))
IBUPROFEN = medicine("Ibuprofen 200 mg", "M01AE01", ("ibuprofen", "200"), category="general_sale")
NAPROXEN = medicine("Naproxen 250 mg", "M01AE02", ("naproxen", "250"))
TRIMETHOPRIM = medicine("Trimethoprim 200 mg", "J01EA01", ("trimethoprim", "200"))
CLARITHROMYCIN = medicine("Clarithromycin 500 mg", "J01FA09", ("clarithromycin", "500"))
SUMATRIPTAN = medicine("Sumatriptan 50 mg", "N02CC01", ("sumatriptan succinate", "50"), category="pharmacy")
SERTRALINE = medicine("Sertraline 50 mg", "N06AB06", ("sertraline hydrochloride", "50"))
FLUOXETINE = medicine("Fluoxetine 20 mg", "N06AB03", ("fluoxetine hydrochloride", "20"))
ASPIRIN = medicine("Aspirin 300 mg", "N02BA01", ("aspirin", "300"), category="general_sale")
PSEUDOEPHEDRINE = medicine("Pseudoephedrine 60 mg", "R01BA02", ("pseudoephedrine hydrochloride", "60"),
                           category="pharmacy")
PROPRANOLOL = medicine("Propranolol 40 mg", "C07AA05", ("propranolol hydrochloride", "40"))
RAMIPRIL = medicine("Ramipril 5 mg", "C09AA05", ("ramipril", "5"))


@pytest.mark.parametrize(("lines", "facts", "expected"), [
    ([SILDENAFIL], declared("isosorbide mononitrate"), ("pde5-inhibitors-nitrates", Severity.CONTRAINDICATED)),
    ([IBUPROFEN], declared("warfarin sodium"), ("nsaids-anticoagulants", Severity.MAJOR)),
    ([TRIMETHOPRIM], declared("methotrexate"), ("methotrexate-trimethoprim", Severity.MAJOR)),
    ([NAPROXEN], declared("methotrexate sodium"), ("methotrexate-nsaids", Severity.MAJOR)),
    ([CLARITHROMYCIN], declared("simvastatin"), ("simvastatin-strong-cyp3a4-inhibitors", Severity.CONTRAINDICATED)),
    ([SUMATRIPTAN], declared("citalopram hydrobromide"), ("triptans-ssris-snris", Severity.MAJOR)),
    ([SERTRALINE, FLUOXETINE], ADULT, ("ssris-snris-together", Severity.MAJOR)),
    ([SERTRALINE, FLUOXETINE], ADULT, ("ssris-duplication", Severity.MAJOR)),
    ([ASPIRIN], PatientFacts(date_of_birth=date(2014, 1, 1)), ("aspirin-under-16", Severity.CONTRAINDICATED)),
    ([PSEUDOEPHEDRINE], PatientFacts(date_of_birth=date(2021, 1, 1)),
     ("oral-decongestants-under-12", Severity.CONTRAINDICATED)),
    ([PSEUDOEPHEDRINE], PatientFacts(conditions=frozenset({"high_blood_pressure"})),
     ("oral-decongestants-high-blood-pressure", Severity.MAJOR)),
    ([PROPRANOLOL], PatientFacts(conditions=frozenset({"asthma"})),
     ("non-selective-beta-blockers-asthma", Severity.CONTRAINDICATED)),
    ([RAMIPRIL], PatientFacts(pregnant=True, pregnancy_weeks=8),
     ("renin-angiotensin-blockers-pregnancy", Severity.MAJOR)),
    ([RAMIPRIL], PatientFacts(pregnant=True, pregnancy_weeks=20),
     ("renin-angiotensin-blockers-pregnancy-second-third-trimester", Severity.CONTRAINDICATED)),
    ([ASPIRIN], PatientFacts(allergy_ingredients=frozenset({"ibuprofen"})),
     ("nsaids-nsaid-allergy", Severity.CONTRAINDICATED)),
])
def test_the_misses_a_pharmacist_found_now_alert(lines, facts, expected):
    assert expected in alerts(lines, facts)


def test_citalopram_80_mg_a_day_exceeds_the_maximum_and_over_65_the_lower_band_applies():
    def citalopram(daily: int) -> Medicine:
        return medicine("Citalopram 20 mg", "N06AB04", ("citalopram hydrobromide", "20"),
                        directions=Directions(dose=Decimal(daily), dose_unit="mg", times_per_day=1))

    assert ("citalopram-max-daily-dose", Severity.MAJOR) in alerts([citalopram(80)])
    assert not {rule for rule, _ in alerts([citalopram(40)])} & {"citalopram-max-daily-dose",
                                                                  "citalopram-max-daily-dose-over-65"}
    elderly = PatientFacts(date_of_birth=date(1950, 1, 1))
    assert ("citalopram-max-daily-dose-over-65", Severity.MAJOR) in alerts([citalopram(40)], elderly)


@pytest.mark.parametrize(("lines", "facts"), [
    ([medicine("Paracetamol 500 mg", "N02BE01", ("paracetamol", "500"), category="general_sale"), IBUPROFEN], ADULT),
    ([medicine("Cetirizine 10 mg", "R06AE07", ("cetirizine hydrochloride", "10"), category="general_sale"),
      medicine("Omeprazole 20 mg", "A02BC01", ("omeprazole", "20"), category="pharmacy")], ADULT),
    ([medicine("Simvastatin 20 mg", "C10AA01", ("simvastatin", "20"),
               directions=Directions(dose=Decimal(20), dose_unit="mg", times_per_day=1))], declared("amlodipine")),
    ([medicine("Amoxicillin 500 mg", "J01CA04", ("amoxicillin", "500"))], declared("levothyroxine sodium")),
    ([medicine("Loratadine 10 mg", "R06AX13", ("loratadine", "10"), category="general_sale")], declared("ramipril")),
])
def test_everyday_safe_combinations_raise_no_major_alert(lines, facts):
    serious = {(rule, severity) for rule, severity in alerts(lines, facts) if severity in Severity.NEEDS_OVERRIDE}
    assert not serious


def test_a_repeat_of_the_same_medicine_is_not_an_interaction_with_itself():
    citalopram = medicine("Citalopram 20 mg", "N06AB04", ("citalopram hydrobromide", "20"))
    supplied = Medicine(name="Citalopram 20 mg", origin=Origin.SUPPLIED, atc_code="N06AB04",
                        ingredients=(ActiveIngredient("citalopram hydrobromide"),))

    found = run_checks(table=rule_table(), lines=[citalopram], facts=ADULT, supplied=[supplied], today=TODAY)

    assert not [alert for alert in found if alert.kind == "interaction"]


def test_a_tablets_age_limit_leaves_the_childrens_liquid_alone():
    toddler = PatientFacts(date_of_birth=date(2023, 1, 1))
    liquid = Medicine(name="Paracetamol 120 mg/5 mL", key="CALPOL", atc_code="N02BE01", dosage_form="oral_solution",
                      ingredients=(ActiveIngredient("paracetamol", Decimal(24)),), legal_category="pharmacy")
    tablets = Medicine(name="Paracetamol 500 mg", key="PARA", atc_code="N02BE01", dosage_form="tablet",
                       ingredients=(ActiveIngredient("paracetamol", Decimal(500)),), legal_category="general_sale")

    assert not [rule for rule, _ in alerts([liquid], toddler) if rule == "paracetamol-tablets-under-10"]
    assert ("paracetamol-tablets-under-10", Severity.CONTRAINDICATED) in alerts([tablets], toddler)


def test_the_rule_tables_dosage_forms_are_the_catalogs():
    from catalog.models import DosageForm
    from clinical.rule_table import DOSAGE_FORMS

    assert set(DosageForm.values) == DOSAGE_FORMS


def test_two_strengths_of_one_prescribed_medicine_are_one_regimen_not_a_duplicate():
    warfarin_1 = medicine("Warfarin 1 mg", "B01AA03", ("warfarin sodium", "1"))
    warfarin_3 = medicine("Warfarin 3 mg", "B01AA03", ("warfarin sodium", "3"))
    apixaban = medicine("Apixaban 5 mg", "B01AF02", ("apixaban", "5"))

    assert not {rule for rule, _ in alerts([warfarin_1, warfarin_3])} & {"anticoagulants-duplication"}
    assert not {rule for rule, _ in alerts([warfarin_3], declared("warfarin"))} & {"anticoagulants-duplication"}
    assert ("anticoagulants-duplication", Severity.CONTRAINDICATED) in alerts([warfarin_3, apixaban])


def test_the_same_ingredient_bought_over_the_counter_twice_is_still_a_duplicate():
    small = medicine("Paracetamol 16", "N02BE01", ("paracetamol", "500"), key="P16", category="general_sale")
    large = medicine("Paracetamol 32", "N02BE01", ("paracetamol", "500"), key="P32", category="pharmacy")

    assert ("paracetamol-duplication", Severity.MAJOR) in alerts([small, large])
    assert ("nsaids-duplication", Severity.MAJOR) in alerts([IBUPROFEN], declared("ibuprofen"))
