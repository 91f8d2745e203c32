"""The shopper sees a fixed, plain reason the pharmacist chose from a list, never the pharmacist's own words:
notes for the record, the original-mismatch note and refusal notes stay with staff, on the order page, in the
API and in e-mails, which only say "see your order page". Every refusal is e-mailed, a second one too."""

import datetime
import smtplib
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from catalog.models import ConsultationQuestion, ConsultationQuestionnaire
from checkout.services import place_order
from dispensing.approval import approve_order
from dispensing.originals import record_original_received
from notifications.models import OutboxMessage, OutboxStatus
from notifications.services import deliver_outbox_message
from orders.models import MessageKind
from patients.details import PatientDetails
from tests.builders.orders import cart_with, details, dispensing_record, uploaded_prescription
from tests.factories import PackFactory, ProductFactory

pytestmark = pytest.mark.django_db

NOTE = "Mentions a heart condition the GP should know about"
SHOPPER_TEXT = "This medicine is not suitable for you; please see your GP."


@pytest.fixture
def two_p_lines_order(user):
    """An order of two P medicines, each with its consultation answered."""
    answers = {}
    packs = []
    for name, sku in (("Codamol tablets", "COD-32"), ("Nightcalm tablets", "NIGHT-20")):
        product = ProductFactory(name=name, slug=sku.lower(), legal_category="pharmacy")
        questionnaire = ConsultationQuestionnaire.objects.create(name=name)
        questionnaire.products.add(product)
        question = ConsultationQuestion.objects.create(questionnaire=questionnaire, answer_type="text",
                                                       text="Anything else?")
        packs.append(PackFactory(product=product, sku=sku, price_amount=Decimal("4.00"), stock_quantity=10))
        answers[sku] = {question.pk: "No"}
    return place_order(user=user, cart=cart_with(user, *((pack, 1) for pack in packs)), details=details(),
                       idempotency_key="two", patient=PatientDetails(date_of_birth=datetime.date(1980, 1, 1)),
                       consultation_answers=answers)


def review_url(order):
    return reverse("admin:orders_order_review", args=[order.pk])


def refuse_in_admin(client, order, line, reason="not_suitable", note=NOTE):
    return client.post(review_url(order), {"line_id": str(line.pk), f"line-{line.pk}-line": str(line.pk),
                                           f"line-{line.pk}-reason": reason, f"line-{line.pk}-note": note,
                                           "_refuse_line": "1"})


def sent_mail(django_capture_on_commit_callbacks, action):
    with django_capture_on_commit_callbacks(execute=True):
        action()
    return [message.body for message in mail.outbox]


def test_every_refused_line_is_e_mailed_and_no_e_mail_or_page_carries_the_note(
    client, user, pharmacist, two_p_lines_order, django_capture_on_commit_callbacks
):
    first, second = two_p_lines_order.lines.order_by("pk")
    client.force_login(pharmacist)

    bodies = sent_mail(django_capture_on_commit_callbacks, lambda: refuse_in_admin(client, two_p_lines_order, first))
    bodies = sent_mail(django_capture_on_commit_callbacks, lambda: refuse_in_admin(client, two_p_lines_order, second))

    refusals = OutboxMessage.objects.filter(order=two_p_lines_order, kind=MessageKind.ORDER_LINES_REFUSED)
    assert [message.status for message in refusals] == [OutboxStatus.SENT, OutboxStatus.SENT]
    order_url = "http://testserver" + reverse("orders:order-detail", args=[two_p_lines_order.number])
    assert len(bodies) == 3  # two refusals, then the order rejected as nothing was left
    assert all("see your order page" in body and order_url in body for body in bodies)
    assert all(NOTE not in body and SHOPPER_TEXT not in body for body in bodies)

    client.force_login(user)
    html = client.get(reverse("orders:order-detail", args=[two_p_lines_order.number])).content.decode()
    assert html.count(f"Not supplied: {SHOPPER_TEXT}") == 2
    assert NOTE not in html
    api = client.get(f"/api/v1/orders/{two_p_lines_order.number}/").content.decode()
    assert NOTE not in api and SHOPPER_TEXT in api


def test_the_admin_offers_only_the_listed_reasons_and_keeps_the_note_for_staff(client, pharmacist, two_p_lines_order):
    line = two_p_lines_order.lines.order_by("pk").first()
    client.force_login(pharmacist)

    html = client.get(review_url(two_p_lines_order)).content.decode()
    assert f'<option value="not_suitable">{SHOPPER_TEXT}</option>' in html
    refuse_in_admin(client, two_p_lines_order, line, reason="Your heart is not up to it.")

    line.refresh_from_db()
    assert (line.decision, line.refusal_code) == ("pending", "")
    refuse_in_admin(client, two_p_lines_order, line)
    line.refresh_from_db()
    assert (line.decision, line.refusal_code, line.decision_reason) == ("refused", "not_suitable", NOTE)
    assert NOTE in client.get(review_url(two_p_lines_order)).content.decode()  # staff still read it


def test_the_rejection_e_mail_says_see_your_order_page(
    client, user, pharmacist, pom_pack, django_capture_on_commit_callbacks
):
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="r",
                        prescription=uploaded_prescription(user))
    client.force_login(pharmacist)

    [body] = sent_mail(django_capture_on_commit_callbacks, lambda: client.post(
        review_url(order), {"_reject": "1", "reject-reason": "speak_to_prescriber", "reject-note": NOTE}))

    assert "see your order page" in body and NOTE not in body and "speak to your prescriber" not in body
    client.force_login(user)
    html = client.get(reverse("orders:order-detail", args=[order.number])).content.decode()
    assert "We need to speak to your prescriber before we can supply this." in html and NOTE not in html
    prescriptions = client.get(reverse("prescriptions:prescription-list")).content.decode()
    assert "Reason: We need to speak to your prescriber" in prescriptions and NOTE not in prescriptions


def test_the_note_for_the_record_and_the_original_mismatch_note_stay_with_staff(
    client, user, pharmacist, pom_pack, django_capture_on_commit_callbacks
):
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="o",
                        prescription=uploaded_prescription(user))
    approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 84)),
                  note="Patient sounded confused on the phone")
    record_original_received(prescription=order.prescription, pharmacist=pharmacist, matches=False,
                             note="Original is for 28 tablets of a different strength")

    client.force_login(user)
    html = client.get(reverse("orders:order-detail", args=[order.number])).content.decode()
    api = client.get(f"/api/v1/orders/{order.number}/").content.decode()
    for shopper_sees in (html, api):
        assert "sounded confused" not in shopper_sees and "different strength" not in shopper_sees
        assert "Approved by our pharmacist." in shopper_sees
        assert "Our pharmacist needs to review your order again." in shopper_sees


def test_an_smtp_failure_is_logged_by_its_class_never_its_recipients(
    user, pharmacist, two_p_lines_order, settings, caplog
):
    settings.EMAIL_BACKEND = "tests.orders.test_refusal_reasons.RefusingBackend"
    message = OutboxMessage.objects.get(order=two_p_lines_order, kind=MessageKind.ORDER_PLACED)

    with pytest.raises(Exception, match="SMTPRecipientsRefused"):
        deliver_outbox_message(message_id=message.pk)

    message.refresh_from_db()
    assert message.last_error == "SMTPRecipientsRefused"
    assert "SMTPRecipientsRefused" in caplog.text
    assert user.email not in caplog.text and user.email not in message.last_error


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({messages[0].to[0]: (550, b"5.1.1 mailbox unavailable")})
