"""Which rules of the table can fire for each medicine we sell: the coverage report (`manage.py
clinical_coverage`, the admin's clinical coverage page) and the catalog import's warning.

A medicine is covered when at least one interaction or duplication rule names it, and every one of its
active ingredients has a maximum-daily-dose rule; its ATC code must be present and known to the table (a
class claims it, or a rule names it). Pure over a RuleTable, plus one loader for products.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from catalog.names import same_ingredient

from .checks import ActiveIngredient, Medicine, matches
from .rule_table import Kind, Rule, RuleTable, rule_table

REPORTED_KINDS = (Kind.INTERACTION, Kind.DUPLICATION, Kind.MAX_DAILY_DOSE, Kind.AGE, Kind.PREGNANCY,
                  Kind.BREASTFEEDING, Kind.CONDITION, Kind.ALLERGY)


class AtcStatus:
    KNOWN = "known"
    MISSING = "missing"
    UNKNOWN = "unknown"  # no class claims the code and no rule names it


@dataclass(frozen=True)
class MedicineCoverage:
    product_id: int | None
    name: str
    atc_code: str
    legal_category: str
    atc_status: str
    rules: dict[str, tuple[str, ...]]  # kind -> rule ids that can fire for it
    ingredients_without_dose_rule: tuple[str, ...] = field(default=())

    @property
    def has_interaction_or_duplication(self) -> bool:
        return bool(self.rules.get(Kind.INTERACTION) or self.rules.get(Kind.DUPLICATION))

    @property
    def has_dose_rule(self) -> bool:
        return bool(self.rules.get(Kind.MAX_DAILY_DOSE)) and not self.ingredients_without_dose_rule

    @property
    def gaps(self) -> list[str]:
        found = []
        if self.atc_status == AtcStatus.MISSING:
            found.append("no ATC code")
        elif self.atc_status == AtcStatus.UNKNOWN:
            found.append(f"ATC code {self.atc_code} unknown to the rule table")
        if not self.rules.get(Kind.MAX_DAILY_DOSE):
            found.append("no maximum-dose rule")
        elif self.ingredients_without_dose_rule:
            found.append("no maximum-dose rule for " + ", ".join(self.ingredients_without_dose_rule))
        if not self.has_interaction_or_duplication:
            found.append("no interaction or duplication rule")
        return found

    @property
    def sort_key(self) -> tuple:
        # Listed first: no dose rule, then a missing or unknown ATC code, then other gaps.
        return (self.has_dose_rule, self.atc_status == AtcStatus.KNOWN, not self.gaps, self.name.lower())


def _names_ingredient(rule: Rule, ingredient: str, table: RuleTable) -> bool:
    for subject in rule.subjects:
        if subject.kind == "ingredient" and same_ingredient(ingredient, subject.value):
            return True
        if subject.kind == "class" and any(same_ingredient(ingredient, member)
                                           for member in table.classes[subject.value].ingredients):
            return True
    return False


def _atc_status(atc_code: str, table: RuleTable) -> str:
    if not atc_code:
        return AtcStatus.MISSING
    if any(atc_code.startswith(drug_class.atc_prefixes) for drug_class in table.classes.values()
           if drug_class.atc_prefixes):
        return AtcStatus.KNOWN
    for rule in table.rules:
        if any(subject.kind == "atc" and atc_code.startswith(subject.value)
               for subject in (*rule.subjects, *rule.interacts_with)):
            return AtcStatus.KNOWN
    return AtcStatus.UNKNOWN


def coverage_of(medicine: Medicine, *, table: RuleTable | None = None, product_id: int | None = None
                ) -> MedicineCoverage:
    table = table or rule_table()
    found: dict[str, list[str]] = {kind: [] for kind in REPORTED_KINDS}
    judged: dict[str, bool] = {}  # rules share subjects: each is judged once per medicine

    def names(subjects) -> bool:
        for subject in subjects:
            if subject.kind == "any":  # "*" rules (missing directions, declared allergy) cover nothing
                continue
            hit = judged.get(subject.value)
            if hit is None:
                hit = judged[subject.value] = matches(medicine, (subject,), table)
            if hit:
                return True
        return False

    for rule in table.rules:
        if rule.kind not in found:
            continue
        if rule.kind == Kind.MAX_DAILY_DOSE:
            hit = any(_names_ingredient(rule, item.name, table) for item in medicine.ingredients)
        else:
            hit = names(rule.subjects) or (rule.kind == Kind.INTERACTION and names(rule.interacts_with))
        if hit:
            found[rule.kind].append(rule.id)
    dose_rules = [table.get(rule_id) for rule_id in found[Kind.MAX_DAILY_DOSE]]
    without_dose = tuple(item.name for item in medicine.ingredients
                         if not any(_names_ingredient(rule, item.name, table) for rule in dose_rules))
    return MedicineCoverage(
        product_id=product_id, name=medicine.name, atc_code=medicine.atc_code,
        legal_category=medicine.legal_category, atc_status=_atc_status(medicine.atc_code, table),
        rules={kind: tuple(ids) for kind, ids in found.items()}, ingredients_without_dose_rule=without_dose,
    )


def coverage_of_products(products: Iterable, *, table: RuleTable | None = None) -> list[MedicineCoverage]:
    """Each product (with packs__strengths__ingredient prefetched) as one medicine: the ingredients of all its
    packs. Gaps first (see MedicineCoverage.sort_key)."""
    table = table or rule_table()
    report = []
    for product in products:
        names = dict.fromkeys(strength.ingredient.name.lower()
                              for pack in product.packs.all() for strength in pack.strengths.all())
        medicine = Medicine(name=product.name, atc_code=product.atc_code, legal_category=product.legal_category,
                            ingredients=tuple(ActiveIngredient(name) for name in names))
        report.append(coverage_of(medicine, table=table, product_id=product.pk))
    return sorted(report, key=lambda item: item.sort_key)


def sellable_products(product_ids: Iterable[int] | None = None):
    """Active products with their packs' strengths, for coverage_of_products (three queries)."""
    from catalog.models import Product  # catalog's models are read here only; the report itself is pure

    products = Product.objects.filter(is_active=True).prefetch_related("packs__strengths__ingredient")
    if product_ids is not None:
        products = products.filter(pk__in=list(product_ids))
    return products.order_by("name")


def coverage_gaps(medicines: Iterable[tuple[str, str, str, Sequence[str]]]) -> dict[str, list[str]]:
    """{name: gaps} for (name, atc_code, legal_category, ingredient names) without full clinical coverage.
    Medicines with the same ATC code and ingredients are judged once (a large import repeats them)."""
    judged: dict[tuple, list[str]] = {}
    found = {}
    for name, atc_code, legal_category, ingredients in medicines:
        key = (atc_code, tuple(sorted(ingredients)))
        if key not in judged:
            medicine = Medicine(name=name, atc_code=atc_code, legal_category=legal_category,
                                ingredients=tuple(ActiveIngredient(item.lower()) for item in key[1]))
            judged[key] = coverage_of(medicine).gaps
        if judged[key]:
            found[name] = judged[key]
    return found
