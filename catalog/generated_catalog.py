"""A large, realistic and deterministic catalog for benchmarks: `manage.py generate_catalog --packs N`.

Medicine names are built from pharmacological stems ("lora" + "tadine", "ami" + "pril"), so a given
`--packs` and `--seed` always give the same products, packs, brands, GTINs, prices and stock. Each
product has 1-6 packs (strengths x pack sizes), one or two brand names, one active ingredient, a
category, and one published leaflet of six short templated sections (kept light: 6 rows per product).
Writes go in bulk; search documents are rebuilt in bulk at the end (catalog.services), which also bumps
the catalog cache version.
"""

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .identifiers import make_gtin13
from .models import (
    Category,
    Ingredient,
    LeafletRevision,
    LeafletSection,
    LeafletSectionKey,
    LegalCategory,
    Pack,
    Product,
    ProductSynonym,
    StockBatch,
    Strength,
)
from .services import refresh_search_documents

SKU_PREFIX = "GEN-"
BATCH = 2000
PREFIXES = ["ab", "ami", "bexa", "cara", "cita", "dapo", "ezo", "fluvo", "gaba", "halo", "irbe", "keto", "lora",
            "mela", "nebi", "olme", "pravo", "quina", "rami", "sima", "telmi", "ulta", "vala", "xylo", "zafi",
            "brimo", "clopi", "dulo", "etori", "fexo", "glime", "hydro", "indo", "lanso", "meto", "napro"]
# Never empty: every name has a middle syllable, so none is a real medicine of the demo catalog.
MIDDLES = ["ca", "de", "fi", "lo", "mi", "no", "ri", "so", "ti", "va", "xe", "bu", "ce", "du", "ga", "ko", "le",
           "mu", "pe", "ro", "su", "te", "vi", "zo"]
STEMS = [("pril", "Heart and blood pressure"), ("sartan", "Heart and blood pressure"),
         ("olol", "Heart and blood pressure"), ("statin", "Heart and blood pressure"),
         ("prazole", "Stomach and digestion"), ("tidine", "Allergy and hay fever"),
         ("profen", "Pain relief"), ("coxib", "Pain relief"), ("oxetine", "Mental health"),
         ("pramine", "Mental health"), ("cycline", "Infections"), ("floxacin", "Infections"),
         ("azole", "Infections"), ("gliptin", "Diabetes"), ("formin", "Diabetes"), ("lukast", "Respiratory"),
         ("terol", "Respiratory"), ("sone", "Skin"), ("triptan", "Pain relief"), ("semide", "Heart and blood pressure")]
BRAND_ENDINGS = ["ex", "ix", "on", "al", "ra", "um", "yl", "ia", "or", "en"]
FORMS = [("tablet", "tablets", "tablets", "oral"), ("capsule", "capsules", "capsules", "oral"),
         ("oral_solution", "oral solution", "mL", "oral"), ("cream", "cream", "g", "topical")]
STRENGTHS = [Decimal(s) for s in ("1", "2.5", "5", "10", "20", "25", "40", "50", "100", "200", "250", "500")]
PACK_SIZES = [7, 14, 28, 30, 56, 84, 100]
USES = {"Heart and blood pressure": "high blood pressure", "Stomach and digestion": "heartburn and indigestion",
        "Allergy and hay fever": "hay fever and allergies", "Pain relief": "pain and fever",
        "Mental health": "low mood", "Infections": "infections", "Diabetes": "type 2 diabetes",
        "Respiratory": "asthma and wheeze", "Skin": "eczema and itchy skin"}


@dataclass(frozen=True)
class GeneratedPack:
    sku: str
    gtin: str
    strength: Decimal
    pack_size: int
    price: Decimal
    units_on_hand: int


@dataclass(frozen=True)
class GeneratedProduct:
    name: str
    slug: str
    ingredient: str
    brands: tuple[str, ...]
    category: str
    legal_category: str
    dosage_form: str
    route: str
    pack_unit: str
    indications: str
    packs: tuple[GeneratedPack, ...]


def _ingredient_names(rng: random.Random) -> Iterator[tuple[str, str]]:
    combos = list(itertools.product(PREFIXES, MIDDLES, STEMS))
    rng.shuffle(combos)
    for prefix, middle, (stem, category) in combos:
        yield prefix + middle + stem, category
    raise ValueError("more products than the name stems can make")  # 17,280 ingredients x 1-3 forms


def generate_catalog_products(*, packs: int, seed: int = 13) -> list[GeneratedProduct]:
    """The catalog for `packs` packs, the same every time for the same arguments."""
    rng = random.Random(seed)
    products: list[GeneratedProduct] = []
    names = _ingredient_names(rng)
    made = 0
    while made < packs:
        ingredient, category = next(names)
        for form, form_label, pack_unit, route in rng.sample(FORMS, k=rng.randint(1, 3)):
            if made >= packs:
                break
            count = min(rng.randint(1, 6), packs - made)
            strengths = sorted(rng.sample(STRENGTHS, k=min(count, 3)))
            sizes = sorted(rng.sample(PACK_SIZES, k=2))
            combos = list(itertools.product(strengths, sizes))[:count]
            legal = rng.choices([LegalCategory.PRESCRIPTION, LegalCategory.PHARMACY, LegalCategory.GENERAL_SALE],
                                weights=[5, 3, 2])[0]
            generated_packs = []
            for strength, size in combos:
                made += 1
                price = (Decimal(rng.randint(149, 4999)) / 100).quantize(Decimal("0.01"))
                generated_packs.append(GeneratedPack(
                    sku=f"{SKU_PREFIX}{made:06d}", gtin=make_gtin13(f"27{made:010d}"), strength=strength,
                    pack_size=size, price=price, units_on_hand=0 if rng.random() < 0.08 else rng.randint(1, 500),
                ))
            name = f"{ingredient.capitalize()} {form_label}"
            brands = tuple(sorted({(ingredient[:rng.randint(3, 5)] + rng.choice(BRAND_ENDINGS)).capitalize()
                                   for _ in range(rng.randint(1, 2))}))
            uses = f"Used for {USES[category]}." if legal != LegalCategory.PRESCRIPTION else ""
            products.append(GeneratedProduct(
                name=name, slug=slugify(name), ingredient=ingredient, brands=brands, category=category,
                legal_category=legal, dosage_form=form, route=route, pack_unit=pack_unit, indications=uses,
                packs=tuple(generated_packs),
            ))
    return products


def _chunks(items: list, size: int = BATCH) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@transaction.atomic
def write_generated_catalog(*, packs: int, seed: int = 13) -> tuple[int, int]:
    """Write the generated catalog in bulk; returns (products, packs). Refuses if it is already there."""
    if Pack.objects.filter(sku__startswith=SKU_PREFIX).exists():
        raise ValueError("A generated catalog is already loaded (packs GEN-...): use a fresh database.")
    generated = generate_catalog_products(packs=packs, seed=seed)
    categories = {}
    for name in sorted({product.category for product in generated}):
        categories[name] = Category.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0].pk
    Ingredient.objects.bulk_create([Ingredient(name=name) for name in sorted({p.ingredient for p in generated})],
                                   ignore_conflicts=True, batch_size=BATCH)
    ingredient_ids = dict(Ingredient.objects.values_list("name", "pk"))
    for chunk in _chunks(generated):
        Product.objects.bulk_create([
            Product(name=p.name, slug=p.slug, legal_category=p.legal_category, dosage_form=p.dosage_form,
                    route=p.route, indications=p.indications, description=f"{p.name}, generated for benchmarks.")
            for p in chunk
        ])
    product_ids = dict(Product.objects.filter(slug__in=[p.slug for p in generated]).values_list("slug", "pk"))
    links = Product.categories.through
    links.objects.bulk_create([links(product_id=product_ids[p.slug], category_id=categories[p.category])
                               for p in generated], batch_size=BATCH)
    ProductSynonym.objects.bulk_create([ProductSynonym(product_id=product_ids[p.slug], name=brand)
                                        for p in generated for brand in p.brands], batch_size=BATCH)
    all_packs = [(p, pack) for p in generated for pack in p.packs]
    for chunk in _chunks(all_packs):
        Pack.objects.bulk_create([
            Pack(product_id=product_ids[p.slug], sku=pack.sku, gtin=pack.gtin, pack_size=pack.pack_size,
                 pack_unit=p.pack_unit, price_amount=pack.price, currency="GBP")
            for p, pack in chunk
        ])
    pack_ids = dict(Pack.objects.filter(sku__startswith=SKU_PREFIX).values_list("sku", "pk"))
    per = {"oral_solution": (Decimal("5"), "mL")}  # oral solutions: so many mg per 5 mL
    Strength.objects.bulk_create([
        Strength(pack_id=pack_ids[pack.sku], ingredient_id=ingredient_ids[p.ingredient], amount=pack.strength,
                 unit="mg", per_amount=per.get(p.dosage_form, (None, ""))[0],
                 per_unit=per.get(p.dosage_form, (None, ""))[1])
        for p, pack in all_packs
    ], batch_size=BATCH)
    expiry = timezone.localdate() + timedelta(days=540)
    StockBatch.objects.bulk_create([
        StockBatch(pack_id=pack_ids[pack.sku], batch_number=f"L{pack.sku[len(SKU_PREFIX):]}", expiry_date=expiry,
                   quantity_on_hand=pack.units_on_hand)
        for p, pack in all_packs
    ], batch_size=BATCH)
    _write_leaflets(generated, product_ids)
    refresh_search_documents(product_ids=product_ids.values())
    return len(generated), len(all_packs)


def _write_leaflets(generated: list[GeneratedProduct], product_ids: dict[str, int]) -> None:
    """One published revision per product, six short sections from one template. Written as drafts and
    then published in one update: the database refuses sections added to a published revision."""
    LeafletRevision.objects.bulk_create([
        LeafletRevision(product_id=product_ids[p.slug], number=1, revised_on=date(2026, 1, 1))
        for p in generated
    ], batch_size=BATCH)
    revisions = dict(LeafletRevision.objects.filter(product_id__in=product_ids.values(), number=1)
                     .values_list("product_id", "pk"))
    sections = []
    for p in generated:
        revision_id = revisions[product_ids[p.slug]]
        for position, (key, label) in enumerate(LeafletSectionKey.choices):
            body = f"{label} ({p.name}). {p.indications or 'Your doctor will explain what it is for.'}"
            sections.append(LeafletSection(revision_id=revision_id, key=key, position=position,
                                           heading=f"{position + 1}. {label}", body=body))
    for chunk in _chunks(sections):
        LeafletSection.objects.bulk_create(chunk)
    LeafletRevision.objects.filter(pk__in=revisions.values()).update(published_at=timezone.now())
