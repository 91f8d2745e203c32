"""What checkout refuses on clinical grounds: contraindicated over-the-counter medicines and unsuitable ages."""

import datetime

import pytest
from django.utils import timezone

from cart.selectors import list_cart_lines
from checkout.services import place_order
from clinical.exceptions import ClinicalCheckRefused
from clinical.services import check_checkout
from orders.models import Order
from patients.details import PatientDetails
from tests.builders.orders import cart_with, details

pytestmark = pytest.mark.django_db


def child_aged(years: int) -> PatientDetails:
    today = timezone.localdate()
    born = today.replace(year=today.year - years) - datetime.timedelta(days=1)
    return PatientDetails(name="Sam Child", date_of_birth=born, is_account_holder=False)


def test_ibuprofen_with_a_stomach_ulcer_is_refused_over_the_counter(user, packs, health_record):
    health_record(conditions={"stomach_ulcer"})
    cart = cart_with(user, (packs["IBU-200-16"], 1))

    with pytest.raises(ClinicalCheckRefused) as refused:
        place_order(user=user, cart=cart, details=details(), idempotency_key="ulcer")

    assert "stomach ulcer" in refused.value.message
    assert "talk to our pharmacist" in refused.value.message
    assert refused.value.field == "cart"
    assert refused.value.extra["rule_id"] == "nsaids-stomach-ulcer"
    assert refused.value.extra["source"].startswith("Our ibuprofen leaflet, section 2")
    assert not Order.objects.exists()


def test_co_codamol_for_an_11_year_old_is_refused(user, packs):
    cart = cart_with(user, (packs["COCO-8-500-32"], 1))

    with pytest.raises(ClinicalCheckRefused) as refused:
        place_order(user=user, cart=cart, details=details(), idempotency_key="child", patient=child_aged(11))

    assert refused.value.extra["rule_id"] == "codeine-under-12"
    assert refused.value.field == "patient_date_of_birth"
    assert "children under 12" in refused.value.message and "talk to our pharmacist" in refused.value.message
    assert refused.value.extra["source"].startswith("MHRA")


def test_co_codamol_for_a_12_year_old_is_not_refused_on_age(user, packs):
    lines = list(list_cart_lines(cart=cart_with(user, (packs["COCO-8-500-32"], 1))))

    assert check_checkout(user=user, patient=child_aged(12), lines=lines) == []


def test_a_contraindicated_prescription_only_medicine_is_left_to_the_pharmacist(user, packs, health_record):
    health_record(allergy_classes={"penicillins"})
    lines = list(list_cart_lines(cart=cart_with(user, (packs["AMOX-500-21"], 1))))

    advice = check_checkout(user=user, patient=PatientDetails(), lines=lines)

    assert [alert.rule_id for alert in advice] == ["amoxicillin-penicillin-allergy"]
