"""Backups you can restore: pg_dump a database holding orders, an encrypted prescription and
prescription-register rows, pg_restore it into a fresh database, and check that everything came back and
that the prescription still decrypts from storage to the bytes the shopper uploaded."""

import hashlib
import os
import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.db import connection

from checkout.services import place_order
from dispensing.approval import approve_order, dispatch_order
from dispensing.models import RegisterEntry
from dispensing.originals import record_original_received
from orders.models import Order, OrderStatus
from pharmacy.encryption import key_id_of
from prescriptions.models import Prescription
from tests.builders.orders import MINIMAL_PDF, cart_with, details, dispensing_record, uploaded_prescription
from tests.factories import StaffFactory
from tests.servers import postgres_bin_dir

pytestmark = pytest.mark.postgres


def client_binary(name: str) -> str | None:
    """The newest pg_dump/pg_restore: an older client refuses to dump a newer server."""
    bin_dir = postgres_bin_dir()
    if bin_dir is not None and (bin_dir / name).exists():
        return str(bin_dir / name)
    return shutil.which(name)


def connection_arguments(database: str) -> tuple[list[str], dict[str, str]]:
    settings = connection.settings_dict
    arguments = ["--host", settings["HOST"] or "127.0.0.1", "--port", str(settings["PORT"] or 5432),
                 "--username", settings["USER"] or "postgres", "--dbname", database]
    environment = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or "", "PGCONNECT_TIMEOUT": "10"}
    return arguments, environment


def run(command: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def restored_database():
    """A database of a unique name on the test server, dropped afterwards."""
    name = f"restore_{uuid.uuid4().hex[:12]}"
    yield name
    settings = connection.settings_dict
    with psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
                         user=settings["USER"] or "postgres", password=settings["PASSWORD"] or None,
                         dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_restores_orders_prescriptions_and_the_register(user, pom_pack, pharmacist, restored_database,
                                                                  tmp_path):
    from tests.availability import require

    pg_dump, pg_restore = client_binary("pg_dump"), client_binary("pg_restore")
    require(pg_dump is not None and pg_restore is not None,
            "needs pg_dump and pg_restore: apt-get install postgresql-client")
    # Given: a dispatched POM order (register rows written), and a second order still awaiting review.
    order = place_order(user=user, cart=cart_with(user, (pom_pack, 2)), details=details(), idempotency_key="b1",
                        prescription=uploaded_prescription(user))
    order = approve_order(order=order, pharmacist=pharmacist, record=dispensing_record((pom_pack, 168)))
    record_original_received(prescription=order.prescription, pharmacist=pharmacist, matches=True,
                             note="Signed paper original.")
    dispatch_order(order=order, actor=StaffFactory())
    waiting = place_order(user=user, cart=cart_with(user, (pom_pack, 1)), details=details(), idempotency_key="b2",
                          prescription=uploaded_prescription(user))
    storage = Prescription._meta.get_field("file").storage
    prescriptions = {p.pk: (p.file.name, p.sha256) for p in Prescription.objects.all()}
    assert all(key_id_of(storage.read_raw(name)) for name, _ in prescriptions.values())  # encrypted at rest
    register = sorted(RegisterEntry.objects.values_list("pk", "order_id", "quantity"))
    assert register, "dispatch wrote no register rows"

    # When: dumped with pg_dump and restored with pg_restore into a fresh database.
    dump = tmp_path / "pharmacy.dump"
    source_arguments, environment = connection_arguments(connection.settings_dict["NAME"])
    run([pg_dump, "--format=custom", "--file", str(dump), *source_arguments], environment)
    target_arguments, _ = connection_arguments("postgres")
    run([client_binary("createdb") or "createdb", *target_arguments[:-2], restored_database], environment)
    target_arguments, _ = connection_arguments(restored_database)
    run([pg_restore, "--no-owner", "--exit-on-error", *target_arguments, str(dump)], environment)

    # Then: orders, prescriptions and the register are all there, and each file still decrypts.
    settings = connection.settings_dict
    with psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
                         user=settings["USER"] or "postgres", password=settings["PASSWORD"] or None,
                         dbname=restored_database) as restored:
        orders = dict(restored.execute("SELECT id, status FROM orders_order ORDER BY id").fetchall())
        files = {pk: (name, sha) for pk, name, sha in
                 restored.execute("SELECT id, file, sha256 FROM orders_prescription").fetchall()}
        restored_register = sorted(restored.execute(
            "SELECT id, order_id, quantity FROM dispensing_registerentry").fetchall())
    assert orders == {order.pk: OrderStatus.DISPATCHED, waiting.pk: Order.objects.get(pk=waiting.pk).status}
    assert files == prescriptions
    assert restored_register == register
    for name, sha256 in files.values():
        with storage.open(name, "rb") as opened:
            plaintext = opened.read()
        assert plaintext == MINIMAL_PDF and hashlib.sha256(plaintext).hexdigest() == sha256
