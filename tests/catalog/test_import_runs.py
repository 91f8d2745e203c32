"""Every `import_catalog` run leaves a record (catalog.ImportRun), whatever its outcome, read-only in the admin."""

import pytest
from django.core.management import CommandError
from django.urls import reverse

from catalog.models import ImportOutcome, ImportRun, Pack, Product
from tests.builders.catalog import GOOD_FILE, failed_import, pack_row, run_import, write_csv

pytestmark = pytest.mark.django_db


def test_an_import_is_recorded_with_its_counts(tmp_path):
    run_import(write_csv(tmp_path, GOOD_FILE, name="weekly.csv"))

    run = ImportRun.objects.get()
    assert (run.file_name, run.outcome, run.rows) == ("weekly.csv", ImportOutcome.IMPORTED, len(GOOD_FILE))
    assert (run.products_created, run.packs_created) == (Product.objects.count(), Pack.objects.count())
    assert run.packs_created > 0
    assert run.started_at <= run.finished_at


def test_an_invalid_file_and_a_dry_run_are_recorded_and_import_nothing(tmp_path):
    failed_import(write_csv(tmp_path, [pack_row(price="twelve")], name="bad.csv"))
    run_import(write_csv(tmp_path, GOOD_FILE, name="check.csv"), "--dry-run")

    runs = {run.file_name: run for run in ImportRun.objects.all()}
    assert runs["bad.csv"].outcome == ImportOutcome.INVALID and runs["bad.csv"].problems == 1
    assert runs["check.csv"].outcome == ImportOutcome.DRY_RUN
    assert runs["check.csv"].packs_created == 0 and not Pack.objects.exists()


def test_a_refused_import_is_recorded_with_the_reason(tmp_path):
    run_import(write_csv(tmp_path, GOOD_FILE))
    with pytest.raises(CommandError, match="Nothing was imported"):
        run_import(write_csv(tmp_path, [pack_row(legal_category="general_sale")], name="reclassify.csv"))

    run = ImportRun.objects.get(file_name="reclassify.csv")
    assert run.outcome == ImportOutcome.REFUSED
    assert "legal category" in run.message.lower()


def test_the_admin_lists_runs_and_offers_no_add_change_or_delete(admin_client, tmp_path):
    run_import(write_csv(tmp_path, GOOD_FILE, name="weekly.csv"))
    run = ImportRun.objects.get()

    listing = admin_client.get(reverse("admin:catalog_importrun_changelist"))
    assert listing.status_code == 200 and b"weekly.csv" in listing.content
    assert admin_client.get(reverse("admin:catalog_importrun_add")).status_code == 403
    detail = admin_client.get(reverse("admin:catalog_importrun_change", args=[run.pk]))
    assert detail.status_code == 200 and b'name="_save"' not in detail.content
