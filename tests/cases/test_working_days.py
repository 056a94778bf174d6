from datetime import date

from cases.working_days import add_working_days, is_working_day, working_days_between


def test_christmas_and_boxing_day_are_not_working_days():
    assert not is_working_day(date(2025, 12, 25))
    assert not is_working_day(date(2025, 12, 26))
    # 24 December 2025 (Wednesday) + 1 working day skips Christmas, Boxing Day and the weekend.
    assert add_working_days(date(2025, 12, 24), 1) == date(2025, 12, 29)


def test_easter_bank_holidays():
    # Easter 2026: Good Friday 3 April, Easter Monday 6 April.
    assert not is_working_day(date(2026, 4, 3))
    assert not is_working_day(date(2026, 4, 6))
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1


def test_weekends():
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 23)) == 1  # Fri -> Mon
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 23)) == 0
