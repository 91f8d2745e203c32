"""Factories for the domain's rows. Packs come with a strength and, by default, a published leaflet,
because a medicine without one cannot be sold."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from accounts.models import User
from accounts.roles import PHARMACISTS_GROUP
from catalog.identifiers import make_gtin13
from catalog.models import (
    Category,
    Ingredient,
    LeafletRevision,
    LeafletSectionKey,
    Pack,
    Product,
    StockBatch,
    Strength,
)
from catalog.services import SectionText, publish_new_leaflet_revision, refresh_search_documents
from dispensing.models import PharmacistProfile
from dispensing.services import sign_in_as_responsible_pharmacist
from patients.models import Patient
from privacy.models import ConsentInterface, HealthDataConsent

from .builders.privacy import published_notice
from .otp import device_for

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"shopper{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    email_verified_at = factory.LazyFunction(timezone.now)  # UserFactory(email_verified_at=None): a new sign-up
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def health_record(obj, create, extracted, **kwargs):
        """The account holder's health record with the date of birth P and POM orders need;
        `health_record=False` for an account that has none yet."""
        if create and extracted is not False:
            Patient.objects.create(owner=obj, is_account_holder=True, name=obj.full_name or obj.email,
                                   date_of_birth=datetime.date(1980, 5, 17))

    @factory.post_generation
    def health_data_consent(obj, create, extracted, **kwargs):
        """The explicit consent P and POM orders need, to the published privacy notice;
        `health_data_consent=False` for a shopper who has not given it."""
        if create and extracted is not False:
            notice = published_notice()
            HealthDataConsent.objects.create(user=obj, notice=notice, text_shown=notice.consent_text,
                                             given_at=timezone.now(), interface=ConsentInterface.STOREFRONT)


class PharmacistFactory(UserFactory):
    """A real pharmacist: staff, in the Pharmacists group, with a confirmed authenticator (the test secret,
    tests/otp.py) and a registered profile. `device=False` for one who has no authenticator yet."""

    email = factory.Sequence(lambda n: f"pharmacist{n}@example.org")
    is_staff = True

    @factory.post_generation
    def pharmacists_group(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(Group.objects.get(name=PHARMACISTS_GROUP))

    @factory.post_generation
    def device(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            device_for(obj)

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        """A pharmacist profile with a GPhC number, as an administrator creates; `profile=False` for none."""
        if create and extracted is not False:
            PharmacistProfile.objects.create(user=obj, registration_number=f"{2000000 + obj.pk:07d}")


def sign_in_responsible_pharmacist(pharmacist=None):
    """The responsible pharmacist for today (a registered pharmacist, created if not given)."""
    return sign_in_as_responsible_pharmacist(pharmacist=pharmacist or PharmacistFactory())


class StaffFactory(UserFactory):
    """Pharmacy staff who may change orders: dispatch, record deliveries, cancel. Pass
    `permissions=[...]` (orders codenames, or "app_label.codename" for another app's) for another set,
    e.g. `["view_order"]` for view-only staff."""

    email = factory.Sequence(lambda n: f"staff{n}@example.org")
    is_staff = True

    @factory.post_generation
    def permissions(obj, create, extracted, **kwargs):
        if create:
            names = ["view_order", "change_order"] if extracted is None else extracted
            for name in names:
                app_label, codename = name.split(".") if "." in name else ("orders", name)
                obj.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Testamol{n} tablets")
    slug = factory.Sequence(lambda n: f"testamol{n}-tablets")
    legal_category = "general_sale"
    dosage_form = "tablet"
    route = "oral"

    @factory.post_generation
    def leaflet(obj, create, extracted, **kwargs):
        """Publish a complete leaflet unless `leaflet=False`."""
        if create and extracted is not False:
            publish_leaflet(obj)

    @factory.post_generation
    def search_document(obj, create, extracted, **kwargs):
        """Index it for search, as the catalog services do on every write path."""
        if create:
            refresh_search_documents(product_ids=[obj.pk])


class PackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pack
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"TEST-{n:05d}")
    gtin = factory.Sequence(lambda n: make_gtin13(f"29{n:010d}"))
    pack_size = 16
    pack_unit = "tablets"
    price_amount = Decimal("3.49")
    currency = "GBP"

    @factory.post_generation
    def stock_quantity(obj, create, extracted, **kwargs):
        """Units on hand, in one batch "B-<sku>" expiring in two years: `stock_quantity=5`, 100 by default;
        `stock_quantity=0` gives a pack with no batch (add them with StockBatchFactory)."""
        if create and extracted != 0:
            StockBatchFactory(pack=obj, batch_number=f"B-{obj.sku}",
                              quantity_on_hand=100 if extracted is None else extracted)

    @factory.post_generation
    def strength(obj, create, extracted, **kwargs):
        """One active ingredient named after the product, `strength=Decimal("10")` mg by default."""
        if create:
            ingredient, _ = Ingredient.objects.get_or_create(name=obj.product.name.split(" ")[0].lower())
            Strength.objects.create(pack=obj, ingredient=ingredient, amount=extracted or Decimal("10"), unit="mg")
            refresh_search_documents(product_ids=[obj.product_id])  # its ingredient is searched


class StockBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockBatch

    pack = factory.SubFactory(PackFactory, stock_quantity=0)
    batch_number = factory.Sequence(lambda n: f"LOT{n:05d}")
    expiry_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=730))
    quantity_on_hand = 100


def set_available_stock(pack: Pack, units: int) -> None:
    """Make `units` available to sell (e.g. "sold out meanwhile"): the pack's first batch holds them
    plus what orders have allocated, its other batches none."""
    allocated = Pack.objects.values_list("allocated_quantity", flat=True).get(pk=pack.pk)
    batches = list(StockBatch.objects.filter(pack=pack).order_by("pk"))
    StockBatch.objects.filter(pk__in=[b.pk for b in batches[1:]]).update(quantity_on_hand=0)
    if batches:
        StockBatch.objects.filter(pk=batches[0].pk).update(quantity_on_hand=units + allocated)
    else:
        StockBatchFactory(pack=pack, quantity_on_hand=units + allocated)
    pack.__dict__.pop("stock_available", None)


def make_products(count: int, *, packs_each: int = 2) -> None:
    """`count` products ("Counted000 tablets"...) in the category "counted", with `packs_each` packs each:
    the catalog's query-count tests build them at two sizes."""
    category = CategoryFactory(name="Counted", slug="counted")
    for number in range(count):
        product = ProductFactory(name=f"Counted{number:03d} tablets", slug=f"counted{number:03d}-tablets")
        product.categories.add(category)
        for _ in range(packs_each):
            PackFactory(product=product)


def leaflet_sections(name: str, marker: str = "") -> list[SectionText]:
    return [
        SectionText(key, f"{index}. {label.replace('it', name, 1)}", f"{label} for {name}. {marker}".strip())
        for index, (key, label) in enumerate(LeafletSectionKey.choices, start=1)
    ]


def publish_leaflet(product: Product, *, marker: str = "", revised_on=None) -> LeafletRevision:
    return publish_new_leaflet_revision(
        product=product,
        revised_on=revised_on or datetime.date(2026, 1, 1),
        sections=leaflet_sections(product.name, marker),
    )
