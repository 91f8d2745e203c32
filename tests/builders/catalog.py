"""Builders for the catalog tests: rows of an import file, the import command run to success or failure,
and the catalog admin's URLs."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from catalog.csv_import.rows import COLUMNS
from catalog.identifiers import make_gtin13

GOOD_GTIN = make_gtin13("209912345678")  # 2099123456788


def pack_row(**values) -> dict[str, str]:
    """A valid row (Baclofen 10 mg x 84) with `values` changed."""
    row = {
        "product_name": "Baclofen tablets", "product_slug": "", "legal_category": "prescription",
        "controlled_drug_schedule": "", "dosage_form": "tablet", "route": "oral", "atc_code": "M03BX01",
        "categories": "Muscle and joint", "sku": "BAC-10-84", "gtin": "", "pack_size": "84", "pack_unit": "",
        "price": "12.99", "currency": "GBP", "stock": "80", "max_per_order": "", "is_active": "true",
        "ingredients": "baclofen 10 mg", "batch_number": "", "expiry_date": "",
    }
    assert set(values) <= set(row), set(values) - set(row)
    return row | values


def write_csv(tmp_path, rows: list[dict[str, str]], name: str = "catalog.csv"):
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_import(path, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_catalog", str(path), "--no-progress", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failed_import(path, *args) -> str:
    """Run an import that must fail; return its error report (stderr)."""
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_catalog", str(path), "--no-progress", *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


# Stock comes into a new pack with its batch: without one, a pack has nothing to sell (no LEGACY batch).
GOOD_FILE = [
    pack_row(sku="BAC-5-84", gtin=GOOD_GTIN, price="9.49", stock="60", ingredients="baclofen 5 mg",
             batch_number="L5-84", expiry_date="2030-06-30"),
    pack_row(batch_number="L10-84", expiry_date="2030-06-30"),
    pack_row(product_name="Baclofen oral solution", dosage_form="oral_solution", sku="BACOS-5-300",
             pack_size="300", price="24.95", stock="15", ingredients="baclofen 5 mg/5 mL",
             batch_number="LOS-300", expiry_date="2030-06-30"),
    pack_row(product_name="Co-codamol tablets", product_slug="co-codamol", legal_category="pharmacy",
             controlled_drug_schedule="5", route="", atc_code="n02aj06",
             categories="Pain relief; Muscle and joint",
             sku="COCO-8-500-32", pack_size="32", price="4.50", currency="", stock="", max_per_order="1",
             is_active="no", ingredients="codeine phosphate 8 mg; Paracetamol 500 mg"),
]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:catalog_{model._meta.model_name}_{view}", args=args)
