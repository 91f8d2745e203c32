"""Health-data consent through a Python client GENERATED from /api/schema/, against a live server: if the
schema lies about the consent endpoints' paths, fields or answers, this fails."""

import pytest

from privacy.models import HealthDataConsent
from tests.builders.privacy import published_notice
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_generated_client_reads_gives_and_withdraws_health_data_consent(live_server, generated):
    client_module, models = generated("client"), generated("models")
    notice = published_notice()
    user = UserFactory(health_data_consent=False)
    anonymous = client_module.Client(base_url=live_server.url)
    token = (
        generated("api.auth.auth_token_create")
        .sync(client=anonymous, body=models.SignInInputRequest(email=user.email, password=PASSWORD))
        .token
    )
    shopper = client_module.AuthenticatedClient(base_url=live_server.url, token=token, prefix="Token")

    state = generated("api.me.me_health_data_consent_retrieve").sync(client=shopper)
    assert (state.consented, state.consent, state.notice.version) == (False, None, notice.number)

    given = generated("api.me.me_health_data_consent_create").sync_detailed(
        client=shopper, body=models.HealthDataConsentInputRequest(notice_version=state.notice.version, consent=True)
    )
    assert given.status_code == 201
    assert (given.parsed.consented, given.parsed.consent.notice_version) == (True, notice.number)
    assert given.parsed.consent.text_shown == state.notice.consent_text
    assert HealthDataConsent.objects.get(user=user).interface == "api"

    withdrawn = generated("api.me.me_health_data_consent_destroy").sync(client=shopper)
    assert withdrawn.consented is False
    again = generated("api.me.me_health_data_consent_destroy").sync_detailed(client=shopper)
    assert again.status_code == 409 and again.parsed.code == "no_consent_to_withdraw"
