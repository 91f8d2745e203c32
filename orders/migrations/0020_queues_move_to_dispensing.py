"""The admin's review, dispatch and cannot-supply queues (proxies of Order, no table) move to dispensing
(dispensing 0002 re-labels their content types, so permissions and admin history follow)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0019_undecided_lines_back_to_review"),
    ]

    operations = [
        migrations.DeleteModel(name="OrderAwaitingReview"),
        migrations.DeleteModel(name="OrderCannotSupply"),
        migrations.DeleteModel(name="OrderAwaitingDispatch"),
    ]
