"""The e-mails about an order that the outbox sends. Content only: sending and retrying belong to
notifications.services. `build_order_email` is registered for every MessageKind at OrdersConfig.ready()."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.text import slugify

from catalog.models import LeafletRevision, LeafletSection
from notifications.models import OutboxMessage
from pharmacy.money import Money

from .models import MessageKind, Order, OrderEvent
from .refusals import shopper_event_reason
from .services.vat import percent, vat_by_rate

SUBJECTS = {
    MessageKind.ORDER_PLACED: "Your order {number} has been received",
    MessageKind.ORDER_APPROVED: "Your order {number} has been approved",
    MessageKind.ORDER_REJECTED: "Your order {number} could not be supplied",
    MessageKind.ORDER_DISPATCHED: "Your order {number} is on its way",
    MessageKind.ORDER_CANCELLED: "Your order {number} has been cancelled",
    MessageKind.ORDER_LINES_REFUSED: "Some items in your order {number} could not be supplied",
    MessageKind.ORDER_EXPIRED: "Your order {number} has been cancelled: it passed its deadline",
    MessageKind.PAYMENT_EXPIRING: "Your order {number}: the hold on your card ends soon",
    MessageKind.PAYMENT_RETRY: "Your order {number}: please pay again",
    MessageKind.ORDER_PAYMENT_ENDED: "Your order {number} has been cancelled: the hold on your card ended",
    MessageKind.ORDER_SUPPLIED_LESS: "Part of your order {number} could not be supplied",
}


def _order_for_email(order_id: int) -> Order:
    return (
        Order.objects.select_related("prescription")
        .prefetch_related(
            "lines",
            Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "pk")),
        )
        .get(pk=order_id)
    )


def build_order_email(*, message: OutboxMessage) -> EmailMessage:
    order = _order_for_email(message.order_id)
    last_event = list(order.events.all())[-1] if order.events.all() else None
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "kind": message.kind,
        # Only the shopper's or the system's words, or a fixed text for a staff move (never staff's own).
        "reason": shopper_event_reason(last_event, order_user_id=order.user_id) if last_event else "",
        "order_url": settings.SITE_URL.rstrip("/") + reverse("orders:order-detail", kwargs={"number": order.number}),
        "has_clinical_advice": order.clinical_alerts.exists(),  # only that there is advice: no health details
        "pharmacy_name": settings.PHARMACY_NAME,
        "pharmacy_email": settings.PHARMACY_CONTACT_EMAIL,
        "pharmacy_phone": settings.PHARMACY_CONTACT_PHONE,
        "pharmacy_registration": settings.PHARMACY_REGISTRATION,
    }
    if message.kind == MessageKind.ORDER_PLACED:
        context.update(receipt_context(order, lines=context["lines"]))
    if message.kind == MessageKind.PAYMENT_RETRY:  # the storefront's payment step (payments app)
        context["pay_url"] = settings.SITE_URL.rstrip("/") + reverse("payments:pay", kwargs={"number": order.number})
    email = EmailMessage(
        subject=SUBJECTS[message.kind].format(number=order.number),
        body=render_to_string(f"orders/email/{message.kind}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"X-Pharmacy-Order": order.number, "X-Pharmacy-Message": f"{message.kind}:{message.pk}"},
    )
    if message.kind == MessageKind.ORDER_PLACED:
        for filename, content in leaflet_attachments(order):
            email.attach(filename, content, "application/pdf")
    return email


def receipt_context(order: Order, *, lines: list) -> dict:
    """What the order-placed e-mail needs to be a receipt: VAT per rate, the VAT number and the payment's
    state. Amounts only, never health details (no consultation answers, no patient)."""
    return {
        "vat_by_rate": [(percent(rate), Money(vat, order.currency)) for rate, vat in vat_by_rate(lines)],
        "vat_number": settings.PHARMACY_VAT_NUMBER,
        "payment_status_text": _payment_status_text(order),
    }


def _payment_status_text(order: Order) -> str:
    from payments.receipts import payment_status_text  # payments imports orders: resolve at call time

    return payment_status_text(order)


def leaflet_attachments(order: Order) -> list[tuple[str, bytes]]:
    """The exact leaflet revision each line was sold with, once per revision, as a PDF."""
    from catalog.leaflet_pdf import render_leaflet_pdf

    revision_ids = sorted({line.leaflet_revision_id for line in order.lines.all()})
    revisions = LeafletRevision.objects.filter(pk__in=revision_ids).select_related("product").prefetch_related(
        Prefetch("sections", queryset=LeafletSection.objects.order_by("position"))
    )
    return [
        (f"leaflet-{slugify(revision.product.name)}-rev{revision.number}.pdf", render_leaflet_pdf(revision=revision))
        for revision in revisions
    ]
