"""A client generated from the served OpenAPI document files a return and reads its receipt back.

openapi-python-client (pinned in constraints.txt) generates the client from ``/schema/openapi.json`` of a real
``taxoffice serve`` into a temporary folder; the test imports it and uses nothing else to talk to the office:
an officer logs in, registers a taxpayer, files last month's VAT return as JSON, then reads the return, the list
and the receipt notice back. Each step is bounded: the server must answer ``/health`` within 60 s, generation
within ``GENERATE_SECONDS``, every request within ``REQUEST_SECONDS``.
"""

import datetime
import importlib
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from taxoffice.clock import today_vn
from tests.browser.live import LiveOffice, live_office
from tests.filings.test_returns_api import vat_values

GENERATE_SECONDS = 180
REQUEST_SECONDS = 30
PACKAGE = "generated_taxoffice_client"
OFFICER, PASSWORD = "contract.officer", "contract-officer-2026"
# The generator's own ruff hooks are not run (the generated code is not ours to lint, and its ruff range need not
# be ours); files and PDFs come as bytes.
CONFIG = """\
post_hooks: []
content_type_overrides:
  application/pdf: application/octet-stream
  text/csv: application/octet-stream
  application/vnd.openxmlformats-officedocument.spreadsheetml.sheet: application/octet-stream
"""


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveOffice]:
    with live_office(tmp_path_factory.mktemp("office")) as running:
        running.cli(
            "users", "create", "--username", OFFICER, "--password", PASSWORD, "--role", "officer", "--tax-office", "HNI"
        )
        yield running


def generate_client(url: str, folder: Path) -> ModuleType:
    """The client openapi-python-client generates from the document at ``url``, imported."""
    (folder / "config.yaml").write_text(CONFIG, encoding="utf-8")
    generator = Path(sys.executable).with_name("openapi-python-client")
    command = [str(generator), "generate", "--url", url, "--config", "config.yaml", "--meta", "none"]
    done = subprocess.run(
        [*command, "--output-path", PACKAGE],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=GENERATE_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    import_unset_where_used(folder / PACKAGE)
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))


def import_unset_where_used(package: Path) -> list[Path]:
    """Add the import of ``Unset`` to the modules that use it without (the files patched).

    openapi-python-client 0.29.1 writes ``body: A | B | Unset = UNSET`` for a required body of several media types
    (our returns: JSON or a multipart file) without importing ``Unset``: its issue #1451, fixed by its open pull
    request #1478. Drop this once the pinned version has the fix (the test then finds nothing to patch).
    """
    patched = []
    for module in sorted(package.rglob("*.py")):
        text = module.read_text(encoding="utf-8")
        if "| Unset" in text and not re.search(r"^from \S+types import .*\bUnset\b", text, re.MULTILINE):
            depth = len(module.relative_to(package).parts)
            module.write_text(f"from {'.' * depth}types import Unset\n{text}", encoding="utf-8")
            patched.append(module)
    return patched


@pytest.fixture(scope="module")
def client_package(office: LiveOffice, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    package = generate_client(f"{office.url}/schema/openapi.json", tmp_path_factory.mktemp("client"))
    yield package
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


def _module(name: str) -> Any:  # noqa: ANN401 - a generated module, typed only at run time
    return importlib.import_module(f"{PACKAGE}.{name}")


def _last_month(today: datetime.date) -> str:
    previous = today.replace(day=1) - datetime.timedelta(days=1)
    return f"{previous.year}-{previous.month:02d}"


def test_a_generated_client_files_a_return_and_reads_its_receipt(
    office: LiveOffice, client_package: ModuleType
) -> None:
    models = _module("models")
    with client_package.Client(base_url=office.url, timeout=REQUEST_SECONDS) as anonymous:
        token = _module("api.auth.create_token").sync(
            client=anonymous, body=models.Credentials(username=OFFICER, password=PASSWORD)
        )
    assert isinstance(token, models.TokenResponse), token
    with client_package.AuthenticatedClient(
        base_url=office.url, token=token.access_token, timeout=REQUEST_SECONDS, raise_on_unexpected_status=True
    ) as client:
        _file_and_read_back(models, client)


def _file_and_read_back(models: Any, client: Any) -> None:  # noqa: ANN401 - generated types, known at run time

    registered = _module("api.registry.register_taxpayer").sync(
        client=client,
        body=models.TaxpayerCreate.from_dict(
            {
                "kind": "enterprise",
                "name": "Công ty TNHH Hợp Đồng Mở",
                "id_number": "0109777001",
                "address": {"street": "1 Tràng Tiền", "province": "Hà Nội"},
                "tax_office": "HNI",
                "registered_on": "2026-01-05",
            }
        ),
    )
    assert isinstance(registered, models.TaxpayerRead), registered

    period = _last_month(today_vn())
    submission = {"tax_code": registered.tax_code, "form": "01-GTGT", "period": period, "values": vat_values()}
    submit = _module("api.e_filing.submit_return")
    filed = submit.sync_detailed(client=client, body=models.SubmitReturnJsonReturnSubmission.from_dict(submission))
    assert filed.status_code == 201, filed.content
    receipt = filed.parsed
    assert isinstance(receipt, models.ReturnReceipt)
    assert (receipt.status, receipt.tax_payable, receipt.period) == ("accepted", 20_000_000, period)
    assert receipt.transaction_code

    detail = _module("api.e_filing.get_return").sync(client=client, return_id=receipt.id)
    assert isinstance(detail, models.ReturnDetail), detail
    assert (detail.id, detail.transaction_code, detail.status) == (receipt.id, receipt.transaction_code, "accepted")
    assert detail.values["ct40"] == 20_000_000

    listed = _module("api.e_filing.list_returns").sync(client=client, tax_code=registered.tax_code)
    assert [r.transaction_code for r in listed] == [receipt.transaction_code]

    pdf = _module("api.e_filing.get_return_receipt_pdf").sync_detailed(client=client, return_id=receipt.id)
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_a_problem_reaches_the_generated_client_as_its_type(office: LiveOffice, client_package: ModuleType) -> None:
    models = _module("models")
    with client_package.Client(base_url=office.url, timeout=REQUEST_SECONDS) as anonymous:
        refused = _module("api.auth.create_token").sync_detailed(
            client=anonymous, body=models.Credentials(username=OFFICER, password="not-the-password")
        )
    assert refused.status_code == 401
    assert isinstance(refused.parsed, models.Problem)
    assert refused.parsed.status == 401
