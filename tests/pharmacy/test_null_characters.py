import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/orders/%00/", "/medicines/a%00b/", "/prescriptions/1%00/file/"])
def test_nul_in_the_path_is_not_found(client, url):
    assert client.get(url).status_code == 404


def test_nul_in_the_storefront_query_string_is_a_bad_request(client):
    assert client.get("/medicines/?q=%00").status_code == 400


@pytest.mark.parametrize("url, status", [("/api/v1/orders/%00/", 404), ("/api/v1/products/?search=x%00", 400)])
def test_api_answers_nul_characters_in_the_problem_shape(api_client, url, status):
    response = api_client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
