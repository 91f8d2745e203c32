"""Sign up, sign in, sign out and password reset pages; the guest cart follows the shopper."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import AccountMessageKind, User
from cart.models import Cart, CartLine
from notifications.models import OutboxMessage, OutboxStatus
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "plum-orchard-lantern-42"


def signup_data(**overrides):
    data = {"email": "New.Shopper@Example.org", "full_name": "  Nia   Shopper ",
            "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD}
    data.update(overrides)
    return data


def add_as_guest(client, pack, quantity=1):
    response = client.post(reverse("cart:add"), {"pack": pack.pk, "quantity": quantity})
    assert response.status_code == 302
    return Cart.objects.get(token=client.session["cart_token"])


def test_sign_up_creates_an_unverified_account_and_sends_the_confirmation_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), {**signup_data(), "next": "/checkout/"})

    assert response.status_code == 200
    assert "Check your e-mail" in response.content.decode()
    user = User.objects.get()
    assert (user.email, user.full_name, user.email_verified_at) == ("new.shopper@example.org", "Nia Shopper", None)
    assert user.check_password(STRONG_PASSWORD)
    assert SESSION_KEY not in client.session  # the same answer as for a taken address: nobody is signed in
    assert 'href="/accounts/sign-in/?next=/checkout/"' in response.content.decode()
    [email] = mail.outbox
    assert email.to == ["new.shopper@example.org"]
    assert "/accounts/verify-email/" in email.body


def test_sign_up_with_a_registered_email_answers_the_same_page_and_tells_only_the_owner(
    client, django_capture_on_commit_callbacks
):
    taken = UserFactory(email="taken@example.org")
    fresh = client.post(reverse("accounts:signup"), signup_data(email="fresh@example.org"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), signup_data(email="TAKEN@example.org"))

    assert response.status_code == fresh.status_code == 200
    same_page = fresh.content.decode().replace("fresh@example.org", "taken@example.org")
    assert response.content.decode() == same_page
    assert User.objects.count() == 2
    taken.refresh_from_db()
    assert taken.check_password(PASSWORD)
    assert SESSION_KEY not in client.session
    [email] = mail.outbox
    assert email.to == ["taken@example.org"]
    assert "already has an account" in email.body


def test_sign_up_is_throttled_per_client_address_whatever_x_forwarded_for_says(client, settings):
    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                                          "register": "2/hour"}}
    for number in range(2):
        response = client.post(reverse("accounts:signup"), signup_data(email=f"s{number}@example.org"),
                               HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
        assert response.status_code == 200

    refused = client.post(reverse("accounts:signup"), signup_data(email="s9@example.org"),
                          HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many attempts" in refused.content.decode()
    assert User.objects.count() == 2
    cache.clear()


def test_sign_up_applies_the_password_validators(client):
    data = signup_data(password1="12345678", password2="12345678")

    response = client.post(reverse("accounts:signup"), data)

    errors = response.context["form"].errors["password1"]
    assert "This password is too common." in errors
    assert "This password is entirely numeric." in errors
    assert not User.objects.exists()


def test_sign_up_refuses_a_password_like_the_email_address(client):
    response = client.post(reverse("accounts:signup"), signup_data(
        email="rosalind.franklin@example.org", password1="rosalind.franklin", password2="rosalind.franklin"))

    errors = response.context["form"].errors["password1"]
    assert "The password is too similar to the e-mail address." in errors
    assert not User.objects.exists()


def test_sign_up_refuses_passwords_that_differ_and_keeps_what_was_typed(client):
    response = client.post(reverse("accounts:signup"), signup_data(password2="something-else-entirely"))

    assert response.context["form"].errors["password2"] == ["The two password fields didn’t match."]
    html = response.content.decode()
    assert "<title>Error: Create an account · " in html
    assert 'value="New.Shopper@Example.org"' in html
    assert STRONG_PASSWORD not in html  # passwords are never echoed back
    assert 'aria-invalid="true"' in html
    assert not User.objects.exists()


def test_sign_up_with_missing_fields_shows_every_error(client):
    response = client.post(reverse("accounts:signup"), {})

    assert set(response.context["form"].errors) == {"email", "full_name", "password1", "password2"}
    assert not User.objects.exists()


def test_sign_up_page_labels_every_input(client):
    html = client.get(reverse("accounts:signup")).content.decode()

    for field_id in ("id_email", "id_full_name", "id_password1", "id_password2"):
        assert f'<label for="{field_id}"' in html
    assert "<title>Create an account · " in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_sign_in_with_the_email_in_any_case_signs_in_and_follows_next(client, user):
    response = client.post(reverse("accounts:login"), {
        "username": user.email.upper(), "password": PASSWORD, "next": "/checkout/",
    })

    assert response.status_code == 302
    assert response["Location"] == "/checkout/"
    assert client.session[SESSION_KEY] == str(user.pk)


def test_sign_in_ignores_an_offsite_next(client, user):
    response = client.post(reverse("accounts:login"), {
        "username": user.email, "password": PASSWORD, "next": "https://evil.example/",
    })

    assert response["Location"] == reverse("catalog:product-list")


def test_sign_in_moves_the_guest_cart_into_the_account(client, user, gsl_pack, pom_pack):
    CartLine.objects.create(cart=Cart.objects.create(user=user), pack=gsl_pack, quantity=1)
    add_as_guest(client, gsl_pack, quantity=2)
    add_as_guest(client, pom_pack, quantity=1)

    client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})

    lines = CartLine.objects.filter(cart__user=user).order_by("pack_id").values_list("pack_id", "quantity")
    assert sorted(lines) == sorted([(gsl_pack.pk, 3), (pom_pack.pk, 1)])
    assert Cart.objects.filter(user__isnull=True).count() == 0


def test_sign_in_with_a_wrong_password_says_so_and_signs_nobody_in(client, user):
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The e-mail address or password is not right. Check them, or reset your password."
    ]
    assert SESSION_KEY not in client.session


def test_sign_in_page_keeps_next_for_the_sign_up_link(client):
    html = client.get(reverse("accounts:login") + "?next=/checkout/").content.decode()

    assert 'name="next" value="/checkout/"' in html
    assert 'href="/accounts/sign-up/?next=/checkout/"' in html
    assert '<label for="id_username">E-mail address' in html


def test_sign_out_needs_a_post(client, user):
    client.force_login(user)

    assert client.get(reverse("accounts:logout")).status_code == 405
    assert SESSION_KEY in client.session

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_password_reset_sends_a_link_through_the_outbox_that_sets_a_new_password(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-reset"), {"email": user.email.upper()})

    assert response["Location"] == reverse("accounts:password-reset-done")
    assert list(OutboxMessage.objects.values_list("user", "kind", "status")) == [
        (user.pk, AccountMessageKind.PASSWORD_RESET, OutboxStatus.SENT)
    ]
    [email] = mail.outbox
    assert email.to == [user.email]
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", email.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    done = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": STRONG_PASSWORD, "new_password2": STRONG_PASSWORD,
    })
    assert done["Location"] == reverse("accounts:password-reset-complete")
    user.refresh_from_db()
    assert user.check_password(STRONG_PASSWORD)


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"})

    assert response["Location"] == reverse("accounts:password-reset-done")
    assert mail.outbox == []
    assert not OutboxMessage.objects.exists()


def test_password_reset_requests_are_throttled_per_client_address(client, user, settings):
    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                                          "password_reset": "2/hour"}}
    for number in range(2):
        client.post(reverse("accounts:password-reset"), {"email": f"n{number}@example.org"},
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")

    refused = client.post(reverse("accounts:password-reset"), {"email": user.email},
                          HTTP_X_FORWARDED_FOR="198.51.100.7")

    assert refused.status_code == 429
    assert not OutboxMessage.objects.exists()
    cache.clear()


def test_the_confirmation_link_verifies_the_address_once(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), signup_data())
    link = re.search(r"http://testserver(/accounts/verify-email/\S+/)", mail.outbox[0].body).group(1)

    response = client.get(link)

    assert response["Location"] == reverse("accounts:login")
    user = User.objects.get()
    assert user.email_verified_at is not None
    again = client.get(link)
    assert again.status_code == 400
    assert "This link is invalid or has expired" in again.content.decode()


def test_an_unverified_shopper_can_ask_for_the_link_again(client, django_capture_on_commit_callbacks):
    shopper = UserFactory(email_verified_at=None)
    client.force_login(shopper)
    assert "Send the link again" in client.get(reverse("accounts:verify-email")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:verify-email"))

    assert response["Location"] == reverse("accounts:verify-email")
    [email] = mail.outbox
    assert email.to == [shopper.email]
    assert "/accounts/verify-email/" in email.body


def test_password_reset_link_that_was_tampered_with_is_refused(client, user):
    response = client.get("/accounts/password-reset/MQ/not-a-token/")

    assert response.status_code == 200
    assert response.context["validlink"] is False
    assert "Reset link not valid" in response.content.decode()


def test_a_successful_sign_in_is_not_counted_against_the_limit(client, user, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(3):
        response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
        assert response.status_code == 302
        client.post(reverse("accounts:logout"))
    assert client.post(reverse("accounts:login"), {"username": user.email, "password": "wrong"}).status_code == 200
