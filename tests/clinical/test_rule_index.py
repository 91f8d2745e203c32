"""The rule table's index (clinical.rule_index): it answers as the checks' own `matches` does, it never leaves
out a rule that names a medicine, and a changed rule table is what the next evaluation reads."""

import textwrap
from datetime import date

from clinical.checks import ActiveIngredient, Medicine, matches, run_checks
from clinical.rule_index import Matcher
from clinical.rule_table import load_rule_table, rule_table
from demo.catalog_data import PRODUCTS
from patients.facts import PatientFacts

TODAY = date(2026, 6, 1)
ADULT = PatientFacts(date_of_birth=date(1980, 1, 1))


def _medicines(table) -> list[Medicine]:
    """The demo catalog's products, and one medicine for every name and ATC prefix the table uses, with the
    salts, longer names and shorter codes the index must still (or must not) match."""
    medicines = [Medicine(name=product.name, atc_code=product.atc_code,
                          ingredients=tuple(ActiveIngredient(strength.ingredient.lower()) for pack in product.packs
                                            for strength in pack.strengths))
                 for product in PRODUCTS]
    names = {subject.value for rule in table.rules for subject in (*rule.subjects, *rule.interacts_with)
             if subject.kind == "ingredient"}
    names |= {member for drug_class in table.classes.values() for member in drug_class.ingredients}
    for name in sorted(names):
        for variant in (name, f"{name} sodium", f"{name} erbumine", f"sodium {name}", name.split(" ")[0]):
            medicines.append(Medicine(name=variant, ingredients=(ActiveIngredient(variant),)))
    prefixes = {subject.value for rule in table.rules for subject in (*rule.subjects, *rule.interacts_with)
                if subject.kind == "atc"}
    prefixes |= {prefix for drug_class in table.classes.values() for prefix in drug_class.atc_prefixes}
    for prefix in sorted(prefixes):
        for code in (prefix, prefix + "01", prefix[:-1]):
            medicines.append(Medicine(name=code, atc_code=code, ingredients=(ActiveIngredient("lactose"),)))
    return medicines


def test_the_index_matches_exactly_what_the_checks_match():
    table = rule_table()
    subjects = {subject for rule in table.rules for subject in (*rule.subjects, *rule.interacts_with)}
    medicines = _medicines(table)

    for medicine in medicines:
        found = table.index.subjects_of(medicine)
        for subject in subjects:
            assert (subject in found) == matches(medicine, (subject,), table), (medicine.name, subject)
    assert len(medicines) > 500


def test_the_index_leaves_out_no_rule_that_names_a_medicine():
    table = rule_table()

    for medicine in _medicines(table):
        naming = [rule for rule in table.rules if matches(medicine, (*rule.subjects, *rule.interacts_with), table)]
        assert Matcher(table.index).rules_for([medicine]) == naming, medicine.name


RULE = """
version: {version}
rules:
  - id: baclofen-epilepsy
    kind: condition
    subjects: [{subject}]
    conditions: [epilepsy]
    severity: major
    message: "Not in epilepsy."
    advice: "Ask our pharmacist."
    source: "Our leaflet, section 2"
"""


def _alerts(table, medicine):
    facts = PatientFacts(date_of_birth=date(1980, 1, 1), conditions=frozenset({"epilepsy"}))
    return [alert.rule_id for alert in run_checks(table=table, lines=[medicine], facts=facts, today=TODAY)]


def test_a_changed_rule_table_reaches_the_next_evaluation(tmp_path):
    baclofen = Medicine(name="Baclofen 10 mg", atc_code="M03BX01", ingredients=(ActiveIngredient("baclofen"),))
    ibuprofen = Medicine(name="Ibuprofen 200 mg", atc_code="M01AE01", ingredients=(ActiveIngredient("ibuprofen"),))
    rules = tmp_path / "rules.yaml"
    rules.write_text(textwrap.dedent(RULE.format(version=1, subject="baclofen")))
    first = load_rule_table(tmp_path)
    assert (_alerts(first, baclofen), _alerts(first, ibuprofen)) == (["baclofen-epilepsy"], [])

    rules.write_text(textwrap.dedent(RULE.format(version=2, subject="M01AE")))  # now an ATC prefix
    second = load_rule_table(tmp_path)

    assert (_alerts(second, baclofen), _alerts(second, ibuprofen)) == ([], ["baclofen-epilepsy"])
    assert _alerts(first, baclofen) == ["baclofen-epilepsy"]  # each table keeps its own index
