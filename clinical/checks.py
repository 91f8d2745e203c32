"""The clinical checks: one pure function over what the patient is getting (the order's lines, with the
prescription's directions), what they take already (their declared medicines, and what we supplied them
recently) and their health facts. No database, no settings: clinical.services gathers the inputs.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from catalog.names import moiety, same_ingredient
from patients.facts import PatientFacts

from .rule_index import Matcher
from .rule_table import Kind, Rule, RuleTable, Severity, Subject

PRESCRIPTION_ONLY = "prescription"  # catalog.LegalCategory.PRESCRIPTION; checks read no models


class Origin:
    ORDER = "order"  # a line of the order being checked
    SUPPLIED = "supplied"  # supplied by this pharmacy within the history window
    DECLARED = "declared"  # a medicine the patient told us they take


@dataclass(frozen=True)
class ActiveIngredient:
    name: str  # lower case, as catalog.Ingredient ("codeine phosphate")
    mg_per_unit: Decimal | None = None  # mg in one tablet or capsule, or in one mL of a liquid


@dataclass(frozen=True)
class Directions:
    """Structured directions: `dose` `dose_unit` `times_per_day` times a day, on one day in every
    `every_days` (1 daily, 7 weekly), or "as directed". The daily dose is what is taken on a dosing day."""

    dose: Decimal | None = None
    dose_unit: str = ""  # DoseUnit: mg, g, microgram, mL, tablet, capsule
    times_per_day: int | None = None
    as_directed: bool = False
    every_days: int = 1

    def daily_mg(self, ingredient: ActiveIngredient) -> Decimal | None:
        """Milligrams of `ingredient` a day, or None when the directions do not say (or "as directed")."""
        if self.as_directed or self.dose is None or not self.times_per_day:
            return None
        per_dose = {"mg": self.dose, "g": self.dose * 1000, "microgram": self.dose / 1000}.get(self.dose_unit)
        if per_dose is None and self.dose_unit in ("tablet", "capsule", "mL") and ingredient.mg_per_unit is not None:
            per_dose = self.dose * ingredient.mg_per_unit
        return None if per_dose is None else per_dose * self.times_per_day


@dataclass(frozen=True)
class Medicine:
    name: str
    ingredients: tuple[ActiveIngredient, ...]
    origin: str = Origin.ORDER
    key: str = ""  # for order lines: the SKU, to attach the alert to its line
    atc_code: str = ""
    legal_category: str = ""
    dosage_form: str = ""  # catalog.DosageForm of an order line; "" for declared medicines
    # The prescription's directions for this medicine and strength, whatever the pack: every item of it
    # (their daily doses add up). One Directions is taken as a tuple of one.
    directions: tuple[Directions, ...] | Directions | None = ()
    supplied_on: date | None = None
    # Lines with the same `dose_key` (medicine and strength) share their directions: counted once a day.
    dose_key: str = ""
    # The prescription's items were recorded, so this line should have structured directions.
    needs_directions: bool = False

    def __post_init__(self):
        if self.directions is None or isinstance(self.directions, Directions):
            object.__setattr__(self, "directions", () if self.directions is None else (self.directions,))

    def daily_mg(self, ingredient: ActiveIngredient) -> Decimal | None:
        """Milligrams of `ingredient` a day across the directions, or None when none says."""
        doses = [daily for directions in self.directions
                 if (daily := directions.daily_mg(ingredient)) is not None]
        return sum(doses, Decimal(0)) if doses else None

    @property
    def label(self) -> str:
        if self.origin == Origin.SUPPLIED and self.supplied_on:
            return f"{self.name} (supplied by us on {self.supplied_on:%d %b %Y})"
        if self.origin == Origin.DECLARED:
            return f"{self.name} (taken, as the patient told us)"
        return self.name


@dataclass(frozen=True)
class Alert:
    rule_id: str
    kind: str
    severity: str
    message: str
    advice: str
    source: str
    subjects: tuple[str, ...]  # what the rule found: the medicines involved, the condition, the dose
    line_keys: tuple[str, ...] = ()  # every order line involved (their SKUs): approving any needs the override

    @property
    def line_key(self) -> str:
        return self.line_keys[0] if self.line_keys else ""

    @property
    def needs_override(self) -> bool:
        return self.severity in Severity.NEEDS_OVERRIDE


@dataclass(frozen=True)
class ClinicalOverride:
    """The pharmacist's reason for supplying past a major or contraindicated alert, and whether the
    prescriber was contacted (None: not said, which the approval refuses)."""

    reason: str = ""
    prescriber_contacted: bool | None = None


def _ingredient_matches(ingredient: str, name: str) -> bool:
    """`codeine` matches `codeine phosphate`, `warfarin sodium` matches `warfarin` (catalog.names)."""
    return same_ingredient(ingredient, name)


def _share_an_ingredient(first: Medicine, other: Medicine) -> bool:
    return any(_ingredient_matches(mine, theirs.name) for mine in (item.name for item in first.ingredients)
               for theirs in other.ingredients)


def matches(medicine: Medicine, subjects: Iterable[Subject], table: RuleTable) -> bool:
    for subject in subjects:
        if subject.kind == "any":
            return True
        if subject.kind == "atc" and medicine.atc_code.startswith(subject.value):
            return True
        if subject.kind == "ingredient" and any(
            _ingredient_matches(item.name, subject.value) for item in medicine.ingredients
        ):
            return True
        if subject.kind == "class":
            drug_class = table.classes[subject.value]
            if medicine.atc_code and drug_class.atc_prefixes and medicine.atc_code.startswith(drug_class.atc_prefixes):
                return True
            if any(_ingredient_matches(item.name, member)
                   for item in medicine.ingredients for member in drug_class.ingredients):
                return True
    return False


def _alert(rule: Rule, *, subjects: Sequence[str], involved: Sequence[Medicine]) -> Alert:
    keys = tuple(dict.fromkeys(item.key for item in involved if item.origin == Origin.ORDER and item.key))
    return Alert(rule_id=rule.id, kind=rule.kind, severity=rule.severity, message=rule.message, advice=rule.advice,
                 source=rule.source, subjects=tuple(subjects), line_keys=keys)


def _interactions(rule: Rule, lines, others, matcher: Matcher) -> list[Alert]:
    alerts, seen = [], set()
    everything = [*lines, *others]
    # Whether each medicine is a subject of the rule, and whether it is what the subject interacts with:
    # asked once per medicine, not once per pair.
    is_subject = {id(medicine): matcher.matches(medicine, rule.subjects) for medicine in everything}
    interacts = {id(medicine): matcher.matches(medicine, rule.interacts_with) for medicine in everything}
    for first in lines:
        for other in everything:
            forward = is_subject[id(first)] and interacts[id(other)]
            backward = interacts[id(first)] and is_subject[id(other)]
            if not (forward or backward):
                continue
            # The same medicine twice (a repeat of what we supplied, or what the patient declares) is
            # duplication's business: a class interacting with itself (QT, serotonin) needs two medicines.
            if other is first or _share_an_ingredient(first, other):
                continue
            pair = frozenset({id(first), id(other)})
            if pair not in seen:
                seen.add(pair)
                alerts.append(_alert(rule, subjects=(first.label, other.label), involved=(first, other)))
    return alerts


def _same_prescribed_medicine(members: list[Medicine]) -> bool:
    """Every member is one prescribed medicine: the same ingredients (strengths aside, salts aside), and every
    order line of it prescription-only. Warfarin 1 mg with 3 mg tablets, or the sertraline the patient
    declares with its repeat, is one regimen, whose total the daily dose check adds up; two paracetamol
    products bought over the counter stay a duplicate."""
    kinds = {frozenset(moiety(item.name) for item in member.ingredients) for member in members}
    ordered = [member for member in members if member.origin == Origin.ORDER]
    return len(kinds) == 1 and all(member.legal_category == PRESCRIPTION_ONLY for member in ordered)


def _duplication(rule: Rule, lines, declared, matcher: Matcher) -> list[Alert]:
    members = [medicine for medicine in [*lines, *declared] if matcher.matches(medicine, rule.subjects)]
    if len(members) < 2 or not any(member.origin == Origin.ORDER for member in members):
        return []
    if _same_prescribed_medicine(members):
        return []
    return [_alert(rule, subjects=[member.label for member in members], involved=members)]


def _in_age_band(rule: Rule, facts: PatientFacts, today: date) -> bool:
    """A dose rule with an age band (`from_age`, `under_age`) applies only to a patient known to be in it."""
    if rule.from_age is None and rule.under_age is None:
        return True
    age = facts.age_on(today)
    if age is None:
        return False
    return (rule.from_age is None or age >= rule.from_age) and (rule.under_age is None or age < rule.under_age)


def _max_daily_dose(rule: Rule, lines, table) -> list[Alert]:
    total, contributing, counted = Decimal(0), [], set()
    for line in lines:
        if not line.directions:
            continue
        for ingredient in line.ingredients:
            if not any(subject.kind == "any" or _subject_names_ingredient(subject, ingredient, table)
                       for subject in rule.subjects):
                continue
            daily = line.daily_mg(ingredient)
            if daily is None:
                continue
            # Two packs of one medicine and strength (28 and 84 tablets) share the prescription's
            # directions: the patient takes the dose once, whichever pack it comes from.
            counted_as = (line.dose_key or id(line), ingredient.name)
            if counted_as not in counted:
                counted.add(counted_as)
                total += daily
            if not any(line is other for other in contributing):
                contributing.append(line)
    if not contributing or total <= rule.max_mg_per_day:
        return []
    amount = format(total.normalize(), "f")
    return [_alert(rule, subjects=[*(line.label for line in contributing),
                                   f"{amount} mg a day (maximum {format(rule.max_mg_per_day.normalize(), 'f')} mg)"],
                   involved=contributing)]


def _dosing_interval(rule: Rule, lines, matcher: Matcher) -> list[Alert]:
    """A line whose directions give a dose on days closer together than the rule allows: methotrexate
    once a week written as once a day. "As directed" says nothing either way and raises nothing."""
    alerts = []
    for line in lines:
        given = [directions for directions in line.directions if not directions.as_directed and directions.dose]
        closest = min((directions.every_days for directions in given), default=None)
        if closest is None or closest >= rule.min_days_between_doses or not matcher.matches(line, rule.subjects):
            continue
        every = "every day" if closest == 1 else f"every {closest} days"
        alerts.append(_alert(rule, subjects=(line.label, f"directions: {every} (at least every "
                                                       f"{rule.min_days_between_doses} days)"), involved=(line,)))
    return alerts


def _subject_names_ingredient(subject: Subject, ingredient: ActiveIngredient, table: RuleTable) -> bool:
    if subject.kind == "ingredient":
        return _ingredient_matches(ingredient.name, subject.value)
    if subject.kind == "class":
        return any(_ingredient_matches(ingredient.name, member) for member in table.classes[subject.value].ingredients)
    return False


def _patient_alerts(rule: Rule, lines, facts: PatientFacts, today: date, table, matcher: Matcher) -> list[Alert]:
    """Kinds that compare one order line with the patient: age, pregnancy, breastfeeding, condition, allergy."""
    found: str | None = None
    if rule.kind == Kind.AGE:
        age = facts.age_on(today)
        if age is not None and age < rule.min_age:
            found = f"patient aged {age} (minimum {rule.min_age})"
    elif rule.kind == Kind.PREGNANCY:
        weeks = facts.pregnancy_weeks
        in_weeks = weeks is None or ((rule.from_week is None or weeks >= rule.from_week)
                                     and (rule.until_week is None or weeks < rule.until_week))
        if facts.pregnant and in_weeks:
            found = f"pregnant ({weeks} weeks)" if weeks is not None else "pregnant"
    elif rule.kind == Kind.BREASTFEEDING:
        found = "breastfeeding" if facts.breastfeeding else None
    elif rule.kind == Kind.CONDITION:
        shared = sorted(facts.conditions & rule.conditions)
        found = ", ".join(code.replace("_", " ") for code in shared) if shared else None
    alerts = []
    for line in lines:
        if not matcher.matches(line, rule.subjects):
            continue
        if rule.dosage_forms and line.dosage_form and line.dosage_form not in rule.dosage_forms:
            continue  # a tablets-only age limit says nothing about the children's liquid
        line_found = found
        if rule.kind == Kind.ALLERGY:
            line_found = _allergy(rule, line, facts, table)
        if line_found:
            alerts.append(_alert(rule, subjects=(line.label, line_found), involved=(line,)))
    return alerts


def _allergy(rule: Rule, line: Medicine, facts: PatientFacts, table) -> str | None:
    classes = sorted(facts.allergy_classes & rule.allergy_classes)
    if classes:
        return "allergic to " + ", ".join(classes)
    # Cross-sensitivity: an allergy declared to one ingredient of a class (ibuprofen) is an allergy to the
    # class (NSAIDs) for the rules written for that class.
    for code in sorted(rule.allergy_classes & table.classes.keys()):
        members = table.classes[code].ingredients
        named = sorted(allergen for allergen in facts.allergy_ingredients
                       if any(_ingredient_matches(allergen, member) for member in members))
        if named:
            return f"allergic to {', '.join(named)} ({code.replace('_', ' ')}: cross-sensitivity)"
    if rule.allergy_to_ingredient:
        named = sorted(allergen for allergen in facts.allergy_ingredients
                       for item in line.ingredients if _ingredient_matches(item.name, allergen))
        if named:
            return "allergic to " + ", ".join(named)
    return None


def run_checks(
    *, table: RuleTable, lines: Sequence[Medicine], facts: PatientFacts, supplied: Sequence[Medicine] = (),
    today: date, jurisdiction: str = "",
) -> list[Alert]:
    """Every alert the rules raise for `lines`, most serious first. Interactions look at the lines, the
    patient's declared medicines and what we supplied them; duplication at the lines and declared medicines
    (a repeat purchase is not a duplicate); dose at the lines' directions; the rest at the patient."""
    declared = [Medicine(name=name, ingredients=(ActiveIngredient(name),), origin=Origin.DECLARED)
                for name in sorted(facts.other_medicines)]
    alerts: list[Alert] = []
    matcher = Matcher(table.index)
    # Only the rules some line is named by: no other can raise an alert (see clinical.rule_index).
    for rule in matcher.rules_for(lines):
        if not rule.applies_in(jurisdiction):
            continue
        if rule.kind == Kind.INTERACTION:
            alerts += _interactions(rule, lines, [*declared, *supplied], matcher)
        elif rule.kind == Kind.DUPLICATION:
            alerts += _duplication(rule, lines, declared, matcher)
        elif rule.kind == Kind.MAX_DAILY_DOSE:
            if _in_age_band(rule, facts, today):
                alerts += _max_daily_dose(rule, lines, table)
        elif rule.kind == Kind.DOSING_INTERVAL:
            alerts += _dosing_interval(rule, lines, matcher)
        elif rule.kind == Kind.MISSING_DIRECTIONS:
            alerts += [_alert(rule, subjects=(line.label, "no structured directions recorded"), involved=(line,))
                       for line in lines
                       if line.needs_directions and not line.directions and matcher.matches(line, rule.subjects)]
        else:
            alerts += _patient_alerts(rule, lines, facts, today, table, matcher)
    return sorted(alerts, key=lambda alert: (Severity.rank(alert.severity), alert.rule_id))
