#!/usr/bin/env python
"""How the catalog's read paths reach their rows, whatever the catalog's size:

    DATABASE_URL=postgres://… python bench/explain_catalog.py [--analyze] [--json]

Requests the product list, searches (a name, a typo, a strength, a brand, an indication with hundreds of
matches, a GTIN), suggest and the storefront list through Django's test client, with the catalog cache
off, records every statement each request runs, and asks PostgreSQL for each one's plan (EXPLAIN, or
EXPLAIN ANALYZE with --analyze). A sequential scan of one of the catalog's big tables is a cost that grows
with the catalog: it is listed, and the exit status is 1 when there is one. Used on the generated
catalogs that bench/generate_catalog.py writes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Tables that grow with the catalog; a scan of any other (categories, questionnaires) stays small.
BIG_TABLES = frozenset(
    {
        "catalog_product",
        "catalog_pack",
        "catalog_stockbatch",
        "catalog_strength",
        "catalog_ingredient",
        "catalog_productsynonym",
        "catalog_productsearchdocument",
        "catalog_leafletrevision",
        "catalog_leafletsection",
        "catalog_product_categories",
    }
)
SEARCHES = ["baclofen", "baclofn", "baclofen 10mg", "Lioresal", "hay fever", "cetirizine 10mg"]
# "lora", a stem of bench/generate_catalog.py's names, starts 805 of the 28,471 products at 100,000 packs: a
# prefix many products share, whose suggestions once read the whole product table to rank them.
SUGGESTIONS = ["bac", "nuro", "hay", "lora"]


def request_paths(gtin: str | None, *, has_second_page: bool = True) -> dict[str, str]:
    """label -> path of every read that is checked. A catalog of one page (the demo's) has no page 2 to ask."""
    paths = {"list": "/api/v1/products/"}
    if has_second_page:
        paths["list page 2"] = "/api/v1/products/?page=2"
    paths.update({
        "list in stock": "/api/v1/products/?in_stock=true&legal_category=general_sale",
        "storefront list": "/medicines/",
    })
    for text in SEARCHES:
        paths[f"search {text}"] = f"/api/v1/products/?search={urllib.parse.quote(text)}"
    paths["storefront search hay fever"] = "/medicines/?q=hay+fever"
    for text in SUGGESTIONS:
        paths[f"suggest {text}"] = f"/api/v1/products/suggest/?q={text}"
    if gtin:
        paths["gtin"] = f"/api/v1/products/?search={gtin}"
    return paths


def plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from plan_nodes(child)


def explain(path: str, *, analyze: bool) -> list[dict]:
    """Every statement `path` runs, with its plan's scans: [{"sql", "scans": [[node type, table, index]],
    "seq_scans": [big tables scanned in full], "ms": execution time with --analyze}]."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = Client().get(path)
    if response.status_code not in (200, 302):
        raise SystemExit(f"{path} answered {response.status_code}")
    statements = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        options = "ANALYZE, BUFFERS, FORMAT JSON" if analyze else "FORMAT JSON"
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ({options}) {sql}")
            document = cursor.fetchone()[0]
        document = json.loads(document) if isinstance(document, str) else document
        plan = document[0]["Plan"]
        scans = [
            [node["Node Type"], node.get("Relation Name", ""), node.get("Index Name", "")]
            for node in plan_nodes(plan)
            if "Scan" in node["Node Type"]
        ]
        statements.append(
            {
                "sql": sql,
                "scans": scans,
                "seq_scans": sorted({table for kind, table, _ in scans if kind == "Seq Scan" and table in BIG_TABLES}),
                "ms": round(document[0].get("Execution Time", 0.0), 2) if analyze else None,
            }
        )
    return statements


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--analyze", action="store_true", help="EXPLAIN ANALYZE: run each statement and time it")
    parser.add_argument("--json", action="store_true", help="print one JSON document instead of a summary")
    arguments = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pharmacy.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("explain_catalog reads PostgreSQL plans: set DATABASE_URL to a PostgreSQL database.")
    settings.CATALOG_CACHE_ENABLED = False  # every request reads the database, as a cache miss does
    from catalog.models import Pack, Product

    gtin = Pack.objects.filter(gtin__isnull=False).order_by("-pk").values_list("gtin", flat=True).first()
    from pharmacy.api import PageNumberPagination

    report = {"products": Product.objects.count(), "packs": Pack.objects.count(), "paths": {}}
    has_second_page = Product.objects.active().count() > PageNumberPagination.page_size
    for label, path in request_paths(gtin, has_second_page=has_second_page).items():
        report["paths"][label] = {"path": path, "statements": explain(path, analyze=arguments.analyze)}
    scanned = {
        label: sorted({table for statement in entry["statements"] for table in statement["seq_scans"]})
        for label, entry in report["paths"].items()
    }
    report["seq_scans"] = {label: tables for label, tables in scanned.items() if tables}
    if arguments.json:
        print(json.dumps(report))
    else:
        print(f"{report['products']} products, {report['packs']} packs")
        for label, entry in report["paths"].items():
            statements = entry["statements"]
            timing = f"  {sum(s['ms'] for s in statements):7.2f} ms in the database" if arguments.analyze else ""
            verdict = f"SEQ SCAN of {', '.join(scanned[label])}" if scanned[label] else "index scans only"
            print(f"{label:32} {len(statements):2d} statements{timing}  {verdict}")
    return 1 if report["seq_scans"] else 0


if __name__ == "__main__":
    sys.exit(main())
