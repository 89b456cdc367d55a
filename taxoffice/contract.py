"""The API's OpenAPI document as committed (``docs/openapi.json``), so that a change to the contract is deliberate.

``taxoffice openapi -o docs/openapi.json`` (``make openapi``) writes it; ``tests/taxoffice/test_openapi_copy.py``
fails with the difference when the served document and the copy part.
"""

import json
from pathlib import Path
from typing import Any

from taxoffice.app import create_app
from taxoffice.config import Settings

COPY = Path("docs/openapi.json")
REGENERATE = "make openapi  (or: .venv/bin/taxoffice openapi -o docs/openapi.json)"


def openapi_document() -> dict[str, Any]:
    """The document the app serves at ``/schema/openapi.json`` (it depends on no database or setting)."""
    settings = Settings(database_url="sqlite+aiosqlite:///:memory:", secret_key="openapi-document-only-" * 3)
    document: dict[str, Any] = create_app(settings).openapi_schema.to_schema()
    return document


def as_text(document: dict[str, Any]) -> str:
    """The document as the copy keeps it: JSON as a client reads it, keys sorted, so that a diff shows the change."""
    return json.dumps(json.loads(json.dumps(document)), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
