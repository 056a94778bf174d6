"""The tracker's own references, defined once: made, typed, and recognised alike in Python
and in PostgreSQL (where the import recognises them)."""

import re

import pytest
from django.db import connection

from cases.references import CASE_REF, CHILD_REF, FAMILY_REF


def test_references_are_the_prefix_and_the_id_padded_to_six_digits():
    assert (CHILD_REF.of(7), FAMILY_REF.of(123456), CASE_REF.of(1234567)) == (
        "CH000007", "FAM123456", "CME1234567",
    )  # fmt: skip


def test_a_typed_reference_in_any_case_and_padding():
    assert [CASE_REF.typed(t) for t in ("cme12", " CME000012 ", "Cme0", "CME12x", "CH12")] == [
        12, 12, 0, None, None,
    ]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "own"),
    [("CME000012", True), ("CME1234567", True), ("CME12345", False), ("cme000012", False),
     ("XCME000012", False), ("CME000012 ", False), ("CH000001", False)],
)  # fmt: skip
def test_postgresql_and_python_recognise_the_same_references(text, own):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {CASE_REF.sql_matches('%s')}", [text])
        in_database = cursor.fetchone()[0]
    assert in_database is own
    assert (re.fullmatch(CASE_REF.pattern, text) is not None) is own
    if own:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {CASE_REF.sql_id('t')}, {CASE_REF.sql_of('n')} "
                "FROM (SELECT %s::text AS t, %s::bigint AS n) AS v",
                [text, 12],
            )
            assert cursor.fetchone() == (int(text[3:]), "CME000012")
