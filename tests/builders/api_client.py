"""A small HTTP client for the API of a server started in a subprocess (drills and replicas)."""

import http.client
import json


class Client:
    def __init__(self, port: int):
        self.port = port
        self.token = ""

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            all_headers = {"Content-Type": "application/json", **(headers or {})}
            if self.token:
                all_headers["Authorization"] = f"Token {self.token}"
            connection.request(method, path, body=json.dumps(body) if body is not None else None,
                               headers=all_headers)
            response = connection.getresponse()
            data = response.read()
            return response.status, dict(response.getheaders()), data
        finally:
            connection.close()


def product_names(client) -> list[str]:
    status, _, body = client.request("GET", "/api/v1/products/")
    assert status == 200, body[:500]
    return [product["name"] for product in json.loads(body)["results"]]
