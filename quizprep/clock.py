"""Time in one place: the user's zone, local days, and the interview moment.

Everything below takes the moment it works on; only `utc_now` and `local_zone`
read the real clock, and only the CLI calls them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone, tzinfo

INTERVIEW_TIME = time(9, 0)  # when an interview date is given without a time
MAX_YEARS_AHEAD = 5


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def local_zone() -> tzinfo:
    """The zone of this machine's local time."""
    return datetime.now().astimezone().tzinfo or timezone.utc


def local_day(now: datetime, tz: tzinfo | None) -> date:
    return now.astimezone(tz or timezone.utc).date()


def day_start(now: datetime, tz: tzinfo | None) -> datetime:
    """Start of the local day that contains `now`, in UTC (daily limits count from here)."""
    zone = tz or timezone.utc
    local = now.astimezone(zone)
    return datetime.combine(local.date(), time(0, 0), tzinfo=zone).astimezone(timezone.utc)


def at_local(day: date, moment: time, tz: tzinfo | None) -> datetime:
    """A local date and time as an aware UTC datetime."""
    return datetime.combine(day, moment, tzinfo=tz or timezone.utc).astimezone(timezone.utc)


def interview_date(given: date | None, stored: date | None, today: date | None = None) -> date | None:
    """The interview date in force: the one given on the command line wins over the stored setting.

    With `today`, a stored date outside today .. five years ahead (an interview already
    past, a mistyped year) counts as no date: planning for it would only mislead or overflow.
    """
    if given is not None:
        return given
    if stored is not None and today is not None and not today <= stored <= latest_interview_date(today):
        return None
    return stored


def latest_interview_date(today: date) -> date:
    """Five years after `today` (28 February for 29 February), never past the calendar's end."""
    year = min(today.year + MAX_YEARS_AHEAD, date.max.year)
    try:
        return today.replace(year=year)
    except ValueError:  # 29 February
        return today.replace(year=year, day=28)


def check_interview_date(day: date, today: date) -> date:
    """A date from today up to five years ahead; anything else is a usage error naming the range."""
    from quizprep.errors import BadValueError

    latest = latest_interview_date(today)
    if not today <= day <= latest:
        raise BadValueError(f"the interview date must be from today ({today}) to {latest}, not {day}")
    return day


def ignored_interview_note(stored: str | date | None, today: date) -> str | None:
    """Why a stored interview date plans nothing (it is past, or too far ahead), or None when it is usable."""
    if stored is None:
        return None
    if isinstance(stored, str):
        try:
            stored = date.fromisoformat(stored.strip())
        except ValueError:
            return None
    if stored < today:
        why = "is in the past"
    elif stored > latest_interview_date(today):
        why = f"is more than {MAX_YEARS_AHEAD} years ahead"
    else:
        return None
    return (
        f"Your interview date ({stored}) {why}, so nothing is planned for it. Set the next one with "
        "`quizprep config interview-date YYYY-MM-DD`, or remove it with `quizprep config interview-date --unset`."
    )
