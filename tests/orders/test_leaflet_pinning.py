import pytest

from catalog.models import LeafletRevision
from checkout.services import place_order
from tests.builders.orders import cart_with, details
from tests.factories import publish_leaflet

pytestmark = pytest.mark.django_db


def test_order_line_keeps_the_leaflet_revision_it_was_sold_with(user, gsl_pack):
    sold_with = LeafletRevision.objects.published().get(product=gsl_pack.product)
    order = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="a")

    newer = publish_leaflet(gsl_pack.product, marker="Now with a new warning.")

    line = order.lines.get()
    line.refresh_from_db()
    assert newer.number == sold_with.number + 1
    assert line.leaflet_revision_id == sold_with.pk
    assert "new warning" not in " ".join(line.leaflet_revision.sections.values_list("body", flat=True))
    later = place_order(user=user, cart=cart_with(user, (gsl_pack, 1)), details=details(), idempotency_key="b")
    assert later.lines.get().leaflet_revision_id == newer.pk
