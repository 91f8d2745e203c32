"""The subject access export through a Python client GENERATED from /api/schema/, against a live server: if
the schema lies about the export's paths, fields, statuses or the ZIP download, this fails."""

import io
import json
import zipfile

import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_generated_client_asks_for_reads_and_downloads_an_export(live_server, generated):
    client_module, models = generated("client"), generated("models")
    user = UserFactory(full_name="Ada Lovelace")
    anonymous = client_module.Client(base_url=live_server.url)
    token = (
        generated("api.auth.auth_token_create")
        .sync(client=anonymous, body=models.SignInInputRequest(email=user.email, password=PASSWORD))
        .token
    )
    shopper = client_module.AuthenticatedClient(base_url=live_server.url, token=token, prefix="Token")

    none_yet = generated("api.me.me_data_export_retrieve").sync_detailed(client=shopper)
    assert (none_yet.status_code, none_yet.parsed.code) == (404, "no_data_export")

    asked = generated("api.me.me_data_export_create").sync_detailed(client=shopper)
    assert asked.status_code == 202 and asked.parsed.id > 0

    # Celery runs eagerly in tests: the export was built when the request committed.
    state = generated("api.me.me_data_export_retrieve").sync(client=shopper)
    assert (state.id, state.status.value) == (asked.parsed.id, "ready")
    assert state.size_bytes > 0 and state.expires_at > state.built_at

    signed = state.download_url.rstrip("/").rsplit("/", 1)[-1]
    download = generated("api.me.me_data_export_download").sync_detailed(client=shopper, token=signed)
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        assert json.loads(archive.read("export.json"))["account"]["full_name"] == "Ada Lovelace"

    refused = generated("api.me.me_data_export_download").sync_detailed(client=anonymous, token=signed)
    assert refused.status_code == 401
