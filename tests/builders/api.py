"""Builders and assertions shared by the API tests."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.builders.orders import MINIMAL_PDF
from tests.factories import PackFactory, ProductFactory

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "errors"}
PROBLEM_ERROR_KEYS = {"field", "code", "message"}

SHIPPING = {
    "full_name": "Ada Lovelace",
    "email": "ada@example.org",
    "phone": "07700 900123",
    "address_line1": "1 High Street",
    "address_line2": "",
    "city": "Leeds",
    "postcode": "LS1 1AA",
    "country": "GB",
}


def assert_problem(response, status: int, code: str | None = None, field: str | None = None) -> dict:
    """The one error shape (RFC 9457 problem details), with the status echoed in the body."""
    assert response.status_code == status, (response.status_code, getattr(response, "content", b"")[:500])
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) == PROBLEM_KEYS, body
    assert body["status"] == status
    assert body["type"] == f"urn:pharmacy:problem:{body['code']}"
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    for error in body["errors"]:
        assert PROBLEM_ERROR_KEYS <= set(error), error
    if code is not None:
        assert code in {body["code"], *(error["code"] for error in body["errors"])}, body
    if field is not None:
        assert field in {error["field"] for error in body["errors"]}, body
    return body


def baclofen_packs() -> dict[int, object]:
    """Baclofen tablets (POM) in 5, 10 and 20 mg packs of 84, each with a published leaflet."""
    product = ProductFactory(
        name="Baclofen tablets", slug="baclofen-tablets", legal_category="prescription", atc_code="M03BX01"
    )
    prices = {5: "9.49", 10: "12.99", 20: "18.49"}
    return {
        mg: PackFactory(
            product=product,
            sku=f"BAC-{mg}-84",
            pack_size=84,
            price_amount=Decimal(price),
            stock_quantity=80,
            strength=Decimal(mg),
        )
        for mg, price in prices.items()
    }


def pdf_file(
    name: str = "prescription.pdf", data: bytes = MINIMAL_PDF, content_type: str = "application/pdf"
):
    return SimpleUploadedFile(name, data, content_type=content_type)


def checkout(client, *, key: str | None = "checkout-1", prescription_id: int | None = None, **shipping):
    body = {"shipping": {**SHIPPING, **shipping}}
    if prescription_id is not None:
        body["prescription_id"] = prescription_id
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post("/api/v1/checkout/", body, format="json", **headers)


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []
