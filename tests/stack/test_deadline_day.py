"""``bench/deadline_day.py`` at a tiny rate against its own stack: the whole mix answered, nothing lost or doubled.

The stack is the production topology of ``taxoffice stack`` (two API processes, one worker, a replica); the run
lasts seconds. The figures themselves are the benchmark's business: this checks that its driver files every kind of
request without an error and that its exactly-once check finds every acknowledged return and payment once.
"""

from bench import deadline_day

TINY = ["--rate", "10", "--start-rate", "5", "--ramp", "2", "--steady", "5", "--warmup", "3", "--connections", "4"]


def test_a_tiny_deadline_day_loses_and_doubles_nothing() -> None:
    figures = deadline_day.run(deadline_day.parse_args([*TINY, "--pgbench-seconds", "1"]))
    assert figures.errors == 0
    assert figures.check.ok, figures.check.lines
    returns, payments = figures.check.lines[1], figures.check.lines[2]
    assert "0 missing, 0 stored more than once, 0 not as acknowledged" in returns
    assert " 0 acknowledged" not in returns
    assert " 0 acknowledged" not in payments
    assert figures.rate > 0
    assert figures.limit_tps > 0
