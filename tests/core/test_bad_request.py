"""A page asked for something it cannot show answers 400, naming the problem in plain words,
in the service's own page; never a 500 or a bare error."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(client, head_of_service):
    client.raise_request_exception = False
    client.force_login(head_of_service)
    return client


def summary(response) -> str:
    html = response.content.decode()
    start = html.index('class="govuk-error-summary"')
    return html[start : html.index("</ul>", start)]


@pytest.mark.parametrize(
    "address, problem",
    [
        ("/reports/scorecard/?year=9999/00", "The year must be a financial year written like"),
        ("/reports/scorecard/?year=2100/01", "The year must be no later than"),
        ("/reports/scorecard/?year=abc", "written like 2025/26"),
        ("/reports/scorecard/download.csv?year=2017/19", "written like 2025/26"),
        ("/reports/dfe-return/?date=0001-01-01", "Choose one of the census dates in the list"),
        ("/reports/dfe-return/?date=yesterday", "Choose a census date from the list"),
        ("/reports/dfe-return/?format=exe", "The return downloads as csv, xlsx, json or pdf"),
    ],
)
def test_a_bad_report_parameter_is_a_400_naming_the_problem(head, address, problem):
    response = head.get(address)
    assert response.status_code == 400
    assert "There is a problem" in summary(response)
    assert problem in summary(response)
    assert "Go to your caseload" in response.content.decode() or "census" in problem


def test_the_400_page_does_not_echo_what_the_address_carried(head):
    response = head.get("/reports/scorecard/", {"year": "<script>alert(1)</script>"})
    assert response.status_code == 400
    assert "<script>alert(1)" not in response.content.decode()


def test_a_good_year_is_still_the_scorecard(head):
    assert head.get("/reports/scorecard/?year=2025/26").status_code == 200


def test_a_request_refused_for_another_reason_is_a_400_not_a_500(client):
    client.raise_request_exception = False
    response = client.get("/sign-in/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "Traceback" not in response.content.decode()
