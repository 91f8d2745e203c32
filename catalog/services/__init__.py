"""Catalog writes and the one purchase policy: may this pack be bought, in this quantity, now?

One module per concern; callers import the public services from `catalog.services`."""

from .allocation import release_stock, reserve_stock
from .dispatch import batch_shortfall_message, find_batch_shortfalls, pick_batches_for_dispatch
from .leaflets import SectionText, create_leaflet_draft, publish_leaflet_revision, publish_new_leaflet_revision
from .products import refresh_search_documents, set_product_indications, set_product_synonyms
from .purchase import check_pack_purchasable, check_quantity, purchase_policy_settings
from .stock import recall_batches, record_stock_take, set_price, set_stock

__all__ = [
    "SectionText",
    "batch_shortfall_message",
    "check_pack_purchasable",
    "check_quantity",
    "create_leaflet_draft",
    "find_batch_shortfalls",
    "pick_batches_for_dispatch",
    "publish_leaflet_revision",
    "publish_new_leaflet_revision",
    "purchase_policy_settings",
    "recall_batches",
    "record_stock_take",
    "refresh_search_documents",
    "release_stock",
    "reserve_stock",
    "set_price",
    "set_product_indications",
    "set_product_synonyms",
    "set_stock",
]
