"""Roles and the authenticated principal (pure: no I/O)."""

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a user may do."""

    ADMIN = "admin"
    MANAGER = "manager"
    OFFICER = "officer"
    TAXPAYER = "taxpayer"
    BANK = "bank"


STAFF = frozenset({Role.ADMIN, Role.MANAGER, Role.OFFICER})


@dataclass(frozen=True)
class Principal:
    """Who is acting: a logged-in user, or an anonymous member of the public."""

    user_id: int | None
    username: str
    role: Role | None
    tax_code: str | None = None
    tax_office: str | None = None

    @classmethod
    def anonymous(cls, label: str = "public") -> "Principal":
        """Somebody without an account (e.g. submitting a registration application)."""
        return cls(user_id=None, username=f"anonymous:{label}", role=None)

    @classmethod
    def system(cls, job: str) -> "Principal":
        """A background job or the command line."""
        return cls(user_id=None, username=f"system:{job}", role=Role.ADMIN)

    @property
    def is_staff(self) -> bool:
        """Admins, managers and officers."""
        return self.role in STAFF

    def may_act_for_office(self, tax_office: str | None) -> bool:
        """Officers act on the records of their own tax office only; other staff (and jobs) on every office.

        An officer without a tax office acts for none. Tax offices are flat codes (``HNI``, ``HCM`` …): there is no
        notion of a sub-office in the registry, so "its own office" is the one code on the officer's login.
        """
        if self.role is not Role.OFFICER:
            return True
        return self.tax_office is not None and self.tax_office == tax_office

    def may_see_taxpayer(self, tax_code: str) -> bool:
        """Staff see every taxpayer; a taxpayer sees its own tax code (and its branches)."""
        if self.is_staff:
            return True
        if self.role is Role.TAXPAYER and self.tax_code:
            return tax_code == self.tax_code or tax_code.startswith(f"{self.tax_code}-")
        return False
