"""The rule files: every rule cites a source, every demo medicine has rules, and a malformed file stops
start-up with an error naming the file and the rule."""

import textwrap

import pytest
from django.apps import apps

from clinical import rule_table as table_module
from clinical.checks import ActiveIngredient, Medicine, matches
from clinical.rule_table import RuleFileError, load_rule_table, rule_table
from demo.catalog_data import PRODUCTS

GOOD_RULE = """
  - id: baclofen-epilepsy
    kind: condition
    subjects: [baclofen]
    conditions: [epilepsy]
    severity: major
    message: "Baclofen in epilepsy."
    advice: "Ask our pharmacist."
    source: "Our baclofen leaflet, section 2"
"""


def test_every_rule_in_the_demo_set_has_a_source():
    table = load_rule_table()

    assert len(table.rules) >= 30
    for rule in table.rules:
        assert rule.source.strip(), rule.id
        assert any(word in rule.source for word in ("leaflet", "SmPC", "BNF", "MHRA")), rule.id
    assert set(table.versions) == {"classes.yaml", "demo.yaml", "interactions.yaml", "doses.yaml",
                                   "duplication.yaml", "patient.yaml"} and all(table.versions.values())


def test_every_rule_beyond_the_demo_leaflets_cites_a_public_page():
    for rule in load_rule_table().rules:
        if rule.file != "demo.yaml":
            assert "https://" in rule.source, rule.id
            assert any(site in rule.source for site in ("bnf.nice.org.uk", "medicines.org.uk/emc", "gov.uk")), rule.id


def test_every_demo_medicine_is_covered_by_a_rule():
    table = rule_table()
    for product in PRODUCTS:
        ingredients = {strength.ingredient for pack in product.packs for strength in pack.strengths}
        medicine = Medicine(name=product.name, atc_code=product.atc_code,
                            ingredients=tuple(ActiveIngredient(name) for name in ingredients))
        covering = [rule.id for rule in table.rules
                    if matches(medicine, [s for s in rule.subjects if s.kind != "any"], table)]
        assert covering, f"no rule names {product.name}"


def test_baclofen_maximum_follows_our_leaflet_and_the_uk_figure_is_scoped_to_gb():
    table = rule_table()
    leaflet, uk = table.get("baclofen-max-daily-dose"), table.get("baclofen-max-daily-dose-gb")

    assert (leaflet.max_mg_per_day, leaflet.jurisdiction) == (80, "")
    assert "leaflet, section 3" in leaflet.source
    assert (uk.max_mg_per_day, uk.jurisdiction) == (100, "GB") and "BNF" in uk.source
    assert not uk.applies_in("US") and uk.applies_in("GB")


def write(tmp_path, rules: str, *, version: str = "version: 1\n"):
    (tmp_path / "rules.yaml").write_text(version + "rules:" + textwrap.dedent(rules))
    return tmp_path


@pytest.mark.parametrize(("change", "expected"), [
    (("source: \"Our baclofen leaflet, section 2\"", ""), "has no `source:`"),
    (("kind: condition", "kind: contraindication"), "unknown kind 'contraindication'"),
    (("severity: major", "severity: severe"), "unknown severity 'severe'"),
    (("conditions: [epilepsy]", "conditions: [fits]"), "unknown codes ['fits']"),
    (("subjects: [baclofen]", "subjects: [Baclofen!]"), "'Baclofen!' is neither an ingredient"),
    (("conditions: [epilepsy]", "min_age: 12"), "not used by a condition rule"),
])
def test_a_malformed_rule_fails_naming_the_file_and_the_rule(tmp_path, change, expected):
    directory = write(tmp_path, GOOD_RULE.replace(*change))

    with pytest.raises(RuleFileError) as error:
        load_rule_table(directory)

    assert "clinical rule file rules.yaml, rule 'baclofen-epilepsy'" in str(error.value)
    assert expected in str(error.value)


def test_a_file_without_a_version_or_with_broken_yaml_fails(tmp_path):
    with pytest.raises(RuleFileError, match="rules.yaml: needs `version:`"):
        load_rule_table(write(tmp_path, GOOD_RULE, version=""))
    with pytest.raises(RuleFileError, match="rules.yaml: is not valid YAML"):
        load_rule_table(write(tmp_path, GOOD_RULE + "  - id: [unclosed\n"))


def test_start_up_refuses_a_malformed_rule_file(tmp_path, monkeypatch):
    monkeypatch.setattr(table_module, "RULES_DIR", write(tmp_path, GOOD_RULE.replace("severity: major", "")))
    rule_table.cache_clear()
    try:
        with pytest.raises(RuleFileError, match="unknown severity None"):
            apps.get_app_config("clinical").ready()
    finally:
        monkeypatch.undo()
        rule_table.cache_clear()
