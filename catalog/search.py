"""Medicine search: reads the query the way shoppers type it and ranks products by relevance.

    parse_query("Baclofen 10mg tablets") -> terms ("baclofen",), strengths ((10, "mg"),), forms ("tablet",)

A product matches when every term starts a word of its name, an ingredient, an "also known as" name, or
(general sale and pharmacy medicines only) what it is used for; on PostgreSQL also when the term is a
near miss of such a word (trigram word similarity, pg_trgm) or, for what it is used for, the same word
stem (full-text search, English). Strength and form words rank the products and packs that have them
first. Relevance, highest first: the whole name, then a name word, an ingredient, a brand or synonym,
and what it is for. Exact identifiers (GTIN with or without leading zeros, SKU, PZN) go to their pack.

Everything reads ProductSearchDocument, one row per product kept by catalog.services.
"""

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Greatest

from .identifiers import PZN_LENGTH, is_valid_gtin, is_valid_pzn
from .models import DosageForm, LegalCategory, Pack, Product, ProductSearchDocument, Strength, StrengthUnit

MIN_FUZZY_TERM_LENGTH = 4  # shorter words have too few trigrams to tell a typo from another word
STRONG_MATCH = 20  # a term scoring this much matched a word exactly or by prefix, not as a near miss

UNITS = {
    "mg": StrengthUnit.MILLIGRAM, "milligram": StrengthUnit.MILLIGRAM, "milligrams": StrengthUnit.MILLIGRAM,
    "g": StrengthUnit.GRAM, "gram": StrengthUnit.GRAM, "grams": StrengthUnit.GRAM,
    "mcg": StrengthUnit.MICROGRAM, "ug": StrengthUnit.MICROGRAM, "µg": StrengthUnit.MICROGRAM,
    "microgram": StrengthUnit.MICROGRAM, "micrograms": StrengthUnit.MICROGRAM,
    "ml": StrengthUnit.MILLILITRE, "millilitre": StrengthUnit.MILLILITRE, "millilitres": StrengthUnit.MILLILITRE,
    "unit": StrengthUnit.UNIT, "units": StrengthUnit.UNIT, "iu": StrengthUnit.UNIT,
}
FORMS = {
    "tablet": DosageForm.TABLET, "tablets": DosageForm.TABLET, "tab": DosageForm.TABLET,
    "tabs": DosageForm.TABLET, "capsule": DosageForm.CAPSULE, "capsules": DosageForm.CAPSULE,
    "caps": DosageForm.CAPSULE, "solution": DosageForm.ORAL_SOLUTION, "liquid": DosageForm.ORAL_SOLUTION,
    "syrup": DosageForm.ORAL_SOLUTION, "cream": DosageForm.CREAM, "creams": DosageForm.CREAM,
    "injection": DosageForm.INJECTION, "injections": DosageForm.INJECTION,
}
STOP_WORDS = frozenset({"a", "an", "and", "for", "of", "the", "with", "x"})

_TOKEN = re.compile(r"[a-z0-9µ]+(?:\.\d+)?")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_NUMBER_WITH_UNIT = re.compile(r"(\d+(?:\.\d+)?)([a-zµ]+)")
_WORD = re.compile(r"[a-z0-9]+")
_IDENTIFIER = re.compile(r"(?i)(?:pzn)?[0-9A-Z-]+")


def normalize_text(*texts: str) -> str:
    """' baclofen tablets ': lower case, words only, a space at each end, so ' bac' finds a word start."""
    words = _WORD.findall(" ".join(texts).lower())
    return f" {' '.join(words)} " if words else ""


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    terms: tuple[str, ...]  # words to find, in order
    strengths: tuple[tuple[Decimal, str | None], ...]  # (10, "mg"); the unit is None for a bare number
    forms: tuple[str, ...]  # DosageForm values

    @property
    def is_empty(self) -> bool:
        return not (self.terms or self.strengths or self.forms)


def parse_query(text: str) -> ParsedQuery:
    """Split a query into words, strengths ("10mg", "10 mg", "10") and dosage forms ("tablets")."""
    tokens = _TOKEN.findall(text.lower())
    terms: list[str] = []
    strengths: list[tuple[Decimal, str | None]] = []
    forms: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        glued = _NUMBER_WITH_UNIT.fullmatch(token)
        if glued and glued[2] in UNITS:
            strengths.append((_decimal(glued[1]), UNITS[glued[2]]))
        elif _NUMBER.fullmatch(token):
            unit = None
            if index < len(tokens) and tokens[index] in UNITS:
                unit = UNITS[tokens[index]]
                index += 1
            strengths.append((_decimal(token), unit))
        elif token in FORMS:
            forms.append(FORMS[token])
        elif token in UNITS or token in STOP_WORDS:
            continue
        else:
            terms.extend(_WORD.findall(token))
    return ParsedQuery(text=text.strip(), terms=tuple(dict.fromkeys(terms)),
                       strengths=tuple(dict.fromkeys(strengths)), forms=tuple(dict.fromkeys(forms)))


def _decimal(raw: str) -> Decimal:
    try:
        return Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return Decimal(0)


# --- Identifiers ---------------------------------------------------------------------------------------


def identifier_lookup(text: str) -> Q | None:
    """A filter on Pack for an exact GTIN (leading zeros optional), PZN or SKU, or None when `text` cannot
    be one. Only single tokens with a digit or a dash are tried, so ordinary words cost no query."""
    compact = re.sub(r"\s", "", text.strip())
    if not compact or not _IDENTIFIER.fullmatch(compact) or not re.search(r"[\d-]", compact):
        return None
    if compact != text.strip() and not compact.isdigit():
        return None  # words with spaces are a search; only a barcode may be typed with spaces
    lookup = Q(sku=compact.upper())
    digits = compact[3:] if compact[:3].lower() == "pzn" else compact
    digits = digits.replace("-", "")
    if digits.isascii() and digits.isdigit():
        significant = digits.lstrip("0") or "0"
        gtins = [significant.zfill(length) for length in (8, 12, 13, 14) if len(significant) <= length]
        gtins = [gtin for gtin in gtins if is_valid_gtin(gtin)]
        if gtins:
            lookup |= Q(gtin__in=gtins)
        if len(digits) <= PZN_LENGTH and is_valid_pzn(digits.zfill(PZN_LENGTH)):
            lookup |= Q(pzn=digits.zfill(PZN_LENGTH))
    return lookup


def find_pack_by_identifier(text: str) -> Pack | None:
    """The active pack whose GTIN, PZN or SKU is exactly `text`, or None (no query unless it could be one)."""
    lookup = identifier_lookup(text)
    if lookup is None:
        return None
    return Pack.objects.active().filter(lookup).select_related("product").order_by("pk").first()


# --- Matching and ranking ------------------------------------------------------------------------------


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


class WordSimilar(Func):
    """`term <% text`: pg_trgm's word similarity above pg_trgm.word_similarity_threshold (0.6); a trigram
    GIN index on `text` serves it."""

    arg_joiner = " <%% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class WordSimilarity(Func):
    function = "word_similarity"
    output_field = FloatField()


def _doc(field: str) -> str:
    return f"search_document__{field}"


def _indication_stem_query(term: str) -> SearchQuery:
    # Terms are [a-z0-9]+ only, so a raw query is safe; ":D" limits it to the "used for" part of the vector.
    return SearchQuery(f"{term}:D", search_type="raw", config="english")


def term_filter(term: str, *, fuzzy: bool, uses: bool = True) -> Q:
    """A product matches `term` when a word of its names or (GSL/P only) its uses starts with it."""
    word = f" {term}"
    match = Q(**{f"{_doc('all_names')}__contains": word})
    if not uses:
        return match
    match |= Q(**{f"{_doc('indication_text')}__contains": word})
    if _is_postgresql():
        match |= Q(**{_doc("search_vector"): _indication_stem_query(term)})
        if fuzzy and len(term) >= MIN_FUZZY_TERM_LENGTH:
            match |= Q(WordSimilar(Value(term), F(_doc("all_names"))))
    return match


def term_score(term: str, *, fuzzy: bool, uses: bool = True):
    """100 a whole name word, 80 a name word's start, 60/50 ingredient, 45/40 also-known-as, 25 what it is
    for (unless not `uses`); a near miss (PostgreSQL) scores its word similarity times 10, below STRONG_MATCH."""
    whole, start = f" {term} ", f" {term}"

    def word(field: str, whole_score: float, start_score: float) -> When:
        whole_word = When(**{f"{_doc(field)}__contains": whole}, then=Value(whole_score))
        return When(**{f"{_doc(field)}__contains": start},
                    then=Case(whole_word, default=Value(start_score), output_field=FloatField()))

    # Nested so that each match is tested as few times as it can be: all_names holds the words of the name,
    # ingredients and other names, so a product matched only by what it is for (most of the hundreds
    # "hay fever" finds) costs two LIKEs here, not seven.
    names = Case(word("name_text", 100.0, 80.0), word("ingredient_text", 60.0, 50.0),
                 word("synonym_text", 45.0, 40.0), default=Value(0.0), output_field=FloatField())
    whens = [When(**{f"{_doc('all_names')}__contains": start}, then=names)]
    if uses:
        whens.append(When(**{f"{_doc('indication_text')}__contains": start}, then=Value(25.0)))
    default = Value(0.0)
    if _is_postgresql() and uses:
        whens.append(When(Q(**{_doc("search_vector"): _indication_stem_query(term)}), then=Value(25.0)))
    if _is_postgresql():
        if fuzzy and len(term) >= MIN_FUZZY_TERM_LENGTH:
            default = Greatest(  # a near miss of the name beats one of an ingredient or brand
                WordSimilarity(Value(term), F(_doc("name_text"))) * Value(10.0),
                WordSimilarity(Value(term), F(_doc("all_names"))) * Value(8.0),
            )
    return Case(*whens, default=default, output_field=FloatField())


def strength_filter(amount: Decimal, unit: str | None, *, pack_ref: str = "pk", through_product: bool = True) -> Q:
    lookup = {"amount": amount}
    if unit:
        lookup["unit"] = unit
    if through_product:
        return Q(Exists(Strength.objects.filter(pack__product=OuterRef(pack_ref), pack__is_active=True, **lookup)))
    return Q(Exists(Strength.objects.filter(pack=OuterRef(pack_ref), **lookup)))


def rank_products(
    products: QuerySet[Product], query: ParsedQuery, *, fuzzy: bool = True, uses: bool = True
) -> QuerySet[Product]:
    """Filter `products` to those matching every term and annotate `search_score` (higher first) and
    `search_strong` (every term matched a word exactly or by its start). With no terms, the strengths and
    forms filter; with terms, they only rank."""
    score = Value(0.0, output_field=FloatField())
    strong_terms = []
    for index, term in enumerate(query.terms):
        products = products.filter(term_filter(term, fuzzy=fuzzy, uses=uses))
        name = f"search_term_{index}"
        products = products.annotate(**{name: term_score(term, fuzzy=fuzzy, uses=uses)})
        score = score + F(name)
        # The term scores STRONG_MATCH or more exactly when a word starts with it or, for uses, shares its
        # stem (its only weaker score is a near miss): that is its filter without near misses, three tests
        # where comparing its score would run the whole CASE again, near misses included, for every match.
        strong_terms.append(term_filter(term, fuzzy=False, uses=uses))
    if query.terms:
        phrase = " ".join(query.terms)
        score = score + Case(
            When(**{_doc("name_text"): f" {phrase} "}, then=Value(300.0)),
            When(**{f"{_doc('name_text')}__startswith": f" {phrase}"}, then=Value(200.0)),
            default=Value(0.0), output_field=FloatField(),
        )
    strength_match = Q()
    for amount, unit in query.strengths:
        strength_match |= strength_filter(amount, unit)
    if query.strengths:
        score = score + Case(When(strength_match, then=Value(30.0)), default=Value(0.0), output_field=FloatField())
    if query.forms:
        score = score + Case(When(dosage_form__in=query.forms, then=Value(20.0)), default=Value(0.0),
                             output_field=FloatField())
    if not query.terms:
        if query.strengths:
            products = products.filter(strength_match)
        if query.forms:
            products = products.filter(dosage_form__in=query.forms)
    strong: Q | Value = Value(bool(query.strengths or query.forms))
    if strong_terms:
        strong = Q()
        for condition in strong_terms:
            strong &= condition
        strong = Case(When(strong, then=Value(True)), default=Value(False), output_field=BooleanField())
    return products.annotate(search_score=score, search_strong=strong)


def pack_order(query: ParsedQuery | None, *, matched_pack_id: int | None = None) -> list:
    """order_by() terms for a product's packs: the identified pack, then packs of the asked strength."""
    ordering = []
    if matched_pack_id is not None:
        ordering.append(Case(When(pk=matched_pack_id, then=Value(0)), default=Value(1), output_field=IntegerField()))
    if query is not None and query.strengths:
        match = Q()
        for amount, unit in query.strengths:
            match |= strength_filter(amount, unit, through_product=False)
        ordering.append(Case(When(match, then=Value(0)), default=Value(1), output_field=IntegerField()))
    return [*ordering, "pk"]


# --- "Did you mean ...?" (suggestions as you type: catalog.suggest) -----------------------------------------


def correct_query(query: ParsedQuery, *, candidates: int = 50) -> str | None:
    """The query with each unknown word replaced by the closest word of the catalog ("baclofn 10mg" ->
    "baclofen 10mg"), or None when nothing close is found. One query."""
    terms = [term for term in query.terms if len(term) >= 3]
    if not terms:
        return None
    nearby = Q()
    for term in terms:
        nearby |= Q(all_names__contains=f" {term[:3]}") | Q(indication_text__contains=f" {term[:3]}")
        if _is_postgresql():
            nearby |= Q(WordSimilar(Value(term), F("all_names")))
    rows = (
        ProductSearchDocument.objects.filter(nearby, product__is_active=True)
        .values_list("all_names", "indication_text")[:candidates]
    )
    words = {word for texts in rows for text in texts for word in text.split() if len(word) >= 3}
    if not words:
        return None
    corrected = query.text.lower()
    changed = False
    for term in terms:
        if term in words or any(word.startswith(term) for word in words):
            continue
        # settings.SEARCH_SUGGESTION_CUTOFF: difflib ratio a correction needs ("baclofn" -> "baclofen": 0.93)
        close = difflib.get_close_matches(term, sorted(words), n=1, cutoff=settings.SEARCH_SUGGESTION_CUTOFF)
        if close:
            corrected = re.sub(rf"\b{re.escape(term)}\b", close[0], corrected)
            changed = True
    return " ".join(corrected.split()) if changed else None


# --- The document ---------------------------------------------------------------------------------------


def search_vector():
    """Weighted full-text vector of a ProductSearchDocument: names A, ingredients B, other names C (all
    'simple': no stemming of medicine names), what it is for D ('english', so 'allergy' finds 'allergies')."""
    return (
        SearchVector("name_text", config="simple", weight="A")
        + SearchVector("ingredient_text", config="simple", weight="B")
        + SearchVector("synonym_text", config="simple", weight="C")
        + SearchVector("indication_text", config="english", weight="D")
    )


def document_values(*, name: str, legal_category: str, ingredients, synonyms, indications: str) -> dict:
    """The text fields of a product's search document. Prescription-only medicines get no "used for" text:
    matching symptoms to them would advertise them to the public (Human Medicines Regulations 2012, Part 14)."""
    used_for = "" if legal_category == LegalCategory.PRESCRIPTION else indications
    ingredient_text = normalize_text(*sorted(ingredients))
    synonym_text = normalize_text(*sorted(synonyms))
    name_text = normalize_text(name)
    return {
        "name_text": name_text,
        "ingredient_text": ingredient_text,
        "synonym_text": synonym_text,
        "indication_text": normalize_text(used_for),
        "all_names": normalize_text(name_text, ingredient_text, synonym_text),
    }

