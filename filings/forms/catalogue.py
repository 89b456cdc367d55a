"""The forms the office receives, as dated versions (DOMAIN.md §0, §3). Pure.

A new version of a form is a new :class:`FormVersion` with a later ``valid_from`` (and the old one's ``valid_to``
set to the day before): returns are checked against the version in force at the end of their period.
"""

import datetime
from collections.abc import Collection, Sequence

from filings.forms.cit_2021 import CIT_03_TNDN_TT80
from filings.forms.cit_2025 import CIT_03_TNDN
from filings.forms.model import FormVersion
from filings.forms.pit import PIT_05_KK_TNCN, PIT_05_KK_TNCN_TT92
from filings.forms.vat import VAT_01_GTGT_TT26, VAT_01_GTGT_TT80

VAT_01_GTGT = VAT_01_GTGT_TT80

CATALOGUE: tuple[FormVersion, ...] = (
    VAT_01_GTGT_TT26,
    VAT_01_GTGT_TT80,
    PIT_05_KK_TNCN_TT92,
    PIT_05_KK_TNCN,
    CIT_03_TNDN_TT80,
    CIT_03_TNDN,
)


class UnknownFormError(KeyError):
    """No such form, or no version of it in force on the date asked."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown form"


def all_forms(catalogue: Sequence[FormVersion] = CATALOGUE) -> list[FormVersion]:
    """Every version of every form: past, current and announced."""
    return sorted(catalogue, key=lambda f: (f.code, f.valid_from))


def _in_force(matches: list[FormVersion], asked: str, on: datetime.date) -> FormVersion:
    if not matches:
        raise UnknownFormError(f"there is no form {asked!r}")
    for version in matches:
        if version.in_force_on(on):
            return version
    raise UnknownFormError(f"form {asked!r} has no version in force on {on.isoformat()}")


def find_form(slug_or_code: str, on: datetime.date, catalogue: Sequence[FormVersion] = CATALOGUE) -> FormVersion:
    """The version of a form in force on ``on``, by slug (``01-GTGT``) or code (``01/GTGT``), in any case.

    Raises:
        UnknownFormError: no such form, or no version of it in force that day.
    """
    key = slug_or_code.strip().upper()
    return _in_force([f for f in catalogue if key in {f.code.upper(), f.slug.upper()}], slug_or_code, on)


def find_by_htkk(htkk_code: str, on: datetime.date, catalogue: Sequence[FormVersion] = CATALOGUE) -> FormVersion:
    """The version of a form in force on ``on``, by its HTKK code (``maTKhai``, e.g. ``842``).

    Raises:
        UnknownFormError: no such form, or no version of it in force that day.
    """
    key = htkk_code.strip()
    return _in_force([f for f in catalogue if f.htkk_code == key], htkk_code, on)


def _layout_named(versions: Sequence[FormVersion], filed: Collection[str]) -> FormVersion | None:
    """Of versions sharing a form code, the one whose own indicators (those no other has) the file names, if one.

    03/TNDN keeps HTKK code 892 across its generations: a file tells its generation by the boxes it carries (``ctC7``
    up to the 2024 tax year, ``ctC7_thuNhap``/``ctC7_thueSuat`` from 2025).
    """
    if len(versions) < 2 or not filed:  # noqa: PLR2004 - one version has nothing to tell apart
        return None
    names = set(filed)
    named = []
    for version in versions:
        others = {i.code for other in versions if other is not version for i in other.indicators}
        if names & ({i.code for i in version.indicators} - others):
            named.append(version)
    return named[0] if len(named) == 1 else None


def find_filed_version(
    htkk_code: str, on: datetime.date, catalogue: Sequence[FormVersion] = CATALOGUE, filed: Collection[str] = ()
) -> tuple[FormVersion, FormVersion | None]:
    """The version a file's form code names, for a period ending ``on``, and the version in force when it is another.

    ``(version, None)`` when the file is on the version in force on ``on``; otherwise ``(the version it is on, the
    form's version in force)``, so that the return can be rejected with a rule naming both, as the authority does,
    rather than refused as unreadable. The version a file is on is the one its code names; where versions share a
    code, the one whose own indicators are among ``filed`` (the file's indicator names), else the code's version
    in force or nearest in time.

    Raises:
        UnknownFormError: no version has that code, or no version of its form is in force on ``on``.
    """
    key = htkk_code.strip()
    versions = sorted((f for f in catalogue if f.htkk_code == key), key=lambda f: f.valid_from)
    if not versions:
        raise UnknownFormError(f"there is no form {htkk_code!r}")
    named = _layout_named(versions, filed)
    for version in versions:
        if version.in_force_on(on):
            return (version, None) if named in {None, version} else (named, version)
    current = find_form(versions[0].code, on, catalogue)
    nearest = versions[-1] if versions[-1].valid_from <= on else versions[0]
    return named or nearest, current


def forms_for_tax_type(
    tax_type: str, on: datetime.date, catalogue: Sequence[FormVersion] = CATALOGUE
) -> list[FormVersion]:
    """The versions in force on ``on`` of the forms for a tax type (``VAT``, ``PIT``, ``CIT``)."""
    key = tax_type.strip().upper()
    return sorted((f for f in catalogue if f.tax_type == key and f.in_force_on(on)), key=lambda f: f.code)
