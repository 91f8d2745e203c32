"""How pharmacists name medicines: an ingredient with or without its salt or ester ("warfarin sodium" is
warfarin), a brand ("Nurofen" is ibuprofen) or a class ("NSAIDs"). Pure; the rule engine and the health
record's suggestions both read it. Brands come from catalog/names.yaml, read once per process."""

from functools import lru_cache
from pathlib import Path

import yaml

NAMES_FILE = Path(__file__).resolve().parent / "names.yaml"

# Words that name the salt, ester or hydrate a medicine is made as, never its active moiety. Kept short and
# certain: "perindopril erbumine" and "perindopril arginine" differ in milligrams, so neither is here.
SALT_WORDS = frozenset({
    "acetate", "anhydrous", "besilate", "besylate", "bromide", "calcium", "carbonate", "chloride", "citrate",
    "dihydrate", "dipropionate", "disodium", "fumarate", "hemifumarate", "hemihydrate", "hyclate", "hydrobromide",
    "hydrochloride", "lactate", "magnesium", "maleate", "mesilate", "mesylate", "monohydrate",
    "nitrate", "phosphate", "potassium", "propionate", "sodium", "succinate", "sulfate", "sulphate", "tartrate",
    "trihydrate", "valerate",
})
LEADING_SALTS = ("sodium ", "potassium ", "magnesium ", "calcium ")


@lru_cache(maxsize=8192)
def moiety(name: str) -> str:
    """The active moiety of an ingredient name, lower case: salts and hydrates stripped from the end (and
    sodium or potassium from the front, "sodium valproate"), always leaving one word."""
    words = " ".join(name.lower().split()).split(" ")
    while len(words) > 1 and words[-1] in SALT_WORDS:
        words.pop()
    text = " ".join(words)
    for prefix in LEADING_SALTS:
        rest = text[len(prefix):]
        if text.startswith(prefix) and rest and rest.split(" ")[0] not in SALT_WORDS:
            text = rest
            break
    return text


@lru_cache(maxsize=16384)  # the clinical checks ask it of every line against every rule's names, per request
def same_ingredient(ingredient: str, name: str) -> bool:
    """`name` (from a rule, or declared by a patient) names `ingredient` (of a medicine): "codeine" names
    "codeine phosphate", "warfarin sodium" names "warfarin", "sodium valproate" names "valproate"."""
    if ingredient == name or ingredient.startswith(name + " ") or name.startswith(ingredient + " "):
        return True
    return moiety(ingredient) == moiety(name)


@lru_cache(maxsize=1)
def _names() -> dict:
    return yaml.load(NAMES_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def brand_names() -> dict[str, tuple[str, ...]]:
    """Brand name (lower case) -> the ingredients it contains."""
    return {brand.lower(): tuple(item.lower() for item in items) for brand, items in _names()["brands"].items()}


def allergy_group(name: str) -> str | None:
    """The patients.vocabulary.AllergyClass code a patient means by `name` ("NSAIDs", "penicillin"), or None."""
    return _names()["allergy_groups"].get(" ".join(name.lower().split()))


def ingredients_named(name: str) -> tuple[str, ...]:
    """The ingredients a patient means by `name`: a brand's ingredients, or the name's moiety."""
    key = " ".join(name.lower().split())
    return brand_names().get(key) or (moiety(key),)


def brand_suggestions() -> list[str]:
    """Brand names the health record form offers besides the catalog's ingredients ("Nurofen")."""
    return [brand.title() if brand.islower() else brand for brand in _names()["brands"]]


def allergy_group_suggestions() -> list[str]:
    """Group names the form offers for allergies ("NSAIDs", "Penicillin")."""
    return ["NSAIDs", "Penicillin", "Cephalosporins", "Sulfa drugs", "Opioids"]
