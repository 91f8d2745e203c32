"""Builders for the order tests: files a shopper would upload, and a filled cart."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cart.services import add_to_cart, get_or_create_user_cart
from checkout.services import CheckoutDetails
from orders.models import Order, OrderStatus
from prescriptions.services import AuthorisedItem, DispensingRecord, submit_prescription


def _one_page_pdf() -> bytes:
    """The smallest well-formed PDF with one blank page and a correct cross-reference table: a browser's PDF
    viewer opens it as it would a scanned prescription (a PDF with no page put the viewer's error in the
    review page)."""
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>"]
    pdf, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj%s endobj\n" % (number, body)
    table = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return pdf + b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)


MINIMAL_PDF = _one_page_pdf()


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


PRESCRIBER_ADDRESS = "The Surgery, 2 Church Lane, Leeds, LS2 2BB"


def awaiting_patient(pack) -> tuple[str, datetime.date | None]:
    """The patient of the newest order awaiting review that holds `pack` (a pack or its SKU), else of the
    newest order awaiting review: the patient a test's prescription names unless it says otherwise
    (`patient=`). Without any such order (a prescription approved on its own), a made-up patient."""
    holding = {"lines__sku": pack} if isinstance(pack, str) else {"lines__pack": pack}
    awaiting = Order.objects.filter(status=OrderStatus.AWAITING_REVIEW).order_by("-pk")
    for orders in ((awaiting.filter(**holding), awaiting) if pack is not None else (awaiting,)):
        found = orders.values_list("patient_name", "patient_date_of_birth").first()
        if found is not None:
            return found
    return "Ada Patient", datetime.date(1980, 1, 1)


def prescription_patient_fields(pack) -> dict:
    """The dispensing record's prescriber address and patient, as the pharmacist API takes them."""
    name, born = awaiting_patient(pack)
    return {"prescriber_address": PRESCRIBER_ADDRESS, "patient_name": name,
            "patient_date_of_birth": born.isoformat() if born else None}


def dispensing_record(*items, issued_days_ago: int = 3, valid_days: int = 180,
                      patient: tuple[str, datetime.date | None] | None = None) -> DispensingRecord:
    """`patient`: (name, date of birth) as the prescription gives them; by default, those of the order
    awaiting review for the first item's pack."""
    issued = timezone.localdate() - datetime.timedelta(days=issued_days_ago)
    name, born = patient or awaiting_patient(items[0][0] if items else None)
    return DispensingRecord(
        prescriber_name="Dr Grace Prescriber",
        prescriber_registration="7123456",
        prescriber_address=PRESCRIBER_ADDRESS,
        patient_name=name,
        patient_date_of_birth=born,
        issued_on=issued,
        valid_until=issued + datetime.timedelta(days=valid_days),
        items=[AuthorisedItem(pack=pack, quantity=quantity, directions="As directed", as_directed=True)
               for pack, quantity in items],
    )


def eps_id(prescription) -> str:
    """An electronic prescription identifier unique to `prescription`, as the pharmacist would record it."""
    return f"EPS-{prescription.pk:06d}"
