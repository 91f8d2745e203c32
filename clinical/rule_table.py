"""The clinical rule table: versioned YAML files in clinical/rules/, read and validated once at start-up.

A file holds `version` (a positive integer, raised whenever its rules change) and `classes`, `rules` or
both. Anything the engine would misread (an unknown kind, severity, condition or class, a missing source)
stops start-up with a RuleFileError naming the file and the rule, rather than silently checking less.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from django.core.exceptions import ImproperlyConfigured

from patients.vocabulary import AllergyClass, Condition

RULES_DIR = Path(__file__).resolve().parent / "rules"
# libyaml's loader when installed: ten times faster, and the table is read in every process at start-up.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Kind:
    INTERACTION = "interaction"
    DUPLICATION = "duplication"
    MAX_DAILY_DOSE = "max_daily_dose"
    # Directions that give a weekly medicine more often than its interval (methotrexate taken daily).
    DOSING_INTERVAL = "dosing_interval"
    AGE = "age"
    PREGNANCY = "pregnancy"
    BREASTFEEDING = "breastfeeding"
    CONDITION = "condition"
    ALLERGY = "allergy"
    # A prescription-only line whose prescription was recorded without structured directions: the daily
    # dose could not be checked (raised at the pharmacist's review only).
    MISSING_DIRECTIONS = "missing_directions"

    ALL = (INTERACTION, DUPLICATION, MAX_DAILY_DOSE, DOSING_INTERVAL, AGE, PREGNANCY, BREASTFEEDING, CONDITION,
           ALLERGY, MISSING_DIRECTIONS)
    LABELS = {
        INTERACTION: "Drug interaction", DUPLICATION: "Therapeutic duplication",
        MAX_DAILY_DOSE: "Maximum daily dose", DOSING_INTERVAL: "Dosing interval", AGE: "Age", PREGNANCY: "Pregnancy",
        BREASTFEEDING: "Breastfeeding", CONDITION: "Condition", ALLERGY: "Allergy",
        MISSING_DIRECTIONS: "No structured directions",
    }


class Severity:
    CONTRAINDICATED = "contraindicated"
    MAJOR = "major"
    MODERATE = "moderate"
    MINOR = "minor"

    ALL = (CONTRAINDICATED, MAJOR, MODERATE, MINOR)  # most serious first
    NEEDS_OVERRIDE = frozenset({CONTRAINDICATED, MAJOR})

    @classmethod
    def rank(cls, severity: str) -> int:
        return cls.ALL.index(severity)


# Fields each kind needs (beyond id, kind, subjects, severity, message, advice, source) and may have.
KIND_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    Kind.INTERACTION: ({"interacts_with"}, set()),
    Kind.DUPLICATION: (set(), set()),
    Kind.MAX_DAILY_DOSE: ({"max_mg_per_day"}, {"from_age", "under_age"}),
    Kind.DOSING_INTERVAL: ({"min_days_between_doses"}, set()),
    Kind.AGE: ({"min_age"}, {"dosage_forms"}),
    Kind.PREGNANCY: (set(), {"from_week", "until_week"}),
    Kind.BREASTFEEDING: (set(), set()),
    Kind.CONDITION: ({"conditions"}, set()),
    Kind.ALLERGY: (set(), {"allergy_classes", "allergy_to_ingredient"}),
    Kind.MISSING_DIRECTIONS: (set(), set()),
}
COMMON_FIELDS = {"id", "kind", "subjects", "severity", "message", "advice", "source", "jurisdiction", "note"}

RULE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ATC_PREFIX = re.compile(r"^[A-Z]([0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?)?$")
INGREDIENT = re.compile(r"^[a-z][a-z0-9 ,()'-]*$")
JURISDICTION = re.compile(r"^[A-Z]{2}$")
ANY = "*"
# catalog.DosageForm values, spelt out here so the rule table reads no models at start-up.
DOSAGE_FORMS = {"tablet", "capsule", "oral_solution", "cream", "injection"}


class RuleFileError(ImproperlyConfigured):
    """A rule file the engine cannot trust. The message names the file and, where there is one, the rule."""


@dataclass(frozen=True)
class Subject:
    """What a rule applies to: an ingredient name, an ATC code prefix, a class from the table, or anything."""

    kind: str  # "ingredient", "atc", "class" or "any"
    value: str

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class DrugClass:
    name: str
    atc_prefixes: tuple[str, ...]
    ingredients: frozenset[str]


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    subjects: tuple[Subject, ...]
    severity: str
    message: str
    advice: str
    source: str
    file: str
    jurisdiction: str = ""  # "" applies everywhere; "GB" only where CLINICAL_JURISDICTION is GB
    note: str = ""
    interacts_with: tuple[Subject, ...] = ()
    max_mg_per_day: Decimal | None = None
    min_days_between_doses: int | None = None  # a dosing-interval rule: fewer days between dosing days alerts
    min_age: int | None = None
    dosage_forms: frozenset[str] = frozenset()  # an age rule for these catalog.DosageForm values only ("tablet")
    from_age: int | None = None  # a dose rule for patients of this age and over only
    under_age: int | None = None  # a dose rule for patients under this age only
    from_week: int | None = None
    until_week: int | None = None  # a pregnancy rule up to (not including) this week, e.g. 13: first trimester
    conditions: frozenset[str] = frozenset()
    allergy_classes: frozenset[str] = frozenset()
    allergy_to_ingredient: bool = False

    def applies_in(self, jurisdiction: str) -> bool:
        return not self.jurisdiction or self.jurisdiction == jurisdiction


@dataclass(frozen=True)
class RuleTable:
    rules: tuple[Rule, ...]
    classes: dict[str, DrugClass]
    versions: dict[str, int] = field(default_factory=dict)  # file name -> version

    def get(self, rule_id: str) -> Rule:
        return next(rule for rule in self.rules if rule.id == rule_id)

    @cached_property
    def index(self):
        """This table's rules by what they name (clinical.rule_index), built at its first use. A table is
        never changed, only replaced (a new file version, a test's copy), and a new table builds its own."""
        from .rule_index import RuleIndex  # the index is built from this module's types

        return RuleIndex(self)


def _fail(path: Path, problem: str, rule_id: str | None = None) -> RuleFileError:
    where = f"clinical rule file {path.name}" + (f", rule {rule_id!r}" if rule_id else "")
    return RuleFileError(f"{where}: {problem}")


def _read(path: Path) -> dict:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as error:
        raise _fail(path, f"is not valid YAML ({error})") from None
    if not isinstance(data, dict):
        raise _fail(path, "must be a mapping with `version` and `classes` or `rules`")
    unknown = set(data) - {"version", "classes", "rules"}
    if unknown:
        raise _fail(path, f"unknown top-level keys {sorted(unknown)}")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail(path, "needs `version:`, a positive integer raised whenever its rules change")
    return data


def _string_list(path: Path, value, what: str, rule_id: str | None = None) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(item, str) and item.strip() for item in value):
        raise _fail(path, f"`{what}` must be a non-empty list of names", rule_id)
    return [item.strip() for item in value]


def _classes(path: Path, raw) -> dict[str, dict]:
    if not isinstance(raw, dict):
        raise _fail(path, "`classes` must map each class name to its `atc`, `ingredients` and `includes`")
    for name, spec in raw.items():
        if not isinstance(spec, dict) or not spec or set(spec) - {"atc", "ingredients", "includes"}:
            raise _fail(path, f"class {name!r} must have `atc`, `ingredients` or `includes`, and nothing else")
        for prefix in spec.get("atc", []) or []:
            if not isinstance(prefix, str) or not ATC_PREFIX.match(prefix):
                raise _fail(path, f"class {name!r}: {prefix!r} is not an ATC code prefix")
    return raw


def _resolve_classes(raw: dict[str, tuple[Path, dict]]) -> dict[str, DrugClass]:
    resolved: dict[str, DrugClass] = {}

    def resolve(name: str, seen: tuple[str, ...]) -> DrugClass:
        if name in resolved:
            return resolved[name]
        path, spec = raw[name]
        if name in seen:
            raise _fail(path, f"class {name!r} includes itself")
        prefixes = list(spec.get("atc", []) or [])
        ingredients = {item.lower() for item in spec.get("ingredients", []) or []}
        for included in spec.get("includes", []) or []:
            if included not in raw:
                raise _fail(path, f"class {name!r} includes unknown class {included!r}")
            other = resolve(included, (*seen, name))
            prefixes.extend(other.atc_prefixes)
            ingredients |= other.ingredients
        resolved[name] = DrugClass(name=name, atc_prefixes=tuple(prefixes), ingredients=frozenset(ingredients))
        return resolved[name]

    for name in raw:
        resolve(name, ())
    return resolved


def _subjects(path: Path, rule_id: str, value, what: str, classes: dict, allow_any: bool) -> tuple[Subject, ...]:
    subjects = []
    for token in _string_list(path, value, what, rule_id):
        if token == ANY and allow_any:
            subjects.append(Subject("any", ANY))
        elif token in classes:
            subjects.append(Subject("class", token))
        elif ATC_PREFIX.match(token):
            subjects.append(Subject("atc", token))
        elif INGREDIENT.match(token):
            subjects.append(Subject("ingredient", token))
        else:
            raise _fail(path, f"`{what}`: {token!r} is neither an ingredient (lower case), an ATC code prefix "
                              f"nor a class in the table", rule_id)
    return tuple(subjects)


def _text(path: Path, spec: dict, key: str, rule_id: str) -> str:
    value = spec.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, f"needs `{key}:` (non-empty text)", rule_id)
    return " ".join(value.split())


def _whole_number(path: Path, spec: dict, key: str, rule_id: str, *, minimum: int) -> int | None:
    if key not in spec:
        return None
    value = spec[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise _fail(path, f"`{key}` must be a whole number of at least {minimum}", rule_id)
    return value


def _codes(path: Path, spec: dict, key: str, rule_id: str, allowed: set[str]) -> frozenset[str]:
    if key not in spec:
        return frozenset()
    codes = _string_list(path, spec[key], key, rule_id)
    unknown = sorted(set(codes) - allowed)
    if unknown:
        raise _fail(path, f"`{key}`: unknown codes {unknown}; known: {sorted(allowed)}", rule_id)
    return frozenset(codes)


def _rule(path: Path, spec, classes: dict) -> Rule:
    if not isinstance(spec, dict):
        raise _fail(path, f"every rule must be a mapping, not {spec!r}")
    rule_id = spec.get("id")
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        raise _fail(path, f"a rule needs `id:` in lower-case-with-hyphens (got {rule_id!r})")
    kind = spec.get("kind")
    if kind not in Kind.ALL:
        raise _fail(path, f"unknown kind {kind!r}; known: {', '.join(Kind.ALL)}", rule_id)
    severity = spec.get("severity")
    if severity not in Severity.ALL:
        raise _fail(path, f"unknown severity {severity!r}; known: {', '.join(Severity.ALL)}", rule_id)
    required, optional = KIND_FIELDS[kind]
    unknown = set(spec) - COMMON_FIELDS - required - optional
    if unknown:
        raise _fail(path, f"fields {sorted(unknown)} are not used by a {kind} rule", rule_id)
    missing = sorted(name for name in required if name not in spec)
    if missing:
        raise _fail(path, f"a {kind} rule needs {missing}", rule_id)
    if "source" not in spec:
        raise _fail(path, "has no `source:`; every rule cites its leaflet/SmPC section, BNF or MHRA reference",
                    rule_id)
    jurisdiction = spec.get("jurisdiction", "")
    if jurisdiction and not (isinstance(jurisdiction, str) and JURISDICTION.match(jurisdiction)):
        raise _fail(path, f"`jurisdiction` must be a two-letter country code such as GB (got {jurisdiction!r})",
                    rule_id)
    values: dict = {}
    if kind == Kind.INTERACTION:
        values["interacts_with"] = _subjects(path, rule_id, spec["interacts_with"], "interacts_with", classes, False)
    if kind == Kind.MAX_DAILY_DOSE:
        try:
            values["max_mg_per_day"] = Decimal(str(spec["max_mg_per_day"]))
        except InvalidOperation:
            values["max_mg_per_day"] = None
        if values["max_mg_per_day"] is None or not values["max_mg_per_day"] > 0:
            raise _fail(path, "`max_mg_per_day` must be a positive number of milligrams", rule_id)
        values["from_age"] = _whole_number(path, spec, "from_age", rule_id, minimum=1)
        values["under_age"] = _whole_number(path, spec, "under_age", rule_id, minimum=1)
    if kind == Kind.DOSING_INTERVAL:
        values["min_days_between_doses"] = _whole_number(path, spec, "min_days_between_doses", rule_id, minimum=2)
    if kind == Kind.AGE:
        values["min_age"] = _whole_number(path, spec, "min_age", rule_id, minimum=1)
        values["dosage_forms"] = _codes(path, spec, "dosage_forms", rule_id, DOSAGE_FORMS)
    if kind == Kind.PREGNANCY:
        values["from_week"] = _whole_number(path, spec, "from_week", rule_id, minimum=0)
        values["until_week"] = _whole_number(path, spec, "until_week", rule_id, minimum=1)
    if kind == Kind.CONDITION:
        values["conditions"] = _codes(path, spec, "conditions", rule_id, set(Condition.values))
    if kind == Kind.ALLERGY:
        values["allergy_classes"] = _codes(path, spec, "allergy_classes", rule_id, set(AllergyClass.values))
        values["allergy_to_ingredient"] = spec.get("allergy_to_ingredient", False) is True
        if not values["allergy_classes"] and not values["allergy_to_ingredient"]:
            raise _fail(path, "an allergy rule needs `allergy_classes` or `allergy_to_ingredient: true`", rule_id)
    return Rule(
        id=rule_id, kind=kind, severity=severity, file=path.name,
        subjects=_subjects(path, rule_id, spec.get("subjects"), "subjects", classes,
                           kind in (Kind.ALLERGY, Kind.MISSING_DIRECTIONS)),
        message=_text(path, spec, "message", rule_id), advice=_text(path, spec, "advice", rule_id),
        source=_text(path, spec, "source", rule_id), jurisdiction=jurisdiction or "",
        note=" ".join(str(spec.get("note", "")).split()), **values,
    )


def load_rule_table(directory: Path | None = None) -> RuleTable:
    """Read and validate every *.yaml file in `directory` (default RULES_DIR). Raises RuleFileError."""
    directory = directory or RULES_DIR
    paths = sorted(Path(directory).glob("*.yaml"))
    if not paths:
        raise RuleFileError(f"no clinical rule files (*.yaml) in {directory}")
    files = [(path, _read(path)) for path in paths]
    raw_classes: dict[str, tuple[Path, dict]] = {}
    for path, data in files:
        for name, spec in _classes(path, data.get("classes") or {}).items():
            if name in raw_classes:
                raise _fail(path, f"class {name!r} is already defined in {raw_classes[name][0].name}")
            raw_classes[name] = (path, spec)
    classes = _resolve_classes(raw_classes)
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path, data in files:
        raw_rules = data.get("rules") or []
        if not isinstance(raw_rules, list):
            raise _fail(path, "`rules` must be a list")
        for spec in raw_rules:
            rule = _rule(path, spec, classes)
            if rule.id in seen:
                raise _fail(path, f"duplicate id (also in {seen[rule.id]})", rule.id)
            seen[rule.id] = path.name
            rules.append(rule)
    return RuleTable(rules=tuple(rules), classes=classes, versions={path.name: data["version"] for path, data in files})


@lru_cache(maxsize=1)
def rule_table() -> RuleTable:
    """The table the checks use: loaded once per process (at start-up, by ClinicalConfig.ready)."""
    return load_rule_table()
