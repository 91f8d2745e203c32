"""The OpenAPI schema is a build gate: drf-spectacular must generate it without a warning, and it must
validate against the OpenAPI specification."""

import subprocess
import sys

import yaml

from tests.deploy.support import ROOT, environment_without


def test_api_schema_generates_without_warnings_and_validates(tmp_path):
    schema_path = tmp_path / "schema.yaml"
    environment = environment_without(DJANGO_SETTINGS_MODULE="pharmacy.settings.test")

    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn",
         "--file", str(schema_path)],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
    )

    assert result.returncode == 0, result.stderr
    schema = yaml.safe_load(schema_path.read_text())
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Pharmacy API"
