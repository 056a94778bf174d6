import pytest
from django.urls import reverse

from tests.cases.factories import EpisodeFactory

pytestmark = pytest.mark.django_db


def test_scorecard_page_for_managers_and_the_head_of_service(
    client, officer, manager, head_of_service, administrator
):
    EpisodeFactory()
    url = reverse("reports:scorecard")
    for person, status in [(officer, 403), (administrator, 403), (manager, 200),
                           (head_of_service, 200)]:  # fmt: skip
        client.force_login(person)
        assert client.get(url, {"year": "2024/25"}).status_code == status
    html = client.get(url, {"year": "2024/25"}).content.decode()
    assert "Scorecard 2024/25" in html and "New referrals by locality" in html


def test_scorecard_downloads(client, head_of_service):
    EpisodeFactory()
    client.force_login(head_of_service)
    response = client.get(reverse("reports:scorecard_download", args=["csv"]), {"year": "2024/25"})
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode().startswith(
        "section,indicator,label,breakdown,Q1,Q2,Q3,Q4,YTD,2022/23 YTD,2023/24 YTD\n"
    )
    response = client.get(reverse("reports:scorecard_download", args=["json"]), {"year": "2024/25"})
    assert response.json()["year"] == "2024/25"
    for format, start in [("xlsx", b"PK"), ("pdf", b"%PDF")]:
        response = client.get(
            reverse("reports:scorecard_download", args=[format]), {"year": "2024/25"}
        )
        assert response.content.startswith(start)


def test_an_unknown_year_is_a_bad_request(client, head_of_service):
    client.force_login(head_of_service)
    assert client.get(reverse("reports:scorecard"), {"year": "last year"}).status_code == 400


def test_charted_sections_have_a_chart_and_keep_their_table(client, head_of_service):
    EpisodeFactory()
    client.force_login(head_of_service)
    html = client.get(reverse("reports:scorecard"), {"year": "2024/25"}).content.decode()
    assert html.count('class="cme-chart"') == 5  # 1a, 5, 12, ethnicity, family size
    assert 'aria-hidden="true"' in html  # the table, not the drawing, is read out
    assert html.count("<table") > 20
