"""pharmacy.client_address: the one function every throttle and sign-in limit asks for the client's address."""

import pytest
from django.test import RequestFactory

from pharmacy.client_address import client_address
from pharmacy.throttling import AnonThrottle, ScopedThrottle, UserThrottle


def request_from(remote: str = "192.0.2.10", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_address_is_the_socket_and_x_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_address(request_from(forwarded="203.0.113.5")) == "192.0.2.10"
    assert client_address(request_from()) == "192.0.2.10"


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (1, "203.0.113.5", "203.0.113.5"),  # one proxy: it appended the client
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client forged an entry on the left: ignored
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),  # two proxies: second from the right
        (2, "203.0.113.5", "192.0.2.10"),  # fewer entries than proxies: not through all of them
        (1, "not-an-address", "192.0.2.10"),  # garbage is never an address
        (1, "", "192.0.2.10"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_with_trusted_proxies_the_nth_entry_from_the_right_is_the_client(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count

    assert client_address(request_from(forwarded=forwarded)) == expected


@pytest.mark.parametrize("throttle_class", [AnonThrottle, UserThrottle, ScopedThrottle])
def test_every_api_throttle_identifies_clients_by_client_address(settings, throttle_class):
    settings.TRUSTED_PROXY_COUNT = 0

    assert throttle_class.get_ident(throttle_class.__new__(throttle_class), request_from(forwarded="6.6.6.6")) == (
        "192.0.2.10"
    )


def test_drf_and_axes_are_configured_with_the_same_address_rule(settings):
    from django.conf import settings as live_settings

    assert live_settings.REST_FRAMEWORK["NUM_PROXIES"] == live_settings.TRUSTED_PROXY_COUNT
    assert live_settings.AXES_CLIENT_IP_CALLABLE == "pharmacy.client_address.client_address"
    assert live_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == ["pharmacy.throttling.DefaultThrottle"]
