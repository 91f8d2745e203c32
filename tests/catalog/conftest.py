import pytest

from demo.catalog_loader import load_demo_catalog


@pytest.fixture
def demo(db):
    """The demo catalog, whose own names the search tests query."""
    load_demo_catalog()
