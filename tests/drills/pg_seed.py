"""Prepare the throwaway cluster's database for the PostgreSQL restart drill: migrate, then one pack
and a few shoppers. Prints {"sku": …, "emails": […], "password": …} as JSON. Run with DATABASE_URL set."""

import json
import os
import sys

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pharmacy.settings.test")
    django.setup()
    from django.core.management import call_command

    from tests.factories import PASSWORD, PackFactory, UserFactory

    call_command("migrate", verbosity=0, interactive=False)
    pack = PackFactory(stock_quantity=100_000)
    shoppers = [UserFactory() for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 4)]
    print(json.dumps({"sku": pack.sku, "emails": [shopper.email for shopper in shoppers], "password": PASSWORD}))


if __name__ == "__main__":
    main()
