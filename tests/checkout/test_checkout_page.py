"""Checkout: the form, the prescription section, refusals shown where they belong, and one order per click."""

import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from cart.models import Cart, CartLine
from catalog.models import Pack
from orders.models import Order, OrderStatus
from prescriptions.models import Prescription
from prescriptions.services import reject_prescription
from tests.builders.checkout import CHECKOUT, checkout_data
from tests.builders.orders import MINIMAL_PDF, cart_with, image_bytes, uploaded_prescription
from tests.factories import PackFactory, ProductFactory, UserFactory, set_available_stock

pytestmark = pytest.mark.django_db





def pdf_file(name="prescription.pdf"):
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")




def stock(pack) -> int:
    return Pack.objects.get(pk=pack.pk).stock_quantity


def cart_lines(user) -> list[tuple[int, int]]:
    return list(CartLine.objects.filter(cart__user=user).order_by("pk").values_list("pack_id", "quantity"))


def test_checkout_sends_guests_to_sign_in_and_back(client, gsl_pack):
    client.post(reverse("cart:add"), {"pack": gsl_pack.pk, "quantity": 1})

    response = client.get(CHECKOUT)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={CHECKOUT}"


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(signed_in):
    response = signed_in.get(CHECKOUT, follow=True)

    assert response.redirect_chain == [(reverse("cart:detail"), 302)]
    assert "Your cart is empty, so there is nothing to check out yet." in response.content.decode()


def test_checkout_form_is_prefilled_from_the_account_and_has_a_fresh_key(signed_in, user, gsl_pack):
    cart_with(user, (gsl_pack, 2))

    first = signed_in.get(CHECKOUT)
    second = signed_in.get(CHECKOUT)

    form = first.context["form"]
    assert form["full_name"].value() == user.full_name
    assert form["email"].value() == user.email
    assert "prescription_file" not in form.fields
    keys = {response.context["form"]["idempotency_key"].value() for response in (first, second)}
    assert len(keys) == 2 and all(uuid.UUID(key) for key in keys)
    html = first.content.decode()
    assert 'enctype="multipart/form-data"' in html and 'name="csrfmiddlewaretoken"' in html
    assert "<title>Checkout · " in html


def test_checkout_prefills_the_address_of_the_last_order(signed_in, user, gsl_pack):
    cart_with(user, (gsl_pack, 1))
    signed_in.post(CHECKOUT, checkout_data(address_line1="9 Elm Road", city="York", postcode="YO1 7HH"))
    cart_with(user, (gsl_pack, 1))

    form = signed_in.get(CHECKOUT).context["form"]

    assert (form["address_line1"].value(), form["city"].value(), form["postcode"].value()) == (
        "9 Elm Road", "York", "YO1 7HH")


def test_checkout_of_general_sale_items_places_an_approved_order(
    signed_in, user, gsl_pack, django_capture_on_commit_callbacks
):
    cart_with(user, (gsl_pack, 3))

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(CHECKOUT, checkout_data())

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:order-confirmation", args=[order.number])
    assert (order.status, order.total_amount, order.email, order.postcode) == (
        OrderStatus.APPROVED, Decimal("10.47"), "ada@example.org", "LS1 1AA")
    assert order.prescription is None
    assert cart_lines(user) == []
    assert stock(gsl_pack) == 97
    [email] = mail.outbox
    assert order.number in email.subject
    assert any(kind == "application/pdf" for _, _, kind in email.attachments)


def test_checkout_shows_the_prescription_section_for_prescription_only_lines(signed_in, user, pom_pack):
    cart_with(user, (pom_pack, 1))

    response = signed_in.get(CHECKOUT)

    form = response.context["form"]
    assert "prescription_file" in form.fields
    assert "prescription" not in form.fields  # nothing in the account to choose yet
    html = response.content.decode()
    assert '<legend>Prescription</legend>' in html
    assert 'accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"' in html
    assert pom_pack.display_name in html


def test_checkout_without_a_prescription_is_refused_at_the_prescription_field(
    signed_in, user, pom_pack, gsl_pack
):
    cart_with(user, (gsl_pack, 1), (pom_pack, 1))

    response = signed_in.post(CHECKOUT, checkout_data(full_name="Ada Typed", city="Typedtown"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["prescription_file"] == [
        f"A prescription is needed for: {pom_pack.display_name}. Upload one or choose one of your valid "
        "prescriptions."
    ]
    html = response.content.decode()
    assert 'value="Ada Typed"' in html and 'value="Typedtown"' in html
    assert "Browsers cannot keep a chosen file when a page reloads." in html
    assert "<title>Error: Checkout · " in html
    assert not Order.objects.exists()
    assert cart_lines(user) == [(gsl_pack.pk, 1), (pom_pack.pk, 1)]
    assert stock(pom_pack) == 50


def test_checkout_with_an_uploaded_prescription_waits_for_the_pharmacist(signed_in, user, pom_pack):
    cart_with(user, (pom_pack, 1))

    response = signed_in.post(CHECKOUT, {**checkout_data(), "prescription_file": pdf_file("my script.pdf")})

    order = Order.objects.get()
    assert response["Location"] == reverse("orders:order-confirmation", args=[order.number])
    assert order.status == OrderStatus.AWAITING_REVIEW
    prescription = Prescription.objects.get()
    assert (order.prescription, prescription.owner, prescription.original_filename) == (
        prescription, user, "my script.pdf")
    assert stock(pom_pack) == 49


def test_checkout_with_a_chosen_prescription_from_the_account(signed_in, user, pom_pack):
    prescription = uploaded_prescription(user)
    cart_with(user, (pom_pack, 1))
    page = signed_in.get(CHECKOUT)
    assert list(page.context["form"].fields["prescription"].queryset) == [prescription]

    signed_in.post(CHECKOUT, checkout_data(prescription=str(prescription.pk)))

    assert Order.objects.get().prescription == prescription
    assert Prescription.objects.count() == 1


@pytest.mark.parametrize("tampered", ["other-shopper", "rejected", "999999", "abc", "9" * 30])
def test_checkout_refuses_a_prescription_that_is_not_the_shoppers_to_use(
    signed_in, user, pom_pack, pharmacist, tampered
):
    uploaded_prescription(user)  # so the choice is offered
    if tampered == "other-shopper":
        tampered = str(uploaded_prescription(UserFactory()).pk)
    elif tampered == "rejected":
        rejected = uploaded_prescription(user)
        reject_prescription(prescription=rejected, pharmacist=pharmacist, reason="prescription_unreadable")
        tampered = str(rejected.pk)
    cart_with(user, (pom_pack, 1))

    response = signed_in.post(CHECKOUT, checkout_data(prescription=tampered))

    assert response.status_code == 200
    assert response.context["form"].errors["prescription"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not Order.objects.exists()
    assert stock(pom_pack) == 50


def test_checkout_refuses_a_chosen_prescription_and_a_new_file_together(signed_in, user, pom_pack):
    prescription = uploaded_prescription(user)
    cart_with(user, (pom_pack, 1))

    response = signed_in.post(CHECKOUT, {**checkout_data(prescription=str(prescription.pk)),
                                         "prescription_file": pdf_file()})

    assert "Choose one of them" in response.context["form"].errors["prescription_file"][0]
    assert not Order.objects.exists()
    assert Prescription.objects.count() == 1


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain"), "Upload a PDF, JPEG or PNG file."),
    (SimpleUploadedFile("fake.pdf", image_bytes("PNG"), content_type="application/pdf"),
     "The file claims to be a PDF but its content is a PNG image."),
    (SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"), "The submitted file is empty."),
])
def test_checkout_shows_an_unacceptable_file_at_the_file_field(signed_in, user, pom_pack, upload, message):
    cart_with(user, (pom_pack, 1))

    response = signed_in.post(CHECKOUT, {**checkout_data(), "prescription_file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors["prescription_file"] == [message]
    assert not Prescription.objects.exists()
    assert not Order.objects.exists()


@override_settings(PRESCRIPTION_MAX_UPLOAD_BYTES=100)
def test_checkout_shows_a_too_large_file_at_the_file_field(signed_in, user, pom_pack):
    cart_with(user, (pom_pack, 1))

    response = signed_in.post(CHECKOUT, {**checkout_data(), "prescription_file": pdf_file()})

    [error] = response.context["form"].errors["prescription_file"]
    assert error.startswith(f"The file is {len(MINIMAL_PDF):,} bytes; the limit is 100 bytes")
    assert not Prescription.objects.exists() and not Order.objects.exists()


def test_a_refused_order_keeps_the_uploaded_prescription_and_offers_it_selected(signed_in, user, pom_pack):
    cart_with(user, (pom_pack, 2))
    set_available_stock(pom_pack, 1)  # sold out meanwhile

    response = signed_in.post(CHECKOUT, {**checkout_data(), "prescription_file": pdf_file("kept.pdf")})

    assert response.status_code == 200
    kept = Prescription.objects.get()
    form = response.context["form"]
    assert form["prescription"].value() == str(kept.pk)
    assert form.errors["__all__"] == [f"{pom_pack.display_name}: only 1 left in stock, 2 requested."]
    html = response.content.decode()
    assert "The file you uploaded (kept.pdf) is saved in your account and is selected below" in html
    assert f'value="{kept.pk}" required' not in html  # the choice is optional
    assert f'value="{kept.pk}"' in html and "checked" in html
    assert not Order.objects.exists()

    # The shopper lowers the quantity and submits the same form again: no second upload is needed.
    CartLine.objects.filter(cart__user=user).update(quantity=1)
    data = {key: form[key].value() or "" for key in checkout_data()}
    response = signed_in.post(CHECKOUT, {**data, "prescription": str(kept.pk)})

    assert Order.objects.get().prescription == kept
    assert Prescription.objects.count() == 1


def test_missing_details_are_shown_next_to_each_field(signed_in, user, gsl_pack):
    cart_with(user, (gsl_pack, 1))

    response = signed_in.post(CHECKOUT, checkout_data(full_name="", phone="", address_line1=" ", postcode=""))

    errors = response.context["form"].errors
    assert set(errors) == {"full_name", "phone", "address_line1", "postcode"}
    html = response.content.decode()
    assert 'id="id_phone_error"' in html and 'aria-describedby="id_phone_helptext id_phone_error"' in html
    assert '<a href="#id_phone">Phone number: This field is required.</a>' in html
    assert not Order.objects.exists()


@pytest.mark.parametrize(("field", "value"), [
    ("full_name", "x" * 201), ("address_line1", "x" * 201), ("city", "x" * 101), ("postcode", "x" * 21),
    ("phone", "call me maybe"), ("email", "not-an-email"),
])
def test_oversized_or_malformed_details_are_refused_by_the_form(signed_in, user, gsl_pack, field, value):
    cart_with(user, (gsl_pack, 1))

    response = signed_in.post(CHECKOUT, checkout_data(**{field: value}))

    assert list(response.context["form"].errors) == [field]
    assert not Order.objects.exists()


@pytest.mark.parametrize("key", ["", "not-a-uuid", "x" * 5000])
def test_a_missing_or_altered_key_asks_to_submit_again_with_a_fresh_one(signed_in, user, gsl_pack, key):
    cart_with(user, (gsl_pack, 1))

    response = signed_in.post(CHECKOUT, checkout_data(idempotency_key=key))

    form = response.context["form"]
    assert form.non_field_errors() == [
        "This checkout form had expired. Check your details and press “Place order” again."
    ]
    uuid.UUID(form["idempotency_key"].value())
    assert not Order.objects.exists()


def test_a_double_click_on_place_order_places_one_order(signed_in, user, gsl_pack):
    cart_with(user, (gsl_pack, 2))
    data = checkout_data()

    first = signed_in.post(CHECKOUT, data)
    second = signed_in.post(CHECKOUT, data, follow=True)

    order = Order.objects.get()
    assert first["Location"] == second.redirect_chain[-1][0] == reverse("orders:order-confirmation",
                                                                         args=[order.number])
    message = f"Your order {order.number} was already placed; it was not placed twice."
    assert message in second.content.decode()
    assert stock(gsl_pack) == 98


def test_a_double_click_with_a_file_places_one_order_and_stores_one_file(signed_in, user, pom_pack):
    cart_with(user, (pom_pack, 1))
    data = checkout_data()

    signed_in.post(CHECKOUT, {**data, "prescription_file": pdf_file()})
    second = signed_in.post(CHECKOUT, {**data, "prescription_file": pdf_file()})

    order = Order.objects.get()
    assert second["Location"] == reverse("orders:order-confirmation", args=[order.number])
    assert Prescription.objects.count() == 1
    assert stock(pom_pack) == 49


def test_checkout_get_with_a_blocked_line_goes_back_to_the_cart(signed_in, user, gsl_pack):
    cart_with(user, (gsl_pack, 2))
    Pack.objects.filter(pk=gsl_pack.pk).update(is_active=False)

    response = signed_in.get(CHECKOUT, follow=True)

    assert response.redirect_chain == [(reverse("cart:detail"), 302)]
    assert "Before you can check out" in response.content.decode()


def test_checkout_post_with_a_blocked_line_shows_the_refusal_at_the_top(signed_in, user, gsl_pack):
    cart_with(user, (gsl_pack, 2))
    Pack.objects.filter(pk=gsl_pack.pk).update(is_active=False)

    response = signed_in.post(CHECKOUT, checkout_data())

    errors = response.context["form"].non_field_errors()
    assert errors == [f"{gsl_pack.display_name} is not available to buy."]
    assert not Order.objects.exists()


def test_checkout_refuses_other_methods(signed_in):
    assert signed_in.put(CHECKOUT).status_code == 405


@pytest.mark.parametrize("line_count", [1, 5])
def test_checkout_page_queries_do_not_grow_with_lines(client, django_assert_num_queries, line_count):
    user = UserFactory()
    uploaded_prescription(user)
    cart, _ = Cart.objects.get_or_create(user=user)
    for _ in range(line_count):
        pack = PackFactory(product=ProductFactory(legal_category="prescription"))
        CartLine.objects.create(cart=cart, pack=pack, quantity=1)
    client.force_login(user)

    # session, user, cart, lines, strengths, last order, any usable prescription?, the radio choices,
    # delivery methods, the saved health records of people the shopper cares for, the health-data consent
    with django_assert_num_queries(11):
        response = client.get(CHECKOUT)

    assert len(response.context["summary"].lines) == line_count


def test_checkout_reports_a_missing_date_of_birth_and_a_missing_prescription_together(client, pom_pack):
    user = UserFactory(health_record=False)  # no date of birth on record yet
    client.force_login(user)
    cart_with(user, (pom_pack, 1))

    response = client.post(CHECKOUT, checkout_data())

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["patient_date_of_birth"][0].startswith("Enter the patient's date of birth")
    assert errors["prescription_file"][0].startswith("A prescription is needed for")
    assert not Order.objects.exists()
