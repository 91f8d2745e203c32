"""The header's links are reversed once per process, yet still follow the URLconf and the script prefix."""

from django.template import Context, Template
from django.urls import get_script_prefix, set_script_prefix

LINK = Template('{% load fixed_urls %}{% fixed_url "catalog:product-list" %}')


def test_fixed_url_is_the_reversed_path():
    assert LINK.render(Context()) == "/medicines/"


def test_fixed_url_follows_a_site_served_under_a_sub_path():
    LINK.render(Context())  # memoised for the root prefix first
    previous = get_script_prefix()
    set_script_prefix("/shop/")
    try:
        assert LINK.render(Context()) == "/shop/medicines/"
    finally:
        set_script_prefix(previous)


def test_fixed_url_follows_the_urlconf(settings):
    LINK.render(Context())
    settings.ROOT_URLCONF = "tests.pharmacy.moved_urls"

    assert LINK.render(Context()) == "/catalogue/medicines/"


def test_fixed_url_with_arguments_is_reversed_for_each_value():
    line = Template('{% load fixed_urls %}{% fixed_url "cart:line-remove" line_id=pk %}')

    assert [line.render(Context({"pk": pk})) for pk in (7, 8, 7)] == [
        "/cart/lines/7/remove/", "/cart/lines/8/remove/", "/cart/lines/7/remove/"]
