"""Placeholder LEGACY stock is flagged in the admin: a warning on the batches list, a column, and a
filter, so staff count the real batches (the release gate never sends P or POM medicines from it)."""

import pytest
from django.urls import reverse

from catalog.models import LEGACY_BATCH_EXPIRY
from tests.factories import PackFactory, StockBatchFactory

pytestmark = pytest.mark.django_db


def test_the_batches_list_warns_of_legacy_stock_and_filters_it(admin_client):
    legacy_pack, real_pack = PackFactory(stock_quantity=0, sku="OLD-1"), PackFactory(sku="NEW-1")
    StockBatchFactory(pack=legacy_pack, batch_number="LEGACY", expiry_date=LEGACY_BATCH_EXPIRY, quantity_on_hand=4)
    url = reverse("admin:catalog_stockbatch_changelist")

    page = admin_client.get(url).content.decode()
    only_legacy = admin_client.get(url, {"legacy": "yes"}).content.decode()

    assert "1 pack(s) still hold stock in a LEGACY placeholder batch" in page
    assert f"B-{real_pack.sku}" in page  # the real batch, listed without the filter
    assert f"B-{real_pack.sku}" not in only_legacy and 'class="field-batch_number">LEGACY<' in only_legacy


def test_no_warning_without_legacy_stock(admin_client):
    PackFactory()

    page = admin_client.get(reverse("admin:catalog_stockbatch_changelist")).content.decode()

    assert "LEGACY placeholder batch" not in page
