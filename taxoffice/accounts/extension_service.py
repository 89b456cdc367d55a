"""Granting, listing and revoking payment extensions (``payment_extension``), with the audit trail.

Two ways in (docs/accounts.md, "Payment extensions"):

- ``apply_decree``: an officer records a taxpayer's request under a yearly decree; every tax charge of the
  taxpayer that the decree covers (tax, period, enterprise or household) gets its extended deadline. A request
  after the decree's last day extends nothing (422). The sector condition is the taxpayer's own declaration in
  the request (the registry holds no sector code); the office revokes an extension when it finds otherwise.
- ``decide``: the head of the office (a manager) extends one charge under Law 38/2019 Art. 62 (force majeure: at
  most 2 years from the deadline; relocation: 1 year), for the whole charge.

Revoking (``revoke``) makes the extension count for nothing: interest is owed as if it had never been granted.
"""

import datetime
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from registry.models import Taxpayer
from registry.services import require_office
from taxoffice.accounts import extensions
from taxoffice.accounts.models import Charge, PaymentExtension
from taxoffice.accounts.vocabulary import ChargeKind
from taxoffice.auth.audit import record
from taxoffice.auth.roles import Principal
from taxoffice.errors import ConflictError, FieldError, ResourceNotFoundError, ValidationFailedError


@dataclass(frozen=True, slots=True)
class Decision:
    """An Art. 62 decision: which charge, to when, on what ground, under what decision number."""

    charge_id: int
    extended_to: datetime.date
    ground: str
    reference: str
    requested_on: datetime.date
    note: str = ""


def _refuse(field: str, code: str, message: str) -> ValidationFailedError:
    return ValidationFailedError(message, errors=[FieldError(field, code, message)])


class ExtensionService:
    """Payment extensions of taxpayers."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _taxpayer(self, actor: Principal, tax_code: str) -> Taxpayer:
        taxpayer = await self.session.scalar(select(Taxpayer).where(Taxpayer.tax_code == tax_code))
        if taxpayer is None or not actor.may_see_taxpayer(tax_code):
            msg = f"No taxpayer is registered under {tax_code}."
            raise ResourceNotFoundError(msg)
        return taxpayer

    async def listed(self, actor: Principal, tax_code: str) -> list[PaymentExtension]:
        """Every extension of the taxpayer, standing or revoked, by deadline."""
        taxpayer = await self._taxpayer(actor, tax_code)
        rows = await self.session.scalars(
            select(PaymentExtension)
            .where(PaymentExtension.taxpayer_id == taxpayer.id)
            .order_by(PaymentExtension.due_on, PaymentExtension.id)
        )
        return list(rows)

    async def _standing(self, charge_ids: list[int]) -> set[int]:
        rows = await self.session.scalars(
            select(PaymentExtension.charge_id).where(
                PaymentExtension.charge_id.in_(charge_ids), PaymentExtension.revoked_on.is_(None)
            )
        )
        return set(rows)

    async def apply_decree(
        self, actor: Principal, tax_code: str, number: str, requested_on: datetime.date, today: datetime.date
    ) -> list[PaymentExtension]:
        """Extend every charge of the taxpayer that decree ``number`` covers; returns the new extensions.

        Raises:
            ValidationFailedError: unknown decree, request after its last day or in the future.
            ResourceNotFoundError: no such taxpayer (or not visible to ``actor``).
            ForbiddenError: an officer of another office.
        """
        taxpayer = await self._taxpayer(actor, tax_code)
        require_office(actor, taxpayer.tax_office, "taxpayers")
        try:
            decree = extensions.decree(number)
        except KeyError:
            raise _refuse("decree", "decree.unknown", f"No extension decree {number} is known.") from None
        if requested_on > today:
            raise _refuse("requested_on", "requested_on.future", "The request cannot be dated after today.")
        if extensions.request_is_late(decree, requested_on):
            msg = f"Decree {decree.number} takes requests until {decree.request_by}; this one is dated {requested_on}."
            raise _refuse("requested_on", "requested_on.late", msg)
        beneficiary = extensions.BENEFICIARY_OF_KIND.get(taxpayer.kind, extensions.Beneficiary.ENTERPRISE)
        charges = list(
            await self.session.scalars(
                select(Charge)
                .where(Charge.taxpayer_id == taxpayer.id, Charge.kind == ChargeKind.TAX.value, Charge.amount > 0)
                .order_by(Charge.id)
            )
        )
        taken = await self._standing([charge.id for charge in charges])
        granted: list[PaymentExtension] = []
        for charge in charges:
            extended_to = extensions.extended_due(decree, charge.tax_type, charge.period, beneficiary, charge.due_on)
            if extended_to is None or charge.id in taken:
                continue
            granted.append(
                PaymentExtension(
                    taxpayer_id=taxpayer.id,
                    charge_id=charge.id,
                    due_on=charge.due_on,
                    extended_to=extended_to,
                    basis="decree",
                    reference=decree.number,
                    requested_on=requested_on,
                    granted_by=actor.username,
                )
            )
        self.session.add_all(granted)
        await self.session.flush()
        data = {"decree": decree.number, "requested_on": requested_on.isoformat(), "charges": len(granted)}
        await record(self.session, actor, "extension.decree", "taxpayer", taxpayer.id, data)
        return granted

    async def decide(
        self, actor: Principal, tax_code: str, decision: Decision, today: datetime.date
    ) -> PaymentExtension:
        """Extend one charge by an Art. 62 decision of the head of the office.

        Raises:
            ValidationFailedError: unknown ground, a date not after the deadline or past the legal limit.
            ResourceNotFoundError: no such taxpayer or tax charge of it.
            ConflictError: the charge already has a standing extension.
        """
        taxpayer = await self._taxpayer(actor, tax_code)
        require_office(actor, taxpayer.tax_office, "taxpayers")
        charge = await self.session.get(Charge, decision.charge_id)
        if charge is None or charge.taxpayer_id != taxpayer.id or charge.kind != ChargeKind.TAX.value:
            msg = f"{tax_code} has no tax charge {decision.charge_id}."
            raise ResourceNotFoundError(msg)
        if decision.ground not in extensions.CASE_GROUNDS:
            grounds = ", ".join(extensions.CASE_GROUNDS)
            raise _refuse("ground", "ground.unknown", f"Art. 62.1 grounds are {grounds}, not {decision.ground!r}.")
        latest = extensions.latest_case_extension(decision.ground, charge.due_on)
        if not charge.due_on < decision.extended_to <= latest:
            msg = (
                f"A {decision.ground} extension of a debt due {charge.due_on} runs to a date after it and "
                f"{latest} at the latest (Art. 62.3), not {decision.extended_to}."
            )
            raise _refuse("extended_to", "extended_to.out_of_range", msg)
        if decision.requested_on > today:
            raise _refuse("requested_on", "requested_on.future", "The request cannot be dated after today.")
        if await self._standing([charge.id]):
            msg = f"Charge {charge.id} already has a standing extension; revoke it first."
            raise ConflictError(msg)
        extension = PaymentExtension(
            taxpayer_id=taxpayer.id,
            charge_id=charge.id,
            due_on=charge.due_on,
            extended_to=decision.extended_to,
            basis="decision",
            reference=decision.reference,
            ground=decision.ground,
            requested_on=decision.requested_on,
            granted_by=actor.username,
            note=decision.note,
        )
        self.session.add(extension)
        await self.session.flush()
        data = {"charge_id": charge.id, "extended_to": decision.extended_to.isoformat(), "ground": decision.ground}
        await record(self.session, actor, "extension.decide", "payment_extension", extension.id, data)
        return extension

    async def revoke(self, actor: Principal, extension_id: int, reason: str, today: datetime.date) -> PaymentExtension:
        """Revoke a standing extension (the taxpayer was not eligible): interest is owed for the whole time.

        Raises:
            ResourceNotFoundError: no such extension visible to ``actor``.
            ConflictError: already revoked.
        """
        extension = await self.session.get(PaymentExtension, extension_id)
        taxpayer = None if extension is None else await self.session.get(Taxpayer, extension.taxpayer_id)
        if extension is None or taxpayer is None or not actor.may_see_taxpayer(taxpayer.tax_code):
            msg = f"No payment extension has the id {extension_id}."
            raise ResourceNotFoundError(msg)
        require_office(actor, taxpayer.tax_office, "taxpayers")
        if extension.revoked_on is not None:
            msg = f"Extension {extension_id} was revoked on {extension.revoked_on}."
            raise ConflictError(msg)
        extension.revoked_on = today
        extension.note = f"{extension.note} Thu hồi: {reason}".strip()[:300]
        await self.session.flush()
        await record(self.session, actor, "extension.revoke", "payment_extension", extension.id, {"reason": reason})
        return extension
