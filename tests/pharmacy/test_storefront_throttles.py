"""The storefront's sign-up, checkout and upload posts are throttled per client address, at the API's
rates (THROTTLE_REGISTER, THROTTLE_CHECKOUT, THROTTLE_UPLOAD); the cache fails open."""

import uuid

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orders.models import Order
from prescriptions.models import Prescription
from tests.builders.orders import cart_with, image_bytes
from tests.servers import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    cache.clear()

    def set_rates(**scopes):
        framework = settings.REST_FRAMEWORK
        settings.REST_FRAMEWORK = {
            **framework, "DEFAULT_THROTTLE_RATES": {**framework["DEFAULT_THROTTLE_RATES"], **scopes},
        }

    yield set_rates
    cache.clear()


def checkout_data() -> dict:
    return {
        "idempotency_key": str(uuid.uuid4()), "full_name": "Ada Shopper", "email": "ada@example.org",
        "phone": "07700 900123", "address_line1": "1 High Street", "address_line2": "", "city": "Leeds",
        "postcode": "LS1 1AA",
    }


def test_checkout_posts_are_throttled_per_client_address(client, user, gsl_pack, rates):
    rates(checkout="1/hour")
    client.force_login(user)
    cart_with(user, (gsl_pack, 1))
    assert client.post(reverse("checkout:checkout"), checkout_data()).status_code == 302
    cart_with(user, (gsl_pack, 1))

    refused = client.post(reverse("checkout:checkout"), checkout_data(), HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert Order.objects.count() == 1
    assert client.get(reverse("checkout:checkout")).status_code == 200  # looking is not checking out


def test_prescription_uploads_are_throttled_per_client_address(client, user, rates):
    rates(upload="1/hour")
    client.force_login(user)

    def upload():
        scan = SimpleUploadedFile("scan.png", image_bytes("PNG"), content_type="image/png")
        return client.post(reverse("prescriptions:prescription-list"), {"file": scan}, HTTP_X_FORWARDED_FOR="6.6.6.6")

    assert upload().status_code == 302
    refused = upload()

    assert refused.status_code == 429
    assert "Too many attempts" in refused.content.decode()
    assert Prescription.objects.count() == 1


def test_throttles_are_per_address_behind_a_trusted_proxy(client, user, rates, settings):
    rates(upload="1/hour")
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(user)

    def upload(address):
        scan = SimpleUploadedFile("scan.png", image_bytes("PNG"), content_type="image/png")
        return client.post(reverse("prescriptions:prescription-list"), {"file": scan}, HTTP_X_FORWARDED_FOR=address)

    assert upload("203.0.113.1").status_code == 302
    assert upload("203.0.113.2").status_code == 302
    assert upload("203.0.113.1").status_code == 429


def test_storefront_checkout_succeeds_while_the_throttles_cache_is_down(client, user, gsl_pack, settings):
    framework = settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {
        **framework, "DEFAULT_THROTTLE_RATES": {**framework["DEFAULT_THROTTLE_RATES"], "checkout": "1/hour"},
    }
    settings.CACHES = {
        "default": {
            "BACKEND": "pharmacy.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    client.force_login(user)
    for _ in range(2):
        cart_with(user, (gsl_pack, 1))
        assert client.post(reverse("checkout:checkout"), checkout_data()).status_code == 302

    assert Order.objects.count() == 2  # the throttle could not count, so it let both through
