"""Unique Pupil Numbers: format and check letter, as the DfE specifies them."""

import re

# The check-letter alphabet: A-Z without I, O and S.
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
# Check letter, 11 digits, then a digit (permanent) or a check-alphabet letter (temporary).
UPN_PATTERN = rf"^[{CHECK_LETTERS}][0-9]{{11}}[0-9{CHECK_LETTERS}]$"
_UPN_RE = re.compile(UPN_PATTERN)


def expected_check_letter(upn: str) -> str:
    """The check letter for positions 2-13 of ``upn``.

    A temporary UPN's letter in position 13 counts as its index in the check alphabet.
    """
    total = 0
    for weight, char in enumerate(upn[1:13], start=2):
        value = int(char) if char.isdigit() else CHECK_LETTERS.index(char)
        total += weight * value
    return CHECK_LETTERS[total % 23]


def is_temporary(upn: str) -> bool:
    return upn[-1:].isalpha()


def upn_problem(upn: str) -> str | None:
    """What is wrong with ``upn``, in plain English, or None when it is valid."""
    if len(upn) != 13:
        return f"must be 13 characters; this has {len(upn)}"
    if not _UPN_RE.match(upn):
        return (
            "must be a letter, then 11 digits, then a digit (or a letter for a temporary UPN); "
            "the letters I, O and S are never used"
        )
    # Never say which letter would fit: a mistyped digit would then pass with a new letter.
    if upn[0] != expected_check_letter(upn):
        return (
            "is not valid: its first letter does not match its digits. Check every character "
            "against the child's school records"
        )
    return None
