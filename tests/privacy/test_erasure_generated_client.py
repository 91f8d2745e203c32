"""Erasure through a Python client GENERATED from /api/schema/, against a live server: if the schema lies
about the erasure endpoints' paths, fields or answers, this fails."""

import re

import pytest
from django.core import mail

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_generated_client_asks_for_and_confirms_an_erasure(live_server, generated, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client_module, models = generated("client"), generated("models")
    user = UserFactory()
    anonymous = client_module.Client(base_url=live_server.url)
    token = (
        generated("api.auth.auth_token_create")
        .sync(client=anonymous, body=models.SignInInputRequest(email=user.email, password=PASSWORD))
        .token
    )
    shopper = client_module.AuthenticatedClient(base_url=live_server.url, token=token, prefix="Token")
    mail.outbox.clear()

    asked = generated("api.me.me_erasure_create").sync_detailed(client=shopper)
    assert asked.status_code == 202 and asked.parsed.status.value == "awaiting_confirmation"

    [email] = [message for message in mail.outbox if message.to == [user.email]]
    link_token = re.search(r"/account/privacy/erasure/confirm/(\S+)/", email.body).group(1)
    confirmed = generated("api.erasure.erasure_confirm").sync(
        client=anonymous, body=models.ErasureConfirmInputRequest(token=link_token)
    )
    assert confirmed.status.value == "completed"
    assert {entry.kind for entry in confirmed.report.erased} >= {"account"}

    refused = generated("api.erasure.erasure_confirm").sync_detailed(
        client=anonymous, body=models.ErasureConfirmInputRequest(token="forged")
    )
    assert refused.status_code == 404 and refused.parsed.code == "erasure_link_invalid"
