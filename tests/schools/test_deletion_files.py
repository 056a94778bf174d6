"""A school sends several deletions in one file: each row is checked as the form checks a
notice (the ground's needs included), every problem is named by line and column, and nothing
is sent unless every row is good."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.models import DeletionNotice

pytestmark = pytest.mark.django_db

HEADER = ("forename,surname,date_of_birth,sex,address_line_1,postcode,parent_name,"
          "parent_phone,deleted_on,ground,destination_elsewhere,absence_started_on,"
          "conditions_met,joint_enquiries\n")  # fmt: skip
GOOD = [
    "Amelia,Nowak,09/05/2014,F,12 Canal Street,db1 4ab,Ewa Nowak,07700 900123,20/11/2026,k,,,,\n",
    "Tom,Ng,2015-01-02,Male,3 Mill Lane,,Lan Ng,07700 900456,2026-11-20,(a),"
    "\"Hillside Academy, Leeds\",,,\n",
    "Zara,Ali,2014-06-01,not known,5 High Street,,Sara Ali,07700 900789,2026-11-20,9(1)(i),,"
    "2026-10-12,yes,Home visit 2 November with the council: no answer\n",
]  # fmt: skip


def send_file(client, user, text, name="deletions.csv"):
    client.force_login(user)
    upload = SimpleUploadedFile(name, text.encode(), "text/csv")
    return client.post(reverse("schools:deletions_file"), {"file": upload})


def test_a_good_file_sends_a_notice_a_row(client, school_user, riverside):
    response = send_file(client, school_user, HEADER + "".join(GOOD))
    assert response.status_code == 200 and "3 notices sent" in response.content.decode()
    notices = {notice.surname: notice for notice in DeletionNotice.objects.all()}
    assert notices["Nowak"].postcode == "DB1 4AB" and notices["Nowak"].gender == "FEMALE"
    assert notices["Ng"].ground.code == "a"
    assert notices["Ng"].destination_elsewhere == "Hillside Academy, Leeds"
    assert notices["Ali"].ground.code == "i" and notices["Ali"].absence_started_on.day == 12
    assert {notice.school for notice in notices.values()} == {riverside}


def test_any_bad_row_sends_nothing_and_each_problem_is_named_by_line(client, school_user):
    bad = [
        "Eve,Ray,2014-06-01,girl,1 Road,XX,Ann Ray,,2026-11-20,z,,,,\n",
        "Ian,Po,2014-06-01,M,1 Road,,Kim Po,0770,2026-11-20,a,,,,\n",
        "Una,Li,2014-06-01,F,1 Road,,Mei Li,0770,2026-11-20,i,,2026-11-02,maybe,\n",
    ]  # fmt: skip
    response = send_file(client, school_user, HEADER + GOOD[0] + "".join(bad))
    html = response.content.decode()
    assert response.status_code == 400
    for problem in [
        "Line 3, sex &quot;girl&quot;: is not one of Male, Female, Other, Not known",
        "Line 3, postcode &quot;XX&quot;: Enter a real postcode, like DB1 4AB",
        "Line 3, parent_phone: is blank, and it is required",
        "Line 3, ground &quot;z&quot;: is not a ground from (a) to (o)",
        "Line 4, destination_school_urn: Ground (a) needs the school the pupil is now",
        "Line 5, conditions_met &quot;maybe&quot;: say yes or no",
        "Line 5, absence_started_on: The deletion must come at least 20 school days after "
        "the absence began, so not before ",
        ": there are only 14 working days",
        "Line 5, joint_enquiries: Ground (i) needs the enquiries",
    ]:
        assert problem in html, problem
    assert "Line 2" not in html and not DeletionNotice.objects.exists()


def test_missing_columns_and_empty_files_say_so(client, school_user):
    html = send_file(client, school_user, "forename,surname\nA,B\n").content.decode()
    assert "these columns are missing: date_of_birth, sex, address_line_1" in html
    assert "The file has no deletions in it" in send_file(client, school_user,
                                                         HEADER).content.decode()  # fmt: skip
    assert not DeletionNotice.objects.exists()
