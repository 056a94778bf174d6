"""In Chromium, with a real Celery worker: a manager uploads a history file, watches its
progress and reads its report, without waiting on the upload; every page checked with axe."""

import pytest
from celery.contrib.testing.worker import start_worker
from playwright.sync_api import expect

from cases.models import Episode
from cme_tracker.celery import app
from tests.cases.test_bulk_import import sibling_rows, write

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_manager_uploads_a_history_file_and_sees_it_imported(journey, people, tmp_path):
    page = journey.page
    path = write(tmp_path, sibling_rows(), name="autumn history.csv")
    journey.sign_in("manager")
    journey.go("/cases/import/")
    journey.check_accessibility()
    page.get_by_label("Case history file").set_input_files(str(path))
    page.get_by_label("Check the file only: do not import anything").uncheck()
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("autumn history.csv")
    expect(page.get_by_text("Waiting for the background worker to start")).to_be_visible()
    journey.check_accessibility()
    with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
        # The page follows the worker on its own, and shows the report when it has finished.
        expect(page.get_by_role("heading", name="History imported")).to_be_visible(timeout=30_000)
    journey.check_accessibility()
    expect(page.get_by_text("3 rows read; changed: 2 children created")).to_be_visible()
    assert Episode.objects.count() == 3
    page.get_by_role("link", name="Import case history").first.click()
    expect(page.get_by_role("table", name="Your recent imports")).to_contain_text("Imported")
    journey.check_accessibility()
