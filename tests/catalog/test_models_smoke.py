import pytest

from catalog.models import DosageForm, LeafletRevision


def test_pack_factory_builds_a_sellable_pack_with_a_published_leaflet(gsl_pack):
    assert gsl_pack.display_name.endswith("10 mg tablets, 16 tablets")
    assert LeafletRevision.objects.published().filter(product=gsl_pack.product).count() == 1


@pytest.mark.parametrize("form", [*DosageForm.values, "unlisted"])
def test_a_pack_is_named_with_its_forms_label_as_get_dosage_form_display_gives_it(gsl_pack, form):
    product = gsl_pack.product
    product.dosage_form = form
    label = product.get_dosage_form_display()  # the value itself for one that is not a choice
    product.name = f"Testamol {label}"

    assert gsl_pack.display_name == f"Testamol 10 mg {label}, 16 tablets"
