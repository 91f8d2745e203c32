"""The record of each catalog import (catalog.ImportRun): written after the run, in its own transaction,
so a refused or invalid import is recorded too (its own changes were rolled back)."""

import os
from datetime import datetime

from ..models import ImportOutcome, ImportRun


def record_import_run(*, path: str, outcome: ImportOutcome, started_at: datetime, rows: int = 0,
                      problems: int = 0, imported=None, message: str = "") -> ImportRun:
    """`imported` is import_catalog's result when the file was written."""
    counts = {}
    if imported is not None:
        counts = {"products_created": imported.products_created, "products_updated": imported.products_updated,
                  "packs_created": imported.packs_created, "packs_updated": imported.packs_updated}
    return ImportRun.objects.create(
        file_name=os.path.basename(path)[:255], outcome=outcome, rows=rows, problems=problems,
        message=message, started_at=started_at, **counts,
    )
