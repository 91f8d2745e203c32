"""The outbox sends each kind with the builder its owning app registered at ready(), and a kind nobody
registered fails its attempt clearly while the message stays in the outbox."""

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone

from accounts.emails import build_account_email
from accounts.models import AccountMessageKind
from notifications import registry
from notifications.checks import each_time_kinds_match_the_constraint
from notifications.exceptions import EmailDeliveryFailed
from notifications.models import EACH_TIME_KINDS, OutboxMessage, OutboxStatus
from notifications.registry import UnknownMessageKind
from notifications.services import deliver_outbox_message, record_account_message, redispatch_pending_messages
from notifications.tasks import deliver_outbox_message_task, dispatch_pending_outbox_task
from orders.emails import build_order_email
from orders.models import MessageKind
from pharmacy.celery import app as celery_app
from privacy.emails import build_data_export_email
from privacy.erasure_emails import build_erasure_email
from privacy.services.erasure import ErasureMessageKind
from privacy.services.export import DATA_EXPORT_READY

TEST_KIND = "test_greeting"


def build_greeting(*, message: OutboxMessage) -> EmailMessage:
    return EmailMessage(subject=f"Hello {message.user.email}", body="greetings", to=[message.recipient])


@pytest.fixture
def greeting_kind():
    registry.register(TEST_KIND, build_greeting, label="A greeting")
    yield TEST_KIND
    registry.unregister(TEST_KIND)


def test_every_kind_of_the_apps_is_registered_with_its_own_apps_builder():
    assert {kind: registry.builder_for(kind) for kind in MessageKind} == dict.fromkeys(MessageKind, build_order_email)
    assert {kind: registry.builder_for(kind) for kind in AccountMessageKind} == dict.fromkeys(
        AccountMessageKind, build_account_email
    )
    assert registry.label_for(MessageKind.ORDER_PLACED) == "Order confirmation"
    assert [kind.value for kind in registry.registered_kinds() if kind.each_time] == EACH_TIME_KINDS


def test_the_privacy_kinds_are_registered_and_only_the_erasure_report_forgets_its_recipient():
    privacy_kinds = {DATA_EXPORT_READY: build_data_export_email, ErasureMessageKind.CONFIRMATION: build_erasure_email,
                     ErasureMessageKind.REPORT: build_erasure_email}
    assert {kind: registry.builder_for(kind) for kind in privacy_kinds} == privacy_kinds
    assert [kind.value for kind in registry.registered_kinds() if kind.forget_recipient] == ["erasure_report"]
    # Nothing else is registered: a new kind must be added to the lists these tests check.
    every_kind = {*MessageKind, *AccountMessageKind, *privacy_kinds}
    assert {kind.value for kind in registry.registered_kinds()} == {str(kind) for kind in every_kind}


@pytest.mark.django_db
def test_the_sender_uses_the_builder_registered_for_the_kind(user, greeting_kind, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = record_account_message(user=user, kind=greeting_kind)

    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert [(sent.subject, sent.to) for sent in mail.outbox] == [(f"Hello {user.email}", [user.email])]
    assert mail.outbox[0].extra_headers["Message-ID"].startswith(f"<outbox-{message.pk}.{TEST_KIND}@")
    assert str(message).startswith("A greeting for ")


@pytest.mark.django_db
def test_recording_a_kind_nobody_registered_is_refused_at_once(user):
    with pytest.raises(UnknownMessageKind, match="'no_such_kind'"):
        record_account_message(user=user, kind="no_such_kind")

    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_stored_message_whose_kind_has_no_builder_fails_clearly_and_stays_in_the_outbox(user):
    """A row whose kind no installed app registers (an app removed, or a newer deploy's kind): the attempt
    fails naming the kind, the message stays pending with the error, and is sent once a builder exists."""
    message = OutboxMessage.objects.create(user=user, kind=TEST_KIND, recipient=user.email)

    with pytest.raises(EmailDeliveryFailed, match=TEST_KIND):
        deliver_outbox_message(message_id=message.pk)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.last_error.startswith(
        f"UnknownMessageKind: No builder is registered for outbox message kind '{TEST_KIND}'"
    )
    assert message.next_attempt_at is not None and message.sending_until is None
    assert mail.outbox == []

    registry.register(TEST_KIND, build_greeting)
    try:
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        assert redispatch_pending_messages() == 1  # eager: handed over and sent
    finally:
        registry.unregister(TEST_KIND)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert [sent.subject for sent in mail.outbox] == [f"Hello {user.email}"]


def test_registering_a_kind_again_with_another_builder_is_an_error(greeting_kind):
    registry.register(greeting_kind, build_greeting, label="A greeting")  # ready() twice: the same, a no-op

    with pytest.raises(ValueError, match="already registered"):
        registry.register(MessageKind.ORDER_PLACED, build_greeting)
    assert registry.builder_for(MessageKind.ORDER_PLACED) is build_order_email


def test_the_start_up_check_requires_each_time_kinds_to_match_the_constraint(greeting_kind):
    assert each_time_kinds_match_the_constraint() == []

    registry.unregister(greeting_kind)
    registry.register(greeting_kind, build_greeting, each_time=True)

    assert [error.id for error in each_time_kinds_match_the_constraint()] == ["notifications.E001"]


def test_the_tasks_keep_the_names_queued_messages_and_beat_use(settings):
    assert deliver_outbox_message_task.name == "orders.tasks.deliver_outbox_message_task"
    assert dispatch_pending_outbox_task.name == "orders.tasks.dispatch_pending_outbox_task"
    assert celery_app.tasks["orders.tasks.deliver_outbox_message_task"].run.__module__ == "notifications.tasks"
    beat_tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "orders.tasks.dispatch_pending_outbox_task" in beat_tasks
