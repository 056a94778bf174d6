import pytest

from cases.upn import expected_check_letter, is_temporary, upn_problem


def make_upn(body: str) -> str:
    return expected_check_letter("A" + body) + body


def test_check_letter_worked_by_hand():
    # Digits 9,9,9,2,0,0,0,2,5,0,0,1 weighted 2..13:
    # 18+27+36+10+0+0+0+18+50+0+0+13 = 172; 172 mod 23 = 11; the 12th letter is M.
    assert expected_check_letter("?999200025001") == "M"
    assert upn_problem("M999200025001") is None


def test_wrong_check_letter_names_the_expected_letter():
    assert upn_problem("A999200025001").startswith("is not valid: its first letter does not")
    assert "M" not in upn_problem("A999200025001")  # what would fit is not given away


def test_temporary_upn_with_a_letter_in_the_last_place():
    upn = make_upn("99920002500A")
    assert is_temporary(upn)
    assert upn_problem(upn) is None


@pytest.mark.parametrize(
    "upn, problem",
    [
        ("M99920002500", "must be 13 characters; this has 12"),
        ("M99920002500I", "the letters I, O and S are never used"),
        ("1999200025001", "must be a letter, then 11 digits"),
        ("M9992000250S1", "must be a letter, then 11 digits"),
    ],
)
def test_malformed_upns_are_explained(upn, problem):
    assert problem in upn_problem(upn)
