"""pharmacy.compiled_insert: the rows are what create() and bulk_create() write, the SQL is compiled once per
number of rows, and what it cannot insert as save() would is refused."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.signals import post_save, pre_save

from cart.models import Cart, CartLine
from catalog.models import Ingredient
from checkout.services import place_order
from orders.models import Order
from payments.models import PaymentMovement
from pharmacy import compiled_insert
from pharmacy.compiled_insert import CompiledInsert
from safeguards.models import OrderContact
from tests.builders.orders import cart_with, details
from tests.factories import PackFactory, UserFactory

pytestmark = pytest.mark.django_db


def columns(row) -> dict:
    """The row as the database has it, its key and the columns that differ from row to row left out."""
    values = type(row).objects.filter(pk=row.pk).values().get()
    return {name: value for name, value in values.items() if name not in ("id", "token", "created_at", "updated_at")}


def test_a_compiled_insert_writes_the_row_create_writes_and_gives_the_instance_its_key_and_time():
    user = UserFactory()
    created = Cart.objects.create(user=UserFactory(), currency="EUR")

    inserted = CompiledInsert(Cart).create(user=user, currency="EUR")

    assert inserted.pk is not None and not inserted._state.adding and inserted._state.db == "default"
    assert columns(inserted) == {**columns(created), "user_id": user.pk}
    stored = Cart.objects.get(pk=inserted.pk)
    assert (stored.token, stored.created_at, stored.updated_at) == (inserted.token, inserted.created_at,
                                                                    inserted.updated_at)


def test_the_sql_is_compiled_once_per_number_of_rows(monkeypatch, django_assert_num_queries):
    compiled = []
    original = CompiledInsert._compile

    def counting(self, connection, instances):
        compiled.append(len(instances))
        return original(self, connection, instances)

    monkeypatch.setattr(CompiledInsert, "_compile", counting)
    insert = CompiledInsert(Ingredient)
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    batches = (["codeine", "dextromethorphan"], ["ephedrine", "fexofenadine"], ["guaifenesin"])
    with connection.execute_wrapper(record):
        singles = [insert.create(name=name) for name in ("aspirin", "caffeine")]
        inserted = []
        for names in batches:
            with django_assert_num_queries(1):
                inserted.append(insert.insert_many(Ingredient(name=name) for name in names))

    assert compiled == [1, 2]  # one row, then two rows: each compiled once
    assert len(set(statements)) == 2 and len(statements) == 5
    assert [Ingredient.objects.get(pk=row.pk).name for row in singles] == ["aspirin", "caffeine"]
    assert [[Ingredient.objects.get(pk=row.pk).name for row in rows] for rows in inserted] == list(batches)


def test_many_rows_get_their_keys_in_order_and_a_large_batch_goes_to_bulk_create(monkeypatch):
    cart = Cart.objects.create()
    lines = [CartLine(cart=cart, pack=PackFactory(), quantity=quantity) for quantity in (1, 2, 3)]

    CompiledInsert(CartLine).insert_many(lines)

    assert [CartLine.objects.get(pk=line.pk).quantity for line in lines] == [1, 2, 3]
    bulk = [Ingredient(name=f"ingredient {index}") for index in range(compiled_insert.MOST_ROWS_COMPILED + 1)]
    assert CompiledInsert(Ingredient).insert_many(bulk) == bulk
    assert Ingredient.objects.filter(name__startswith="ingredient ").count() == len(bulk)
    assert all(row.pk is not None for row in bulk)


def test_a_row_whose_key_the_caller_gives_is_inserted_with_it():
    user = UserFactory()
    cart = cart_with(user, (PackFactory(), 1))
    order = place_order(user=user, cart=cart, details=details(), idempotency_key="given-key")
    OrderContact.objects.filter(order=order).delete()

    contact = CompiledInsert(OrderContact).create(order=order, user_id=user.pk, address_key="1 high street|ls11aa")

    assert OrderContact.objects.get(order=Order.objects.get(pk=order.pk)).address_key == contact.address_key
    with pytest.raises(ValueError, match="with their key given"):
        CompiledInsert(OrderContact).create(user_id=user.pk, address_key="no order")


def test_insert_sends_the_signals_save_sends():
    sent = []

    def receive(signal, sender, instance, **kwargs):
        sent.append((signal is pre_save, instance.pk is None, kwargs.get("created")))

    pre_save.connect(receive, sender=Ingredient)
    post_save.connect(receive, sender=Ingredient)
    try:
        CompiledInsert(Ingredient).create(name="ibuprofen")
    finally:
        pre_save.disconnect(receive, sender=Ingredient)
        post_save.disconnect(receive, sender=Ingredient)

    assert sent == [(True, True, None), (False, False, True)]


def test_what_save_would_not_insert_as_compiled_is_refused():
    with pytest.raises(ImproperlyConfigured, match="save\\(\\) of its own"):
        CompiledInsert(PaymentMovement)
    CompiledInsert(PaymentMovement, save_checked=True)  # its save() only refuses edits
    insert = CompiledInsert(Ingredient)
    insert.create(name="naproxen")  # compiled: Django's compiler has no say in what follows
    with pytest.raises(ValueError, match="new catalog.Ingredient rows only"):
        insert.insert(Ingredient.objects.create(name="paracetamol"))
    with pytest.raises(ValueError, match="values, not expressions"):
        insert.create(name=F("pk"))


def test_a_refused_insert_leaves_the_transaction_to_roll_back():
    Ingredient.objects.create(name="loratadine")

    with transaction.atomic():
        with pytest.raises(IntegrityError):
            CompiledInsert(Ingredient).create(name="loratadine")
        assert transaction.get_rollback()  # as after save(): the block rolls back as it ends
