import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/orders/%00/", "/medicines/?q=%00", "/medicines/a%00b/"])
def test_storefront_refuses_nul_characters_in_the_address_with_400(client, url):
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("url", ["/api/v1/orders/%00/", "/api/v1/products/?search=x%00"])
def test_api_refuses_nul_characters_in_the_problem_shape(api_client, url):
    response = api_client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_characters"
