"""A school sends several new pupils in one file: every row is checked first, every problem
is named by line and column, and nothing is sent unless every row is good."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.models import NewPupilNotice, SchoolMembership
from tests.cases.factories import SchoolFactory

pytestmark = pytest.mark.django_db

HEADER = "forename,surname,date_of_birth,admitted_on,upn\n"


def send_file(client, user, text, name="new pupils.csv"):
    client.force_login(user)
    upload = SimpleUploadedFile(name, text.encode(), "text/csv")
    return client.post(reverse("schools:new_pupils_file"), {"file": upload})


def test_a_good_file_sends_a_notice_a_row_and_matches_them(client, school_user, missing):
    text = HEADER + "Mohammed,Khan,03/03/2015,2026-11-16,\nZara,Ali,2014-06-01,2026-11-16,\n"
    response = send_file(client, school_user, text)
    html = response.content.decode()
    assert response.status_code == 200 and "2 notices sent" in html
    assert NewPupilNotice.objects.count() == 2
    khan = NewPupilNotice.objects.get(surname="Khan")
    assert khan.episode == missing and khan.status == NewPupilNotice.Status.SUGGESTED


def test_any_bad_row_sends_nothing_and_each_problem_is_named_by_line(client, school_user):
    text = (HEADER + "Mohammed,Khan,03/03/2015,2026-11-16,\n"
            ",Ali,2014-06-01,2026-11-16,\n"
            "Eve,\u200b,31/02/2014,2026-11-16,X12\n"
            "Tom,Ng,2014-06-01,2013-01-01,\n")  # fmt: skip
    response = send_file(client, school_user, text)
    html = response.content.decode()
    assert response.status_code == 400
    for problem in ["Nothing was sent: 5 problems in the file",
                    "Line 3, forename: is blank, and it is required",
                    "Line 4, surname: must contain at least one letter",
                    "Line 4, date_of_birth &quot;31/02/2014&quot;: is not a real date",
                    "Line 4, upn: must be 13 characters",
                    "Line 5, admitted_on: is before the date of birth"]:  # fmt: skip
        assert problem in html, problem
    assert not NewPupilNotice.objects.exists()


def test_missing_columns_and_empty_files_say_so(client, school_user):
    html = send_file(client, school_user, "forename,surname\nA,B\n").content.decode()
    assert "these columns are missing: date_of_birth, admitted_on" in html
    assert "The file has no pupils in it" in send_file(client, school_user, HEADER).content.decode()
    xlsx = send_file(client, school_user, "not a workbook", name="pupils.xlsx").content.decode()
    assert "it is not an Excel workbook" in xlsx
    assert not NewPupilNotice.objects.exists()


def test_a_user_with_several_schools_names_each_row_s_school(client, school_user, riverside):
    hillside = SchoolFactory(name="Hillside School", urn=990202)
    SchoolMembership.objects.create(user=school_user, school=hillside)
    without = send_file(client, school_user, HEADER + "Zara,Ali,2014-06-01,2026-11-16,\n")
    assert "needs a school_urn column" in without.content.decode()
    columns = "forename,surname,date_of_birth,admitted_on,school_urn\n"
    text = columns + "Zara,Ali,2014-06-01,2026-11-16,990202\nSam,Lee,2014-06-01,2026-11-16,123456\n"
    html = send_file(client, school_user, text).content.decode()
    assert "Line 3, school_urn &quot;123456&quot;: is not one of your schools" in html
    good = columns + "Zara,Ali,2014-06-01,2026-11-16,990202\n"
    assert send_file(client, school_user, good).status_code == 200
    assert NewPupilNotice.objects.get().school == hillside
