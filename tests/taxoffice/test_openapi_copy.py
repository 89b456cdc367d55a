"""The document the app serves is the committed copy (docs/openapi.json): a change to the contract is deliberate."""

import difflib
import json
from pathlib import Path

import httpx
from click.testing import CliRunner

from taxoffice.cli import main
from taxoffice.contract import COPY, REGENERATE, as_text

ROOT = Path(__file__).resolve().parents[2]
SHOWN_LINES = 120


def readable_difference(committed: str, served: str) -> str:
    """The unified diff of the copy against the served document, cut short, and the command that settles it."""
    lines = list(difflib.unified_diff(committed.splitlines(), served.splitlines(), str(COPY), "served", lineterm=""))
    more = f"\n… {len(lines) - SHOWN_LINES} more lines" if len(lines) > SHOWN_LINES else ""
    return (
        f"The API's contract changed: if that is meant, regenerate the copy with\n    {REGENERATE}\n"
        "and commit it with the change.\n\n" + "\n".join(lines[:SHOWN_LINES]) + more
    )


async def test_the_served_document_is_the_committed_copy(client: httpx.AsyncClient) -> None:
    served = as_text((await client.get("/schema/openapi.json")).json())
    committed = (ROOT / COPY).read_text(encoding="utf-8")
    assert served == committed, readable_difference(committed, served)


def test_the_command_that_regenerates_the_copy_writes_what_the_app_serves(tmp_path: Path) -> None:
    written = tmp_path / "openapi.json"
    result = CliRunner().invoke(main, ["openapi", "-o", str(written)])
    assert result.exit_code == 0, result.output
    committed = (ROOT / COPY).read_text(encoding="utf-8")
    regenerated = written.read_text(encoding="utf-8")
    assert regenerated == committed, readable_difference(committed, regenerated)


def test_the_difference_is_shown_with_the_command_that_regenerates_the_copy() -> None:
    document = json.loads((ROOT / COPY).read_text(encoding="utf-8"))
    changed = {**document, "info": {**document["info"], "version": "2"}}
    message = readable_difference(as_text(document), as_text(changed))
    assert "make openapi" in message
    assert '-    "version": "1"' in message
    assert '+    "version": "2"' in message
