"""The ``taxoffice`` command."""

import datetime
from pathlib import Path

import click

from taxoffice.auth.roles import Principal
from taxoffice.cli_common import CLI_ACTOR as _CLI_ACTOR
from taxoffice.cli_common import run as _run
from taxoffice.cli_users import ADMIN_PASSWORD_FILE, users
from taxoffice.config import get_settings, masked_url, weak_secret_key
from taxoffice.stack.cli import stack


@click.group()
def main() -> None:
    """Tax office back office: registry, e-filing, accounts, arrears and reports."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="Server processes (PostgreSQL only).")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the back office over HTTP (SQLite: one process, whatever --workers says)."""
    from taxoffice.serving import ServeOptions  # noqa: PLC0415 - only the server needs uvicorn
    from taxoffice.serving import serve as run_server  # noqa: PLC0415 - only the server needs uvicorn

    settings = get_settings()
    if problem := weak_secret_key(settings):
        raise click.ClickException(problem)
    processes = 1 if settings.is_sqlite else max(1, workers)
    click.echo(
        f"Back office on http://{host}:{port}/  (open it in a browser; API docs: http://{host}:{port}/schema/swagger)"
    )
    click.echo(f"Database: {masked_url(settings.database_url)}; {processes} server process(es)")
    if ADMIN_PASSWORD_FILE.exists():
        click.echo(
            f"Log in as 'admin' with the password in {ADMIN_PASSWORD_FILE} (the page, or POST /api/v1/auth/token)."
        )
    try:
        status = run_server(ServeOptions(host=host, port=port, workers=processes))
    except OSError as exc:
        msg = f"Cannot listen on {host}:{port}: {exc.strerror or exc}"
        raise click.ClickException(msg) from exc
    if status:
        raise SystemExit(status)


@main.group()
def db() -> None:
    """Database schema, backup and restore."""


@db.command()
def upgrade() -> None:
    """Apply every migration not yet applied."""
    from taxoffice.migrations import upgrade_to_head  # noqa: PLC0415 - alembic only when migrating

    upgrade_to_head(get_settings().database_url)
    click.echo("Database schema is up to date.")


@db.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup_database(file: Path) -> None:
    """Write a backup of the database to FILE (SQLite: online backup API; PostgreSQL: pg_dump custom format)."""
    from taxoffice.backup import BackupError, backup  # noqa: PLC0415 - keeps `--help` fast

    try:
        outcome = backup(get_settings().database_url, file)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written and read back: {outcome.summary}")


@db.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="SQLite only: overwrite a database that has tables.")
def restore_database(file: Path, replace: bool) -> None:
    """Restore the backup FILE into the configured database, which must be empty; stop the server first."""
    from taxoffice.backup import BackupError, restore  # noqa: PLC0415 - keeps `--help` fast

    try:
        outcome = restore(get_settings().database_url, file, replace=replace)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored {outcome.summary} into {masked_url(get_settings().database_url)}")
    for name, count in (outcome.rows or {}).items():
        click.echo(f"  {name}: {count:,}")


@main.group()
def demo() -> None:
    """Demonstration data."""


_AS_OF_HELP = "The day the demo is as of (default: today in Hanoi); every date it uses lies before it."


@demo.command("load")
@click.option("--taxpayers", default=1000, show_default=True, type=click.IntRange(0, 20_000_000))
@click.option("--seed", default=2026, show_default=True, type=int)
@click.option("--as-of", "as_of", default=None, type=click.DateTime(formats=["%Y-%m-%d"]), help=_AS_OF_HELP)
def demo_load(taxpayers: int, seed: int, as_of: datetime.datetime | None) -> None:
    """Load synthetic taxpayers and the demo users (officer, manager, bank, taxpayer); once per database."""
    from taxoffice.clock import today_vn  # noqa: PLC0415 - keeps `--help` fast
    from taxoffice.commands import load_demo  # noqa: PLC0415 - keeps `--help` fast

    _run(load_demo(get_settings(), taxpayers, seed, as_of.date() if as_of else today_vn()))


@demo.command("activity")
@click.option("--filers", default=80, show_default=True, help="Monthly VAT enterprises that file and pay.")
@click.option("--months", default=24, show_default=True, help="Whole months before this one.")
@click.option("--seed", default=2026, show_default=True)
@click.option("--as-of", "as_of", default=None, type=click.DateTime(formats=["%Y-%m-%d"]), help=_AS_OF_HELP)
def demo_activity(filers: int, months: int, seed: int, as_of: datetime.datetime | None) -> None:
    """File VAT returns and bank payments for demo enterprises, then run the nightly jobs; once per database."""
    from taxoffice.clock import today_vn  # noqa: PLC0415 - keeps `--help` fast
    from taxoffice.demo_activity import load_activity  # noqa: PLC0415 - keeps `--help` fast

    today = as_of.date() if as_of else today_vn()
    counts = _run(load_activity(get_settings(), filers=filers, months=months, seed=seed, today=today))
    if counts.already_done:
        click.echo("The demo activity already ran on this database: nothing added.")
        return
    plans = "an instalment plan agreed with the demo taxpayer" if counts.plans else "no instalment plan"
    nightly = (
        "reconciled, interest accrued and arrears flagged (as of last year's end and today); "
        f"{plans}; {counts.published} debtors on the public list (/debtors)."
    )
    if counts.resumed:
        click.echo(f"The demo activity was interrupted after its filings and payments; finished it now: {nightly}")
        return
    click.echo(
        f"As of {today}: {counts.filers} filers, {counts.returns:,} returns ({counts.late_returns:,} late, "
        f"{counts.fines_decided:,} late-filing fines decided), "
        f"{counts.payments:,} payments ({counts.late_payments:,} late); {counts.applications} registration "
        f"applications and {counts.unmatched} unmatched payments waiting; {nightly}"
    )


@main.group()
def jobs() -> None:
    """Background jobs."""


@jobs.command("run")
@click.argument("name")
@click.option("--as-of", "as_of", default=None, type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--partitions", default=1, show_default=True, type=click.IntRange(min=1), help="Split by taxpayer.")
@click.option("--queue", is_flag=True, help="Put the partitions on the arq queue for the workers instead.")
def run_job(name: str, as_of: datetime.datetime | None, partitions: int, queue: bool) -> None:
    """Run a job now (e.g. resume-suspensions) for a date (default: today in Hanoi)."""
    from jobs.runner import run_job_now, run_parts_now  # noqa: PLC0415 - keeps `--help` fast

    day = as_of.date() if as_of else None
    actor = Principal.system("cli")
    if partitions > 1 or queue:
        work = run_parts_now(get_settings(), name, day, partitions, actor, queue=queue)
    else:
        work = run_job_now(get_settings(), name, day, actor)
    run_id, counts = _run(work)
    figures = ", ".join(f"{key}={value}" for key, value in counts.items()) or "nothing to do"
    click.echo(f"{name}: {figures} (run {run_id})")


@main.command()
def worker() -> None:
    """Run background jobs from Redis (production; needs TAXOFFICE_REDIS_URL)."""
    settings = get_settings()
    if not settings.redis_url:
        msg = (
            "TAXOFFICE_REDIS_URL is not set: the worker takes jobs from Redis. Without Redis, jobs run "
            "inside `taxoffice serve` on their nightly schedule, or now with `taxoffice jobs run NAME`."
        )
        raise click.ClickException(msg)
    from jobs.worker import run  # noqa: PLC0415 - arq only in the worker

    click.echo(f"Worker on {masked_url(settings.redis_url)}, database {masked_url(settings.database_url)}")
    run(settings)


@main.group()
def payments() -> None:
    """Payments from banks and the State Treasury."""


@payments.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_payments(file: Path) -> None:
    """Import a bank statement (CSV or XLSX, columns in docs/payments-import.md), row by row."""
    from taxoffice.accounts.cli import import_file  # noqa: PLC0415 - keeps `--help` fast

    outcome = _run(import_file(get_settings(), file, Principal.system("payments-import")))
    click.echo(
        f"{file.name}: {outcome.imported} imported ({outcome.unmatched} unmatched), "
        f"{outcome.duplicates} duplicates, {outcome.rejected_count} rejected"
    )
    if outcome.rejected_count:
        by_column = ", ".join(f"{column} {count}" for column, count in outcome.rejected_by_column.most_common())
        click.echo(f"  rejected by the first column at fault: {by_column}")
    for row, reason in outcome.rejected:
        click.echo(f"  row {row}: {reason}")
    if outcome.rejected_count > len(outcome.rejected):
        click.echo(f"  … and {outcome.rejected_count - len(outcome.rejected)} more")


_DATE = click.DateTime(formats=["%Y-%m-%d"])


@main.command()
@click.argument("name")
@click.option("--format", "file_format", type=click.Choice(["json", "csv", "xlsx"]), default="xlsx", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--from", "start", type=_DATE, default=None, help="First day (default: 1 January of --to's year).")
@click.option("--to", "end", type=_DATE, default=None, help="Last day (default: today).")
@click.option("--period", default="month", show_default=True, help="month, quarter or year.")
@click.option("--group-by", default=None, help="Comma list, e.g. tax_type,tax_office.")
@click.option("--tax-office", default=None)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option("--as-of", "as_of", type=_DATE, default=None, help="arrears: the day of the stock.")
@click.option("--section", default=None, help="csv: which section (default: the first).")
def report(
    name: str,
    file_format: str,
    output: Path,
    start: datetime.datetime | None,
    end: datetime.datetime | None,
    period: str,
    group_by: str | None,
    tax_office: str | None,
    lang: str,
    as_of: datetime.datetime | None,
    section: str | None,
) -> None:
    """Write report NAME (taxpayer-growth, collections, arrears, compliance) to a file."""
    from taxoffice.reports.cli import ReportOptions, write_report  # noqa: PLC0415 - keeps `--help` fast
    from taxoffice.reports.services import FileFormat  # noqa: PLC0415 - keeps `--help` fast

    options = ReportOptions(
        start=start.date() if start else None,
        end=end.date() if end else None,
        period=period,
        group_by=group_by,
        tax_office=tax_office,
        lang=lang,
        as_of=as_of.date() if as_of else None,
        section=section,
    )
    rendered = _run(write_report(get_settings(), name, FileFormat(file_format), output, options))
    click.echo(f"{name}: {len(rendered.content):,} bytes written to {output}")


@main.group()
def targets() -> None:
    """Annual collection targets (the collections report and the dashboard show progress against them)."""


@targets.command("set")
@click.option("--year", required=True, type=int)
@click.option("--amount", required=True, type=int, help="In đồng (digits; 50_000_000_000 reads too).")
@click.option("--tax-office", default="", help="A tax office's code (default: the whole department).")
@click.option("--tax-type", default="", type=click.Choice(["", "VAT", "CIT", "PIT"]), help="Default: every tax.")
def set_target(year: int, amount: int, tax_office: str, tax_type: str) -> None:
    """Set (or change) the target of YEAR for an office and a tax type (checked as the API checks it)."""
    import msgspec  # noqa: PLC0415 - keeps `--help` fast

    from taxoffice.reports.cli import set_target as run  # noqa: PLC0415 - keeps `--help` fast
    from taxoffice.reports.schemas import TargetSet  # noqa: PLC0415 - keeps `--help` fast

    given = {"year": year, "amount": amount, "tax_office": tax_office, "tax_type": tax_type}
    try:
        target = msgspec.convert(given, TargetSet)
    except msgspec.ValidationError as exc:
        raise click.BadParameter(str(exc)) from exc
    kept = _run(run(get_settings(), target, _CLI_ACTOR))
    where = kept.tax_office or "whole department"
    click.echo(f"Target {kept.year} ({where}, {kept.tax_type or 'all taxes'}): {kept.amount:,} đồng.")


@targets.command("list")
@click.option("--year", required=True, type=click.IntRange(2000, 2100))
def list_targets(year: int) -> None:
    """The targets of YEAR."""
    from taxoffice.reports.cli import list_targets as run  # noqa: PLC0415 - keeps `--help` fast

    kept = _run(run(get_settings(), year))
    if not kept:
        click.echo(f"No target set for {year}.")
    for target in kept:
        where = target.tax_office or "whole department"
        click.echo(
            f"{target.year}  {where}  {target.tax_type or 'all taxes'}  {target.amount:,} đồng  (by {target.set_by})"
        )


main.add_command(users)
main.add_command(stack)


@main.command("openapi")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout.")
def openapi(output: Path | None) -> None:
    """The API's OpenAPI document as JSON (`make openapi` refreshes the committed docs/openapi.json)."""
    from taxoffice.contract import as_text, openapi_document  # noqa: PLC0415 - keeps `--help` fast

    text = as_text(openapi_document())
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output}.")


if __name__ == "__main__":
    main()
