"""The embedded scheduler: nightly slots in Hanoi time, driven by an injected clock (no waiting)."""

import dataclasses
import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from jobs.runtime import JobsRuntime
from jobs.scheduler import MAX_SLEEP_SECONDS, Scheduler
from jobs.spec import Daily, Every
from jobs.tasks import TASKS
from taxoffice.calendar import VN_TZ
from taxoffice.config import Settings
from tests.jobs.helpers import runs_of, status_of, suspended_taxpayer


def hanoi(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 6) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, second, tzinfo=VN_TZ)


class FakeClock:
    def __init__(self, start: datetime.datetime) -> None:
        self.now = start

    def __call__(self) -> datetime.datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += datetime.timedelta(seconds=seconds)


def test_next_slot_in_hanoi_time() -> None:
    nightly = Daily(0, 30)
    # 17:29:59 UTC on 1 June is 00:29:59 on 2 June in Hanoi: the slot is one second away.
    assert nightly.next_after(datetime.datetime(2026, 6, 1, 17, 29, 59, tzinfo=datetime.UTC)) == datetime.datetime(
        2026, 6, 1, 17, 30, tzinfo=datetime.UTC
    )
    # At the slot itself, the next one is tomorrow's.
    assert nightly.next_after(hanoi(2, 0, 30)) == hanoi(3, 0, 30)
    assert nightly.next_after(hanoi(2, 23, 59)) == hanoi(3, 0, 30)
    # Across a month and a year end.
    assert Daily(3).next_after(hanoi(30, 4, month=6)) == hanoi(1, 3, month=7)
    assert Daily(2).next_after(datetime.datetime(2026, 12, 31, 20, tzinfo=VN_TZ)) == datetime.datetime(
        2027, 1, 1, 2, tzinfo=VN_TZ
    )
    assert nightly.next_after(hanoi(2, 1)).tzinfo == datetime.UTC


def test_slots_must_be_times_of_day() -> None:
    with pytest.raises(ValueError, match="24:00"):
        Daily(24)
    with pytest.raises(ValueError, match="01:60"):
        Daily(1, 60)


def test_every_nightly_job_has_its_own_slot() -> None:
    slots = [(spec.schedule.hour, spec.schedule.minute) for spec in TASKS.values() if isinstance(spec.schedule, Daily)]
    assert len(slots) == len(set(slots))
    assert TASKS["resume-suspensions"].schedule == Daily(0, 30)
    assert TASKS["decide-received"].schedule == Every(5)


def test_every_few_minutes_on_the_clock() -> None:
    five = Every(5)
    assert five.next_after(hanoi(2, 1, 0)) == hanoi(2, 1, 5)
    assert five.next_after(hanoi(2, 1, 4, 59)) == hanoi(2, 1, 5)
    assert five.next_after(hanoi(2, 23, 55)) == hanoi(3, 0, 0)
    assert five.next_after(hanoi(2, 1, 7)).tzinfo == datetime.UTC
    assert five.cron_minutes == {0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55}
    with pytest.raises(ValueError, match="7 minutes"):
        Every(7)


async def test_runs_each_slot_once_in_order_and_sleeps_until_the_next() -> None:
    ran: list[tuple[str, str]] = []

    async def run(name: str, as_of: str) -> None:
        ran.append((name, as_of))

    clock = FakeClock(hanoi(1, 23, 59, 30))
    schedule = {"accrue-interest": Daily(2), "reconcile-payments": Daily(1), "resume-suspensions": Daily(0, 30)}
    scheduler = Scheduler(schedule, run, clock=clock, sleep=clock.sleep)
    assert await scheduler.step() == MAX_SLEEP_SECONDS  # 31 minutes away: the sleep is capped
    clock.now = hanoi(2, 0, 29, 50)
    assert await scheduler.step() == 10.0
    assert ran == []
    clock.now = hanoi(2, 0, 30)
    assert await scheduler.step() == MAX_SLEEP_SECONDS
    assert ran == [("resume-suspensions", "2026-06-02")]
    assert await scheduler.step() == MAX_SLEEP_SECONDS
    assert ran == [("resume-suspensions", "2026-06-02")]
    # The process slept through 01:00 and 02:00: both run once, oldest slot first, for their slot's day.
    clock.now = hanoi(2, 5)
    await scheduler.step()
    assert ran[1:] == [("reconcile-payments", "2026-06-02"), ("accrue-interest", "2026-06-02")]
    assert scheduler.next_at == {
        "resume-suspensions": hanoi(3, 0, 30),
        "reconcile-payments": hanoi(3, 1),
        "accrue-interest": hanoi(3, 2),
    }


class Enough(Exception):  # noqa: N818 - a signal to stop the loop, not an error
    pass


async def test_run_forever_sleeps_through_three_nights() -> None:
    ran: list[tuple[str, str]] = []

    async def run(name: str, as_of: str) -> None:
        ran.append((name, as_of))

    clock = FakeClock(hanoi(1, 12))

    async def sleep(seconds: float) -> None:
        assert 0 <= seconds <= MAX_SLEEP_SECONDS
        if len(ran) == 3:
            raise Enough
        await clock.sleep(seconds)

    scheduler = Scheduler({"resume-suspensions": Daily(0, 30)}, run, clock=clock, sleep=sleep)
    with pytest.raises(Enough):
        await scheduler.run_forever()
    assert ran == [
        ("resume-suspensions", "2026-06-02"),
        ("resume-suspensions", "2026-06-03"),
        ("resume-suspensions", "2026-06-04"),
    ]
    assert clock.now == hanoi(4, 0, 30)


async def test_a_failing_job_does_not_stop_the_others() -> None:
    ran: list[str] = []

    async def run(name: str, as_of: str) -> None:
        ran.append(name)
        if name == "first":
            msg = "boom"
            raise RuntimeError(msg)

    clock = FakeClock(hanoi(2, 3))
    scheduler = Scheduler({"first": Daily(1), "second": Daily(2)}, run, clock=clock, sleep=clock.sleep)
    scheduler.plan(hanoi(2, 0))
    await scheduler.step()
    assert ran == ["first", "second"]


async def test_embedded_scheduler_records_its_runs(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession], session: AsyncSession
) -> None:
    taxpayer = await suspended_taxpayer(session, "0109300001")
    clock = FakeClock(hanoi(2, 0, 29))
    runtime = JobsRuntime(settings, session_factory, clock=clock)
    assert runtime.scheduler is not None
    runtime.scheduler.sleep = clock.sleep
    await runtime.scheduler.step()
    clock.now = hanoi(2, 0, 30, 5)
    await runtime.scheduler.step()
    [run] = await runs_of(session, "resume-suspensions")
    assert (run.status, run.origin, run.requested_by) == ("succeeded", "schedule", "system:schedule")
    assert run.as_of == datetime.date(2026, 6, 2)
    assert run.counts == {"resumed": 1}
    assert run.started_at == hanoi(2, 0, 30, 5)
    assert await status_of(session, taxpayer.tax_code) == "00"


def test_no_scheduler_here_when_redis_is_configured(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession], redis_url: str
) -> None:
    runtime = JobsRuntime(dataclasses.replace(settings, redis_url=redis_url), session_factory)
    assert runtime.scheduler is None
    assert runtime.in_process is None
