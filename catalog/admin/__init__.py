"""Catalog admin for pharmacy staff, one module per concern.

Stock and publication change only through catalog.services (stock take, publish, draft); prices and
stock are read-only on existing packs, and a published leaflet revision is shown read-only because it
never changes: order lines point at it.
"""

# Importing the modules registers their ModelAdmins.
from . import batches, consultations, imports, leaflets, packs, products  # noqa: F401
