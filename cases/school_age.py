"""Year groups and compulsory school age, by the rules in the domain notes."""

from datetime import date, timedelta
from functools import cache


def academic_year_start(on: date) -> int:
    """The calendar year in which the academic year containing ``on`` began."""
    return on.year if on.month >= 9 else on.year - 1


def age_at_academic_year_start(date_of_birth: date, on: date) -> int:
    """Age on 31 August before the academic year containing ``on``."""
    age = academic_year_start(on) - date_of_birth.year
    if (date_of_birth.month, date_of_birth.day) > (8, 31):
        age -= 1
    return age


def year_group(date_of_birth: date, on: date) -> int:
    """0 is Reception, 1-11 Years 1 to 11; below 0 or above 11 is outside school age."""
    return age_at_academic_year_start(date_of_birth, on) - 4


# Every label ``year_group_label`` gives, in order: Reception to Year 11, then Unknown.
YEAR_GROUPS = ["Reception", *[f"Year {n}" for n in range(1, 12)], "Unknown"]


def year_group_label(number: int | None) -> str:
    if number is None or number < 0 or number > 11:
        return "Unknown"
    return "Reception" if number == 0 else f"Year {number}"


def _fifth_birthday(date_of_birth: date) -> date:
    try:
        return date_of_birth.replace(year=date_of_birth.year + 5)
    except ValueError:  # 29 February
        return date(date_of_birth.year + 5, 3, 1)


def compulsory_school_age_starts(date_of_birth: date) -> date:
    """The prescribed day on or after the fifth birthday: 31 March, 31 August or 31 December."""
    birthday = _fifth_birthday(date_of_birth)
    if birthday.month <= 3:
        return date(birthday.year, 3, 31)
    if birthday.month <= 8:
        return date(birthday.year, 8, 31)
    return date(birthday.year, 12, 31)


@cache
def _last_friday_of_june(year: int) -> date:
    day = date(year, 6, 30)
    return day - timedelta(days=(day.weekday() - 4) % 7)


def compulsory_school_age_ends(date_of_birth: date) -> date:
    """The last Friday of June of the school year in which the child is in Year 11."""
    cohort = date_of_birth.year + (1 if (date_of_birth.month, date_of_birth.day) > (8, 31) else 0)
    year_11_starts = cohort + 15
    return _last_friday_of_june(year_11_starts + 1)


def is_compulsory_school_age(date_of_birth: date, on: date) -> bool:
    return (
        compulsory_school_age_starts(date_of_birth)
        <= on
        <= compulsory_school_age_ends(date_of_birth)
    )
