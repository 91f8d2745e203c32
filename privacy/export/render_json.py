"""export.json: the machine-readable part, valid against docs/privacy-export-schema.json."""

import json


def render_json(data: dict) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
