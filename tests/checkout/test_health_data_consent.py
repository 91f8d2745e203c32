"""Explicit health-data consent before the first order that reveals health data, on every face that places
an order: the service, the checkout page, the checkout API and "order again" (API and service). A consent
given with an order is stored as evidence of the revision, the words and the interface; a refused order
changes nothing, and an order of general-sale items for the shopper needs no consent."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from catalog.models import Pack
from checkout.health_data import ConsentGiven
from checkout.services import place_order, reorder_prescription
from orders.exceptions import PatientDetailsRequired
from orders.models import Order, OrderStatus
from patients.details import PatientDetails
from privacy.exceptions import HealthDataConsentRequired, PrivacyNoticeOutdated
from privacy.models import HealthDataConsent
from privacy.services import consent_for_order, has_current_consent, withdraw_consent
from tests.builders.api import SHIPPING, assert_problem
from tests.builders.orders import cart_with, details, uploaded_prescription
from tests.builders.patients import child_record
from tests.builders.privacy import published_notice
from tests.builders.repeats import days_since_last_issue, first_issue
from tests.factories import PackFactory, ProductFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

CHECKOUT = reverse("checkout:checkout")


@pytest.fixture
def shopper(db):
    """A shopper who has never given health-data consent."""
    return UserFactory(health_data_consent=False)


@pytest.fixture
def p_pack(db):
    product = ProductFactory(name="Hayfexo tablets", slug="hayfexo-tablets", legal_category="pharmacy")
    return PackFactory(product=product, sku="HAY-30", stock_quantity=10)


def place(user, *packs, consent: ConsentGiven | None = None, **options) -> Order:
    return place_order(user=user, cart=cart_with(user, *((pack, 1) for pack in packs)), details=details(),
                       idempotency_key=str(uuid.uuid4()), health_data_consent=consent, **options)


# --- The service: every face goes through it ---------------------------------------------------------


def test_a_pharmacy_medicine_order_without_consent_is_refused_and_changes_nothing(shopper, p_pack):
    published_notice()

    with pytest.raises(HealthDataConsentRequired) as refused:
        place(shopper, p_pack)

    assert (refused.value.code, refused.value.field) == ("health_data_consent_required", "health_data_consent")
    assert not Order.objects.exists() and not HealthDataConsent.objects.exists()
    assert Pack.objects.get(pk=p_pack.pk).stock_quantity == 10


def test_consent_given_with_the_order_is_stored_as_evidence_of_the_revision_words_and_interface(shopper, p_pack):
    notice = published_notice()

    order = place(shopper, p_pack, consent=ConsentGiven(interface="api", notice_number=notice.number))

    consent = HealthDataConsent.objects.get(user=shopper)
    assert order.status == OrderStatus.AWAITING_REVIEW
    assert (consent.notice, consent.text_shown, consent.interface) == (notice, notice.consent_text, "api")
    assert has_current_consent(user=shopper)


def test_a_shopper_with_consent_in_force_is_not_asked_again(shopper, p_pack):
    notice = published_notice()
    place(shopper, p_pack, consent=ConsentGiven(interface="storefront", notice_number=notice.number))

    place(shopper, p_pack)  # no consent sent: the one in force holds

    assert Order.objects.filter(user=shopper).count() == 2
    assert HealthDataConsent.objects.filter(user=shopper).count() == 1


def test_withdrawn_consent_stops_new_orders_and_deletes_nothing(shopper, p_pack):
    notice = published_notice()
    first = place(shopper, p_pack, consent=ConsentGiven(interface="storefront", notice_number=notice.number))
    withdraw_consent(user=shopper)

    with pytest.raises(HealthDataConsentRequired):
        place(shopper, p_pack)

    assert list(Order.objects.filter(user=shopper)) == [first]
    assert HealthDataConsent.objects.get(user=shopper).withdrawn_at is not None


def test_general_sale_items_for_the_shopper_need_no_consent(shopper, gsl_pack):
    published_notice()

    order = place(shopper, gsl_pack)

    assert order.status == OrderStatus.APPROVED
    assert not HealthDataConsent.objects.exists()


def test_general_sale_items_for_a_health_record_reveal_health_data(shopper, gsl_pack):
    published_notice()
    child = child_record(shopper)

    with pytest.raises(HealthDataConsentRequired):
        place(shopper, gsl_pack, patient=PatientDetails(record_id=child.pk))
    with pytest.raises(HealthDataConsentRequired):
        place(shopper, gsl_pack, patient=PatientDetails(name="Sam Carer", is_account_holder=False))

    assert not Order.objects.exists()


def test_a_prescription_order_without_consent_is_refused(shopper, pom_pack):
    published_notice()

    with pytest.raises(HealthDataConsentRequired):
        place(shopper, pom_pack, prescription=uploaded_prescription(shopper))

    assert not Order.objects.exists()


def test_an_outdated_revision_is_refused_and_records_nothing(shopper, p_pack):
    published_notice(1)
    published_notice(2)

    with pytest.raises(PrivacyNoticeOutdated) as refused:
        place(shopper, p_pack, consent=ConsentGiven(interface="api", notice_number=1))

    assert refused.value.extra == {"current": 2}
    assert not Order.objects.exists() and not HealthDataConsent.objects.exists()


def test_a_consent_ticked_with_an_order_refused_for_another_reason_is_not_recorded(shopper, p_pack):
    notice = published_notice()

    with pytest.raises(PatientDetailsRequired):  # a date of birth in the future
        place(shopper, p_pack, consent=ConsentGiven(interface="storefront", notice_number=notice.number),
              patient=PatientDetails(date_of_birth=datetime.date(2999, 1, 1)))

    assert not HealthDataConsent.objects.exists()


def test_a_notice_that_asks_again_needs_a_new_consent_which_ends_the_earlier_one(shopper, p_pack):
    first = published_notice(1)
    place(shopper, p_pack, consent=ConsentGiven(interface="api", notice_number=first.number))
    second = published_notice(2, asks_for_consent_again=True)

    with pytest.raises(HealthDataConsentRequired):
        place(shopper, p_pack)
    place(shopper, p_pack, consent=ConsentGiven(interface="storefront", notice_number=second.number))

    earlier, current = HealthDataConsent.objects.filter(user=shopper).order_by("pk")
    assert (earlier.notice, earlier.superseded_at is not None, earlier.withdrawn_at) == (first, True, None)
    assert (current.notice, current.is_active, current.interface) == (second, True, "storefront")


def test_the_gate_reads_the_consent_in_force_in_one_query(user, django_assert_num_queries):
    with django_assert_num_queries(1):
        consent_for_order(user=user, consent=None)


def test_the_admin_shows_a_consent_given_at_checkout_as_read_only_evidence(client, shopper, p_pack):
    notice = published_notice()
    place(shopper, p_pack, consent=ConsentGiven(interface="storefront", notice_number=notice.number))
    consent = HealthDataConsent.objects.get(user=shopper)
    client.force_login(StaffFactory(permissions=["privacy.view_healthdataconsent"]))

    listed = client.get(reverse("admin:privacy_healthdataconsent_changelist") + f"?q={shopper.email}")
    page = client.get(reverse("admin:privacy_healthdataconsent_change", args=[consent.pk]))

    assert reverse("admin:privacy_healthdataconsent_change", args=[consent.pk]) in listed.content.decode()
    assert "Storefront" in listed.content.decode()
    assert page.status_code == 200 and escape(notice.consent_text) in page.content.decode()
    assert 'name="_save"' not in page.content.decode()  # evidence: nothing to change


# --- The checkout page ---------------------------------------------------------------------------------


def page_data(**overrides) -> dict:
    data = {
        "idempotency_key": str(uuid.uuid4()), "full_name": "Ada Shopper", "email": "ada@example.org",
        "phone": "07700 900123", "address_line1": "1 High Street", "city": "Leeds", "postcode": "LS1 1AA",
        "patient_for": "me",
    }
    data.update(overrides)
    return data


def test_the_checkout_page_shows_an_unticked_box_with_the_words_and_the_notice(client, shopper, p_pack):
    notice = published_notice()
    client.force_login(shopper)
    cart_with(shopper, (p_pack, 1))

    html = client.get(CHECKOUT).content.decode()

    assert 'type="checkbox" name="health_data_consent"' in html
    assert 'name="health_data_consent" id="id_health_data_consent" checked' not in html
    assert escape(notice.consent_text) in html
    assert reverse("privacy:notice-revision", kwargs={"number": notice.number}) in html


def test_the_checkout_page_shows_missing_consent_as_a_form_error(client, shopper, p_pack):
    published_notice()
    client.force_login(shopper)
    cart_with(shopper, (p_pack, 1))

    response = client.post(CHECKOUT, page_data())

    assert response.status_code == 200
    assert response.context["form"].errors["health_data_consent"] == [HealthDataConsentRequired.default_message]
    assert 'href="#id_health_data_consent"' in response.content.decode()  # the error summary links to the box
    assert not Order.objects.exists() and not HealthDataConsent.objects.exists()


def test_ticking_the_box_places_the_order_and_stores_the_storefront_consent(client, shopper, p_pack):
    notice = published_notice()
    client.force_login(shopper)
    cart_with(shopper, (p_pack, 1))

    response = client.post(CHECKOUT, page_data(health_data_consent="on", privacy_notice_version=notice.number))

    assert response.status_code == 302
    consent = HealthDataConsent.objects.get(user=shopper)
    assert (consent.notice, consent.interface) == (notice, "storefront")
    assert Order.objects.get().user == shopper
    cart_with(shopper, (p_pack, 1))
    assert "health_data_consent" not in client.get(CHECKOUT).content.decode()  # not asked again


# --- The API ---------------------------------------------------------------------------------------------


@pytest.fixture
def shopper_api(shopper):
    client = APIClient()
    client.force_authenticate(shopper)
    return client


def api_checkout(client, **body):
    return client.post("/api/v1/checkout/", {"shipping": SHIPPING, **body}, format="json",
                       HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))


def test_the_api_refuses_a_pharmacy_medicine_without_consent_with_the_problem(shopper_api, shopper, p_pack):
    published_notice()
    cart_with(shopper, (p_pack, 1))

    assert_problem(api_checkout(shopper_api), 422, "health_data_consent_required", "health_data_consent")
    assert_problem(api_checkout(shopper_api, health_data_consent=False), 422, "health_data_consent_required")
    assert not Order.objects.exists() and not HealthDataConsent.objects.exists()


@pytest.mark.parametrize("given", ["true", "yes", 1])
def test_the_api_takes_consent_only_as_json_true(shopper_api, shopper, p_pack, given):
    published_notice()
    cart = cart_with(shopper, (p_pack, 1))

    assert_problem(api_checkout(shopper_api, health_data_consent=given), 400, field="health_data_consent")
    assert_problem(api_checkout(shopper_api, health_data_consent=True, patient={"is_account_holder": given}), 400,
                   field="patient.is_account_holder")
    assert not Order.objects.exists() and not HealthDataConsent.objects.exists()
    assert cart.lines.count() == 1


def test_the_api_stores_the_consent_sent_with_the_checkout(shopper_api, shopper, p_pack):
    notice = published_notice()
    cart_with(shopper, (p_pack, 1))

    response = api_checkout(shopper_api, health_data_consent=True, privacy_notice_version=notice.number)

    assert response.status_code == 201, response.content
    consent = HealthDataConsent.objects.get(user=shopper)
    assert (consent.notice, consent.interface) == (notice, "api")


def test_the_api_refuses_consent_to_an_outdated_notice(shopper_api, shopper, p_pack):
    published_notice(1)
    published_notice(2)
    cart_with(shopper, (p_pack, 1))

    response = api_checkout(shopper_api, health_data_consent=True, privacy_notice_version=1)

    assert_problem(response, 409, "privacy_notice_outdated", "privacy_notice_version")
    assert not Order.objects.exists() and not HealthDataConsent.objects.exists()


# --- Order again -----------------------------------------------------------------------------------------


@pytest.fixture
def repeatable(user, pharmacist, pom_pack):
    """A repeatable prescription of `user` (who consented when first ordering) with an issue due, and the
    consent then withdrawn."""
    published_notice()
    prescription = first_issue(user, pharmacist, pom_pack).prescription
    days_since_last_issue(prescription, 28)
    withdraw_consent(user=user)
    return prescription


def test_order_again_without_consent_is_refused_and_with_it_placed(user, repeatable):
    with pytest.raises(HealthDataConsentRequired):
        reorder_prescription(user=user, prescription=repeatable, details=details(), idempotency_key="again-1")
    assert Order.objects.count() == 1

    order = reorder_prescription(user=user, prescription=repeatable, details=details(), idempotency_key="again-2",
                                 health_data_consent=ConsentGiven(interface="storefront"))

    assert order.prescription_id == repeatable.pk
    assert has_current_consent(user=user)


def test_the_reorder_api_refuses_without_consent_and_accepts_it_in_the_request(shopper_client, user, repeatable):
    url = f"/api/v1/prescriptions/{repeatable.pk}/reorder/"

    refused = shopper_client.post(url, {"shipping": SHIPPING}, format="json", HTTP_IDEMPOTENCY_KEY="again-1")
    assert_problem(refused, 422, "health_data_consent_required", "health_data_consent")

    placed = shopper_client.post(url, {"shipping": SHIPPING, "health_data_consent": True}, format="json",
                                 HTTP_IDEMPOTENCY_KEY="again-2")
    assert placed.status_code == 201, placed.content
    assert HealthDataConsent.objects.filter(user=user, withdrawn_at__isnull=True).get().interface == "api"


def test_order_again_on_the_storefront_asks_for_the_withdrawn_consent_at_checkout(client, user, repeatable):
    client.force_login(user)
    client.post(reverse("checkout:prescription-reorder", kwargs={"pk": repeatable.pk}))
    page = client.get(f"{CHECKOUT}?prescription={repeatable.pk}")
    assert "health_data_consent" in page.context["form"].fields

    refused = client.post(CHECKOUT, page_data(prescription=str(repeatable.pk)))
    assert refused.context["form"].errors["health_data_consent"] == [HealthDataConsentRequired.default_message]
    assert Order.objects.count() == 1

    placed = client.post(CHECKOUT, page_data(prescription=str(repeatable.pk), health_data_consent="on"))
    assert placed.status_code == 302
    assert Order.objects.latest("pk").prescription_id == repeatable.pk
    assert HealthDataConsent.objects.get(user=user, withdrawn_at__isnull=True).interface == "storefront"
