"""pharmacy.sessions reads a session's row with a written-out statement: it must read what Django's database
store reads, and forget a key whose session expired or never was, in one query."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from pharmacy.sessions import SessionStore

pytestmark = pytest.mark.django_db


def saved_session(data: dict) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def test_a_saved_session_reads_back_as_django_reads_it_in_one_query(django_assert_num_queries):
    key = saved_session({"cart_token": "8e70ef78-0000-4000-8000-000000000001", "count": 3})

    store = SessionStore(key)
    with django_assert_num_queries(1):
        data = dict(store.items())

    assert data == {"cart_token": "8e70ef78-0000-4000-8000-000000000001", "count": 3}
    assert data == dict(DjangoSessionStore(key).items())
    assert store.session_key == key


def test_an_expired_session_reads_as_empty_and_its_key_is_forgotten():
    key = saved_session({"cart_token": "x"})
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))

    store = SessionStore(key)

    assert dict(store.items()) == {} and store.session_key is None
    assert dict(DjangoSessionStore(key).items()) == {}


def test_an_unknown_key_reads_as_empty_and_is_forgotten():
    store = SessionStore("k" * 32)

    assert dict(store.items()) == {} and store.session_key is None


def test_the_site_uses_this_store(client, settings):
    assert settings.SESSION_ENGINE == "pharmacy.sessions"
    key = saved_session({"seen": True})
    client.cookies[settings.SESSION_COOKIE_NAME] = key

    assert client.session["seen"] is True
