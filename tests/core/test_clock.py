"""Services take the clock's time as now: the real time, unless the demo has set it."""

import datetime

import pytest
from django.utils import timezone

from cases import services
from cases.errors import CaseError
from cme_tracker.core import clock
from tests.cases.factories import EnquiryFactory

pytestmark = pytest.mark.django_db


def test_a_response_dated_ahead_is_refused_unless_the_clock_is_set_on_to_it(officer):
    today = timezone.localdate()
    enquiry = EnquiryFactory(requested_on=today, due_on=today + datetime.timedelta(days=5))
    ahead = today + datetime.timedelta(days=3)
    with pytest.raises(CaseError):
        services.enquiry_complete(enquiry=enquiry, completed_on=ahead, response="Seen", by=officer)
    later = timezone.now() + datetime.timedelta(days=4)
    with clock.set_to(later):
        assert clock.now() == later and clock.today() == timezone.localdate(later)
        services.enquiry_complete(enquiry=enquiry, completed_on=ahead, response="Seen", by=officer)
    enquiry.refresh_from_db()
    assert enquiry.completed_on == ahead
    assert clock.today() == today  # back to the real time after the block
