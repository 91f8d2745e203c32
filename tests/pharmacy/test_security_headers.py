import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/medicines/", "/accounts/sign-in/", "/cart/"])
def test_storefront_pages_send_a_strict_content_security_policy_and_security_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_admin_pages_keep_their_own_policy(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
