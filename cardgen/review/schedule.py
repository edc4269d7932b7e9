"""Time and FSRS settings for the review session: the clock, the scheduler, local days.

Every time the quiz stores or compares is an aware UTC datetime (fsrs refuses
anything else). Only two things use the local time zone of the process: the
calendar day that the daily new-card limit counts ("today"), and the times shown
to the user. Tests pin the clock with `CARDGEN_NOW` and turn fuzzing off with
`CARDGEN_FUZZ=0`; library callers pass `now=` and `fuzz=` instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from fsrs import Scheduler

from cardgen.errors import UsageError
from cardgen.lang import Translator, translator

Clock = Callable[[], datetime]

NOW_ENV = "CARDGEN_NOW"
FUZZ_ENV = "CARDGEN_FUZZ"
DESIRED_RETENTION = 0.9
# The times a fixed clock may show. The store writes four-digit years, FSRS schedules up
# to a century ahead and the statistics look a month back, all in the local time zone.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
# Anki's default "learn ahead limit": a card in its (re)learning steps that falls
# due within this window is shown again before the session ends.
LEARN_AHEAD = timedelta(minutes=20)


def system_clock() -> datetime:
    return datetime.now(UTC)


def clock_from_env(environ: dict[str, str] | None = None) -> Clock:
    """A fixed clock when CARDGEN_NOW holds an ISO time with an offset, else the system clock."""
    value = (os.environ if environ is None else environ).get(NOW_ENV, "").strip()
    if not value:
        return system_clock
    fixed = parse_utc(value, NOW_ENV)
    if not EARLIEST <= fixed < LATEST:
        raise UsageError(f"{NOW_ENV}: '{value}' is out of range; give a time from {EARLIEST.year} to {LATEST.year - 1}")
    return lambda: fixed


def parse_utc(value: str, what: str) -> datetime:
    """An ISO 8601 time with an explicit offset (or Z), as aware UTC."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise UsageError(f"{what}: '{value}' is not an ISO 8601 time such as 2024-05-01T09:00:00Z") from None
    if parsed.tzinfo is None:
        raise UsageError(f"{what}: '{value}' has no time zone; add 'Z' or an offset such as +09:00")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+09:00 is before the first moment Python knows
        raise UsageError(f"{what}: '{value}' is out of range") from None


def fuzz_from_env(environ: dict[str, str] | None = None) -> bool:
    """Fuzzing is on unless CARDGEN_FUZZ is 0/false/no/off."""
    value = (os.environ if environ is None else environ).get(FUZZ_ENV, "1").strip().lower()
    return value not in ("0", "false", "no", "off")


def make_scheduler(fuzz: bool = True) -> Scheduler:
    return Scheduler(desired_retention=DESIRED_RETENTION, enable_fuzzing=fuzz)


def local_day(moment: datetime) -> date:
    """The calendar day of MOMENT in the process's local time zone."""
    return moment.astimezone().date()


def local_midnight_utc(day: date) -> datetime:
    """The UTC instant at which local DAY begins."""
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


def describe_due(due: datetime, now: datetime, t: Translator | None = None) -> str:
    """'now', or the local date and time with 'in 10 minutes', 'in 3 days' (in T's language)."""
    t = t or translator("en")
    delta = due - now
    if delta <= timedelta(0):
        return t._("now")
    local = due.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"{local} ({in_words(delta, t)})"


def in_words(delta: timedelta, t: Translator | None = None) -> str:
    t = t or translator("en")
    seconds = int(delta.total_seconds())
    if seconds >= 86400:
        return t.n_("in {n} day", "in {n} days", round(seconds / 86400))
    if seconds >= 3600:
        return t.n_("in {n} hour", "in {n} hours", round(seconds / 3600))
    if seconds >= 60:
        return t.n_("in {n} minute", "in {n} minutes", round(seconds / 60))
    return t._("in under a minute")


def short_interval(delta: timedelta, t: Translator | None = None) -> str:
    """A compact interval for grade buttons: <1m, 10m, 3h, 8d, 2mo, 1.5y (in T's language)."""
    t = t or translator("en")
    minutes = delta.total_seconds() / 60
    if minutes < 1:
        return t._("<1m")
    if minutes < 60:
        return t._("{n}m", n=round(minutes))
    hours = minutes / 60
    if hours < 24:
        return t._("{n}h", n=round(hours))
    days = hours / 24
    if days < 30:
        return t._("{n}d", n=round(days))
    if days < 365:
        return t._("{n}mo", n=round(days / 30))
    return t._("{n}y", n=f"{days / 365:.1f}")
