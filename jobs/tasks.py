"""Job functions: thin, primitive arguments (arq pickles them), one service call each, counts returned.

The same functions run under arq (``taxoffice worker``) and in-process (the embedded default, ``jobs run``).
``ctx["session_factory"]`` is an ``async_sessionmaker``; ``ctx["settings"]`` the settings.
Every run is recorded (``jobs/recording.py``) and may run twice (arq retries): each function is idempotent.

Adding a job is one entry in ``TASKS`` below: name, function, nightly slot, time limit, tries.
"""

import datetime
from typing import Any

from filings.documents import notice_attachment, receipt_attachment
from filings.mailing import NOTICE_MAIL, RECEIPT_MAIL
from filings.sweeper import decide_received as sweep_received
from jobs.spec import Daily, Every, JobSpec
from registry.services import TaxpayerService
from taxoffice.accounts.accrual import accrue_interest as accrue
from taxoffice.accounts.reconcile import Reconciler
from taxoffice.arrears.flagging import flag_arrears as flag
from taxoffice.arrears.notice_pdf import DEBT_NOTICE_MAIL, debt_notice_attachment
from taxoffice.auth.roles import Principal
from taxoffice.auth.throttle import forget_stale
from taxoffice.clock import clock_of, job_day
from taxoffice.jobruns.housekeeping import forget_idle_runs as forget_idle
from taxoffice.mail.sending import MailSender, Renderer
from taxoffice.mail.smtp import SmtpServer
from taxoffice.reports.monthly import keep_monthly_reports


async def resume_suspensions(ctx: dict[str, Any], as_of: str | None = None) -> dict[str, int]:
    """Return taxpayers whose temporary suspension (status 05) has ended to status 00."""
    day = job_day(ctx, as_of)
    async with ctx["session_factory"]() as session:
        resumed = await TaxpayerService(session).resume_suspensions(Principal.system("resume-suspensions"), day)
        await session.commit()
    return {"resumed": resumed}


async def reconcile_payments(ctx: dict[str, Any], as_of: str | None = None) -> dict[str, int]:
    """Apply every payment holding money to its taxpayer's open debts, in the legal order."""
    day = job_day(ctx, as_of)
    counts = await Reconciler(ctx["session_factory"], as_of=day, clock=clock_of(ctx)).run(
        f"reconcile:{day.isoformat()}"
    )
    return counts.as_dict()


async def accrue_interest(ctx: dict[str, Any], as_of: str | None = None) -> dict[str, int]:
    """Record the late-payment interest accrued and unpaid on every tax charge as of the day."""
    counts = await accrue(ctx["session_factory"], job_day(ctx, as_of), clock=clock_of(ctx))
    return counts.as_dict()


async def flag_arrears(ctx: dict[str, Any], as_of: str | None = None) -> dict[str, int]:
    """Open, update and close arrears cases as of the day: the debtors changed since the last successful run."""
    counts = await flag(ctx["session_factory"], job_day(ctx, as_of))
    return counts.as_dict()


async def monthly_reports(ctx: dict[str, Any], as_of: str | None = None) -> dict[str, int]:
    """Generate and keep last month's reports (XLSX) once, for download; later runs of the month find them kept."""
    day = job_day(ctx, as_of)
    async with ctx["session_factory"]() as session:
        counts = await keep_monthly_reports(session, day, generated_by="job:monthly-reports", now=clock_of(ctx)())
        await session.commit()
    return counts.as_dict()


async def decide_received(ctx: dict[str, Any], as_of: str | None = None) -> dict[str, int]:  # noqa: ARG001 - no date
    """Decide every return left received (its decision interrupted) for longer than the grace period."""
    now = clock_of(ctx)()
    counts = await sweep_received(ctx["session_factory"], now=now)
    return counts.as_dict()


async def forget_login_attempts(ctx: dict[str, Any], as_of: str | None = None) -> dict[str, int]:  # noqa: ARG001
    """Delete the login and password-reset counters older than the throttle's window and not backing off."""
    async with ctx["session_factory"]() as session:
        forgotten = await forget_stale(session, ctx["settings"], clock_of(ctx)())
        await session.commit()
    return {"forgotten": forgotten}


async def forget_idle_runs(ctx: dict[str, Any], as_of: str | None = None) -> dict[str, int]:  # noqa: ARG001 - no date
    """Delete the week-old runs of the every-few-minutes jobs that succeeded with nothing to do."""
    tasks: dict[str, JobSpec] = ctx.get("tasks", TASKS)
    frequent = [name for name, spec in tasks.items() if isinstance(spec.schedule, Every)]
    async with ctx["session_factory"]() as session:
        forgotten = await forget_idle(session, frequent, clock_of(ctx)())
        await session.commit()
    return {"forgotten": forgotten}


# The PDFs the e-mails attach, by the kind their outbox reference names (``return-receipt:42``).
ATTACHMENTS: dict[str, Renderer] = {
    RECEIPT_MAIL: receipt_attachment,
    NOTICE_MAIL: notice_attachment,
    DEBT_NOTICE_MAIL: debt_notice_attachment,
}


async def send_mail(ctx: dict[str, Any], as_of: str | None = None) -> dict[str, int]:  # noqa: ARG001 - no date
    """Send the outbox's due messages through ``TAXOFFICE_SMTP_URL``; without it they wait in the outbox."""
    settings = ctx["settings"]
    if not settings.smtp_url:
        return {"claimed": 0, "sent": 0, "failed": 0}
    now = clock_of(ctx)()
    sender = MailSender(ctx["session_factory"], SmtpServer.from_url(settings.smtp_url), settings.mail_from, ATTACHMENTS)
    return (await sender.run(now)).as_dict()


# Job name (CLI, API, arq function name) → what runs, when (Hanoi time), how long at most, how many tries.
# Nightly slots run in this order: forget-login-attempts 00:15, forget-idle-runs 00:20, resume-suspensions 00:30, reconcile-payments 01:00,
# accrue-interest 02:00, flag-arrears 03:00, monthly-reports 04:00 (acts once a month: last month's files);
# decide-received runs every five minutes, send-mail every minute.
TASKS: dict[str, JobSpec] = {
    "forget-login-attempts": JobSpec(
        forget_login_attempts, Daily(0, 15), timeout=datetime.timedelta(minutes=15), max_tries=3
    ),
    "forget-idle-runs": JobSpec(forget_idle_runs, Daily(0, 20), timeout=datetime.timedelta(minutes=15), max_tries=3),
    "resume-suspensions": JobSpec(
        resume_suspensions, Daily(0, 30), timeout=datetime.timedelta(minutes=15), max_tries=3
    ),
    "reconcile-payments": JobSpec(reconcile_payments, Daily(1, 0), timeout=datetime.timedelta(minutes=30), max_tries=3),
    "accrue-interest": JobSpec(accrue_interest, Daily(2, 0), timeout=datetime.timedelta(minutes=30), max_tries=3),
    "flag-arrears": JobSpec(flag_arrears, Daily(3, 0), timeout=datetime.timedelta(minutes=30), max_tries=3),
    "monthly-reports": JobSpec(monthly_reports, Daily(4, 0), timeout=datetime.timedelta(minutes=30), max_tries=3),
    # Every five minutes, day and night: a return whose decision was interrupted is decided minutes later.
    "decide-received": JobSpec(decide_received, Every(5), timeout=datetime.timedelta(minutes=10), max_tries=3),
    # Every minute: receipts and notices reach the taxpayer within a minute or two of the event.
    "send-mail": JobSpec(send_mail, Every(1), timeout=datetime.timedelta(minutes=10), max_tries=3),
}
