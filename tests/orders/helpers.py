"""Builders for the order tests: files a shopper would upload, and a filled cart."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cart.services import add_to_cart, get_or_create_user_cart
from orders.services import AuthorisedItem, CheckoutDetails, DispensingRecord, submit_prescription

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def image_bytes(kind: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, kind)
    return buffer.getvalue()


def pdf_upload(name: str = "prescription.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def details(**overrides) -> CheckoutDetails:
    values = {
        "full_name": "Ada Shopper", "email": "ada@example.org", "phone": "07700 900123",
        "address_line1": "1 High Street", "city": "Leeds", "postcode": "ls1 1aa",
    }
    values.update(overrides)
    return CheckoutDetails(**values)


def cart_with(user, *pack_quantities):
    cart = get_or_create_user_cart(user=user)
    for pack, quantity in pack_quantities:
        add_to_cart(cart=cart, pack=pack, quantity=quantity)
    return cart


def uploaded_prescription(user):
    return submit_prescription(owner=user, uploaded_file=pdf_upload())


def dispensing_record(*items, issued_days_ago: int = 3, valid_days: int = 180) -> DispensingRecord:
    issued = timezone.localdate() - datetime.timedelta(days=issued_days_ago)
    return DispensingRecord(
        prescriber_name="Dr Grace Prescriber",
        prescriber_registration="7123456",
        issued_on=issued,
        valid_until=issued + datetime.timedelta(days=valid_days),
        items=[AuthorisedItem(pack=pack, quantity=quantity, directions="As directed", as_directed=True)
               for pack, quantity in items],
    )
