from catalog.models import LeafletRevision


def test_pack_factory_builds_a_sellable_pack_with_a_published_leaflet(gsl_pack):
    assert gsl_pack.display_name.endswith("10 mg tablets, 16 tablets")
    assert LeafletRevision.objects.published().filter(product=gsl_pack.product).count() == 1
