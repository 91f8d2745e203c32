"""The catalog import counts stock per batch, keeps files from before batches importable, and never
changes what orders have allocated."""

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from catalog.csv_import.rows import COLUMNS, OPTIONAL_COLUMNS
from catalog.models import LEGACY_BATCH_EXPIRY, Pack, StockBatch
from catalog.services import record_stock_take, reserve_stock
from tests.builders.catalog import failed_import, pack_row, run_import
from tests.factories import StockBatchFactory

pytestmark = pytest.mark.django_db


def write(tmp_path, rows, columns=COLUMNS, name="catalog.csv"):
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def batches(sku: str) -> dict[str, tuple[int, datetime.date]]:
    return {b.batch_number: (b.quantity_on_hand, b.expiry_date) for b in StockBatch.objects.filter(pack__sku=sku)}


def test_a_row_with_a_batch_receives_it_and_a_later_file_counts_it(tmp_path):
    run_import(write(tmp_path, [pack_row(stock="40", batch_number="AB123", expiry_date="2030-06-30")]))
    assert batches("BAC-10-84") == {"AB123": (40, datetime.date(2030, 6, 30))}

    run_import(write(tmp_path, [pack_row(stock="35", batch_number="AB123", expiry_date="2030-06-30")], name="b.csv"))
    assert batches("BAC-10-84") == {"AB123": (35, datetime.date(2030, 6, 30))}


def test_a_file_from_before_batches_creates_no_legacy_batch_and_the_new_pack_has_no_stock(tmp_path):
    old_columns = [column for column in COLUMNS if column not in OPTIONAL_COLUMNS]

    run_import(write(tmp_path, [pack_row(stock="80")], columns=old_columns))

    assert batches("BAC-10-84") == {}
    assert Pack.objects.get(sku="BAC-10-84").stock_quantity == 0  # nothing to sell until a batch is booked in

    pack = Pack.objects.get(sku="BAC-10-84")
    record_stock_take(pack=pack, batch_number="AB9", quantity=30, expiry_date=datetime.date(2030, 3, 31))
    run_import(write(tmp_path, [pack_row(stock="25")], columns=old_columns, name="b.csv"))

    assert batches("BAC-10-84") == {"AB9": (25, datetime.date(2030, 3, 31))}  # the pack's only, real batch
    assert Pack.objects.get(sku="BAC-10-84").stock_quantity == 25


def test_an_old_file_still_counts_a_pack_existing_legacy_batch(tmp_path):
    old_columns = [column for column in COLUMNS if column not in OPTIONAL_COLUMNS]
    run_import(write(tmp_path, [pack_row(stock="")], columns=old_columns))
    StockBatchFactory(pack=Pack.objects.get(sku="BAC-10-84"), batch_number="LEGACY",
                      expiry_date=LEGACY_BATCH_EXPIRY, quantity_on_hand=5)

    run_import(write(tmp_path, [pack_row(stock="12")], columns=old_columns, name="b.csv"))

    assert batches("BAC-10-84") == {"LEGACY": (12, LEGACY_BATCH_EXPIRY)}


def test_an_import_counts_stock_and_never_touches_allocations(tmp_path):
    run_import(write(tmp_path, [pack_row(stock="20", batch_number="AB1", expiry_date="2030-01-31")]))
    pack = Pack.objects.get(sku="BAC-10-84")
    reserve_stock(quantities={pack.pk: 3})

    run_import(write(tmp_path, [pack_row(stock="10", batch_number="AB1", expiry_date="2030-01-31")], name="b.csv"))

    pack = Pack.objects.get(sku="BAC-10-84")
    assert (pack.allocated_quantity, pack.available_quantity) == (3, 7)


def test_a_batch_number_needs_its_expiry_and_stock(tmp_path):
    report = failed_import(write(tmp_path, [pack_row(stock="", batch_number="AB1")]))

    assert "expiry_date" in report and "is required with batch_number" in report
    assert not StockBatch.objects.exists()


def test_a_count_without_batch_for_a_pack_in_several_batches_is_refused(tmp_path):
    run_import(write(tmp_path, [pack_row(stock="5", batch_number="AB1", expiry_date="2030-01-31")]))
    StockBatchFactory(pack=Pack.objects.get(sku="BAC-10-84"), batch_number="AB2", quantity_on_hand=6)

    path = write(tmp_path, [pack_row(stock="9")], name="b.csv")

    with pytest.raises(CommandError, match=r"several batches.*BAC-10-84 \(row 2\); nothing was imported"):
        call_command("import_catalog", str(path), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert batches("BAC-10-84")["AB1"][0] == 5
