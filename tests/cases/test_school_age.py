from datetime import date

import pytest

from cases.school_age import (
    compulsory_school_age_ends,
    compulsory_school_age_starts,
    is_compulsory_school_age,
    year_group,
    year_group_label,
)


@pytest.mark.parametrize(
    "born, on, expected",
    [
        (date(2015, 8, 31), date(2020, 9, 1), 1),  # youngest of its cohort
        (date(2015, 9, 1), date(2020, 9, 1), 0),  # born 1 September: a year behind
        (date(2015, 9, 1), date(2021, 8, 31), 0),  # the academic year runs to 31 August
        (date(2010, 1, 15), date(2025, 10, 1), 11),
        (date(2010, 1, 15), date(2025, 7, 31), 10),
    ],
)
def test_year_group(born, on, expected):
    assert year_group(born, on) == expected


def test_year_group_labels():
    assert year_group_label(0) == "Reception"
    assert year_group_label(11) == "Year 11"
    assert year_group_label(12) == "Unknown"
    assert year_group_label(None) == "Unknown"


@pytest.mark.parametrize(
    "born, starts",
    [
        (date(2019, 1, 1), date(2024, 3, 31)),
        (date(2019, 3, 31), date(2024, 3, 31)),
        (date(2019, 4, 1), date(2024, 8, 31)),
        (date(2019, 8, 31), date(2024, 8, 31)),
        (date(2019, 9, 1), date(2024, 12, 31)),
        (date(2016, 2, 29), date(2021, 3, 31)),
    ],
)
def test_compulsory_school_age_starts_on_the_prescribed_day(born, starts):
    assert compulsory_school_age_starts(born) == starts


def test_compulsory_school_age_ends_on_the_last_friday_of_june_in_year_11():
    # Born January 2010: Year 11 in 2025/26 (turning 16 in it); 30 June 2026 is a Tuesday,
    # so the last Friday is the 26th.
    assert compulsory_school_age_ends(date(2010, 1, 15)) == date(2026, 6, 26)
    # Born October 2009: the same cohort, turning 16 in the autumn term.
    assert compulsory_school_age_ends(date(2009, 10, 2)) == date(2026, 6, 26)
    # Born 31 August 2010: the youngest of the next cohort up, Year 11 in 2025/26 too.
    assert compulsory_school_age_ends(date(2010, 8, 31)) == date(2026, 6, 26)
    assert is_compulsory_school_age(date(2010, 1, 15), date(2026, 6, 26))
    assert not is_compulsory_school_age(date(2010, 1, 15), date(2026, 6, 27))
    assert not is_compulsory_school_age(date(2019, 9, 1), date(2024, 12, 30))
