"""The whole shopping flow through a Python client GENERATED from /api/schema/ (openapi-python-client),
against a live server: if the schema lies about a path, a field, a header or a body, this fails."""

import datetime
import io
import re
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from catalog.models import LeafletRevision
from tests.builders.api import SHIPPING, baclofen_packs
from tests.builders.orders import MINIMAL_PDF
from tests.builders.privacy import published_notice
from tests.factories import PASSWORD, PharmacistFactory, sign_in_responsible_pharmacist
from tests.otp import TEST_TOTP_KEY_HEX, code_for, device_for

pytestmark = pytest.mark.django_db(transaction=True)





def test_a_generated_client_shops_checks_out_with_a_prescription_and_a_pharmacist_approves(
    live_server, generated, pharmacists_group, settings
):
    from decimal import Decimal

    from delivery.models import DeliveryMethod

    settings.PAYMENTS_AT_CHECKOUT = True  # the card is authorised at checkout and charged on approval
    client_module, models, types = generated("client"), generated("models"), generated("types")
    baclofen_packs()
    published_notice()  # the migrations' first revision, which a transactional test has flushed
    DeliveryMethod.objects.create(code="standard", name="Standard delivery", price_amount=Decimal("3.95"),
                                  free_over_amount=Decimal("30.00"), position=1)
    DeliveryMethod.objects.create(code="express", name="Express delivery", price_amount=Decimal("6.95"), position=2)
    pharmacist = PharmacistFactory()
    sign_in_responsible_pharmacist(pharmacist)
    anonymous = client_module.Client(base_url=live_server.url)

    # Register and sign in.
    registered = generated("api.auth.auth_register").sync_detailed(
        client=anonymous,
        body=models.RegisterInputRequest(
            email="ada@example.org", password="violet-kettle-harbour-42", full_name="Ada Lovelace"
        ),
    )
    assert registered.status_code == 202
    # Confirm the address with the link the outbox sent (needed before the first order).
    uid, token = re.search(r"/verify-email/([^/]+)/([^/]+)/", mail.outbox[-1].body).groups()
    verified = generated("api.auth.auth_verify_email_confirm").sync_detailed(
        client=anonymous, body=models.LinkInputRequest(uid=uid, token=token)
    )
    assert verified.status_code == 200
    signed_in = generated("api.auth.auth_token_create").sync(
        client=anonymous,
        body=models.SignInInputRequest(email="ada@example.org", password="violet-kettle-harbour-42"),
    )
    shopper = client_module.AuthenticatedClient(
        base_url=live_server.url, token=signed_in.token, prefix="Token"
    )
    assert generated("api.auth.auth_me_retrieve").sync(client=shopper).email == "ada@example.org"

    # Find Baclofen 10 mg and put it in the cart.
    found = generated("api.products.products_list").sync(client=shopper, search="baclofen")
    assert [product.name for product in found.results] == ["Baclofen tablets"]
    assert found.results[0].prescription_required is True
    sku = next(pack.sku for pack in found.results[0].packs if pack.strength == "10 mg")
    line = generated("api.cart.cart_lines_create").sync(
        client=shopper, body=models.CartLineCreateInputRequest(sku=sku, quantity=1)
    )
    assert (line.sku, line.prescription_required, line.unit_price.amount) == ("BAC-10-84", True, "12.99")

    # Record the date of birth a prescription medicine needs, in the shopper's own health record.
    own = generated("api.patients.patients_list").sync(client=shopper)[0]
    assert (own.is_account_holder, own.name, own.date_of_birth) == (True, "Ada Lovelace", None)
    updated = generated("api.patients.patients_update").sync(
        client=shopper, record_id=own.id,
        body=models.HealthRecordInputRequest(name=own.name, date_of_birth=datetime.date(1985, 12, 10),
                                             conditions=[models.ConditionsEnum.ASTHMA]),
    )
    assert (updated.date_of_birth, updated.conditions) == (datetime.date(1985, 12, 10), ["asthma"])

    # Checkout is refused without the explicit consent a prescription medicine's order needs, then,
    # with it, without a prescription (a refused order records no consent).
    shipping = models.ShippingInputRequest.from_dict(SHIPPING)
    place = generated("api.checkout.checkout_create")
    refused = place.sync_detailed(
        client=shopper, body=models.CheckoutInputRequest(shipping=shipping), idempotency_key=str(uuid.uuid4())
    )
    assert (refused.status_code, refused.parsed.code) == (422, "health_data_consent_required")
    assert refused.parsed.errors[0].field == "health_data_consent"
    notice = generated("api.me.me_health_data_consent_retrieve").sync(client=shopper).notice
    refused = place.sync_detailed(
        client=shopper, idempotency_key=str(uuid.uuid4()),
        body=models.CheckoutInputRequest(shipping=shipping, health_data_consent=True,
                                         privacy_notice_version=notice.version),
    )
    assert refused.status_code == 422
    assert refused.parsed.code == "prescription_required"
    assert generated("api.me.me_health_data_consent_retrieve").sync(client=shopper).consented is False

    # Upload one, and check out with it.
    uploaded = generated("api.prescriptions.prescriptions_create").sync(
        client=shopper,
        body=models.PrescriptionUploadInputRequest(
            file=types.File(
                payload=io.BytesIO(MINIMAL_PDF), file_name="prescription.pdf", mime_type="application/pdf"
            )
        ),
    )
    assert uploaded.status == models.PrescriptionStatusEnum.SUBMITTED
    # Choose express delivery and pay with the test gateway's card: authorised now, charged on approval.
    methods = generated("api.delivery_methods.delivery_methods_list").sync(client=shopper)
    assert [method.code for method in methods] == ["standard", "express"]
    placed = place.sync_detailed(
        client=shopper,
        idempotency_key=str(uuid.uuid4()),
        body=models.CheckoutInputRequest(shipping=shipping, prescription_id=uploaded.id, delivery_method="express",
                                         payment_method="4242424242424242", health_data_consent=True,
                                         privacy_notice_version=notice.version),
    )
    assert placed.status_code == 201, placed.content
    consent = generated("api.me.me_health_data_consent_retrieve").sync(client=shopper)
    assert (consent.consented, consent.consent.notice_version) == (True, notice.version)
    number = placed.parsed.number
    order = generated("api.orders.orders_retrieve").sync(client=shopper, number=number)
    assert order.status == models.OrderStatusEnum.AWAITING_REVIEW
    assert (order.subtotal.amount, order.delivery.amount.amount, order.total.amount) == ("12.99", "6.95", "19.94")
    assert [(payment.status.value, payment.amount_authorised) for payment in order.payments] == [
        ("authorised", "19.94")]

    # A pharmacist signs in with password and authenticator code, finds the order in the queue, reads
    # the prescription and approves it.
    device_for(pharmacist)
    staff_sign_in = generated("api.auth.auth_token_create").sync(
        client=anonymous,
        body=models.SignInInputRequest(
            email=pharmacist.email, password=PASSWORD, otp_code=code_for(TEST_TOTP_KEY_HEX)
        ),
    )
    assert staff_sign_in.second_factor is True
    staff_token = staff_sign_in.token
    reviewer = client_module.AuthenticatedClient(base_url=live_server.url, token=staff_token, prefix="Token")
    queue = generated("api.pharmacist.pharmacist_orders_list").sync(client=reviewer)
    assert [queued.number for queued in queue.results] == [number]
    download = generated("api.prescriptions.prescriptions_file_retrieve").sync_detailed(
        client=reviewer, prescription_id=queue.results[0].prescription.id
    )
    assert (download.status_code, download.content) == (200, MINIMAL_PDF)
    issued = timezone.localdate() - datetime.timedelta(days=2)
    approved = generated("api.pharmacist.pharmacist_orders_approve").sync(
        client=reviewer,
        number=number,
        body=models.ApproveOrderInputRequest(
            prescriber_name="Dr Grace Prescriber",
            prescriber_registration="7123456",
            prescriber_address="The Surgery, 2 Church Lane, Leeds, LS2 2BB",
            patient_name="Ada Lovelace",  # the patient the prescription names: the order's
            patient_date_of_birth=datetime.date(1985, 12, 10),
            issued_on=issued,
            valid_until=issued + datetime.timedelta(days=180),
            items=[
                models.AuthorisedItemInputRequest(sku=sku, quantity=84, directions="5 mg three times a day",
                                                  dose="5", dose_unit=models.DoseUnitEnum.MG, times_per_day=3)
            ],
            note="Checked with the prescriber.",
        ),
    )
    assert approved.status == models.OrderStatusEnum.APPROVED

    # The shopper sees it approved, with the leaflet revision that went with the medicine.
    mine = generated("api.orders.orders_retrieve").sync(client=shopper, number=number)
    assert mine.status == models.OrderStatusEnum.APPROVED
    assert [(payment.status.value, payment.amount_captured) for payment in mine.payments] == [
        ("captured", "19.94")]
    # placed (awaiting payment), paid (awaiting review), approved
    assert [event.by for event in mine.history] == [models.ByEnum.YOU, models.ByEnum.YOU, models.ByEnum.PHARMACIST]
    revision = LeafletRevision.objects.published().get(product__name="Baclofen tablets")
    assert (mine.lines[0].leaflet_revision.id, mine.lines[0].leaflet_revision.number) == (revision.pk, 1)
    leaflet = generated("api.leaflets.leaflets_retrieve").sync(
        client=shopper, revision_id=mine.lines[0].leaflet_revision.id
    )
    assert leaflet.id == revision.pk

    # Before dispatch the release gate wants the legal original: the pharmacist retrieves the electronic
    # prescription and records its identifier; then the order goes out through the staff dispatch endpoint.
    release = generated("api.pharmacist.pharmacist_orders_release_retrieve")
    assert [blocker.code for blocker in release.sync(client=reviewer, number=number).blockers] == [
        "original_prescription_awaited"]
    verified = generated("api.pharmacist.pharmacist_prescriptions_electronic_verified").sync(
        client=reviewer, prescription_id=uploaded.id,
        body=models.ElectronicVerifiedInputRequest(electronic_prescription_id="3F1A2B-A83008-4E1D5Q",
                                                   note="AdES signature valid."),
    )
    assert (verified.source.value, verified.electronic_prescription_id) == ("electronic", "3F1A2B-A83008-4E1D5Q")
    assert release.sync(client=reviewer, number=number).may_be_dispatched is True
    dispatched = generated("api.pharmacist.pharmacist_orders_dispatch").sync(
        client=reviewer, number=number, body=models.DispatchOrderInputRequest(note="Tracked 48: AB123"))
    assert (dispatched.status, dispatched.blockers) == (models.OrderStatusEnum.DISPATCHED, [])
    assert generated("api.orders.orders_retrieve").sync(client=shopper, number=number).status == (
        models.OrderStatusEnum.DISPATCHED)


@pytest.mark.postgres
def test_a_generated_client_answers_the_p_medicine_questions_and_a_pharmacist_refuses_the_line(
    live_server, generated, pharmacists_group
):
    from decimal import Decimal

    from catalog.models import ConsultationQuestion, ConsultationQuestionnaire
    from tests.factories import PackFactory, ProductFactory, UserFactory

    client_module, models = generated("client"), generated("models")
    product = ProductFactory(name="Codamol tablets", slug="codamol-tablets", legal_category="pharmacy",
                             minimum_age=12)
    questionnaire = ConsultationQuestionnaire.objects.create(name="Codeine")
    questionnaire.products.add(product)
    ConsultationQuestion.objects.create(questionnaire=questionnaire, text="At most 3 days?")
    PackFactory(product=product, sku="COD-32", price_amount=Decimal("4.00"), stock_quantity=10)
    shopper_user, pharmacist = UserFactory(), PharmacistFactory()
    sign_in_responsible_pharmacist(pharmacist)
    anonymous = client_module.Client(base_url=live_server.url)

    def signed_in(email, **second_factor):
        token = generated("api.auth.auth_token_create").sync(
            client=anonymous, body=models.SignInInputRequest(email=email, password=PASSWORD, **second_factor)
        ).token
        return client_module.AuthenticatedClient(base_url=live_server.url, token=token, prefix="Token")

    device_for(pharmacist)  # staff sign in with password and authenticator code
    shopper = signed_in(shopper_user.email)
    reviewer = signed_in(pharmacist.email, otp_code=code_for(TEST_TOTP_KEY_HEX))
    generated("api.cart.cart_lines_create").sync(
        client=shopper, body=models.CartLineCreateInputRequest(sku="COD-32", quantity=1)
    )
    asked = generated("api.checkout.checkout_questions_list").sync(client=shopper)
    assert [(item.sku, item.minimum_age) for item in asked] == [("COD-32", 12)]
    question = asked[0].questions[0]

    placed = generated("api.checkout.checkout_create").sync_detailed(
        client=shopper,
        idempotency_key=str(uuid.uuid4()),
        body=models.CheckoutInputRequest.from_dict({
            "shipping": SHIPPING,
            "patient": {"is_account_holder": False, "name": "Sam Lovelace", "date_of_birth": "2010-04-01"},
            "consultations": [{"sku": "COD-32", "answers": [{"question_id": question.id, "answer": "yes"}]}],
        }),
    )
    assert placed.status_code == 201, placed.content
    order = placed.parsed
    assert order.status == models.OrderStatusEnum.AWAITING_REVIEW
    assert "pharmacist" in order.waiting_reason
    assert order.lines[0].consultation_answers[0].answer == "yes"

    decided = generated("api.pharmacist.pharmacist_orders_lines_decide").sync(
        client=reviewer, number=order.number, line_id=order.lines[0].id,
        body=models.LineDecisionInputRequest.from_dict({"decision": "refuse", "reason": "see_gp",
                                                        "note": "Asked for more than three days."}),
    )
    assert decided.status == models.OrderStatusEnum.REJECTED
    mine = generated("api.orders.orders_retrieve").sync(client=shopper, number=order.number)
    assert (mine.lines[0].decision_reason, mine.status) == (
        "Please see your GP or another prescriber about this; we cannot supply it online.",
        models.OrderStatusEnum.REJECTED)
