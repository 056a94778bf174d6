"""The reference lists the domain notes name are in the database after migrate."""

import pytest

from cases.models import (
    Area,
    ClosureOutcome,
    EnquiryType,
    Ethnicity,
    EthnicityGroup,
    Locality,
    MissingReason,
    OpenToService,
    PresentingNeed,
)
from referrals.models import ReferralSource

pytestmark = pytest.mark.django_db


def codes(model):
    return set(model.objects.values_list("code", flat=True))


def test_closure_outcomes():
    assert codes(ClosureOutcome) == {
        "ENQUIRIES_EXHAUSTED", "FOUND_ALTERNATIVE_PROVISION", "FOUND_EHE",
        "FOUND_SCHOOL_OTHER_LA", "FOUND_TRANSFERRED_TRACKING", "FOUND_SCHOOL_THIS_LA",
        "OTHER_LA_ACCEPTED", "LEFT_UK_VERIFIED", "NO_LONGER_CSA", "NOT_RECORDED",
    }  # fmt: skip
    assert ClosureOutcome.objects.get(code="NOT_RECORDED").is_historical_only
    assert ClosureOutcome.objects.get(code="ENQUIRIES_EXHAUSTED").needs == "ENQUIRIES"


def test_presenting_needs_with_their_labels():
    assert PresentingNeed.objects.count() == 26
    assert PresentingNeed.objects.get(code="CSE_VULNERABILITY").label == "Vulnerability to CSE"
    assert PresentingNeed.objects.get(code="NO_DATA").label == "No data / other"


def test_missing_reasons_each_map_to_one_dfe_category():
    # The tracker's first 9 reasons and the DfE's categories less Not recorded (2 shared).
    assert len(codes(MissingReason)) == 9 + 19 - 2
    assert not MissingReason.objects.filter(dfe_reason__isnull=True).exists()
    assert MissingReason.objects.get(code="UNSUITABLE_EHE").label == (
        "Unsuitable elective home education"
    )


def test_ethnicity_codes_fall_in_their_report_groups():
    groups = dict(Ethnicity.objects.values_list("code", "group__label"))
    assert groups["WROM"] == "Gypsy/Roma"
    assert groups["WIRT"] == "Any other White background"
    assert groups["ABAN"] == "Any other Asian background"
    assert groups["BCRB"] == "Any other Black background"
    assert groups["NOBT"] == groups["REFU"] == "Not known"
    assert {groups[c] for c in ["MWBC", "MWBA", "MWAS", "MOTH", "CHNE", "OOTH"]} == {
        "Any other ethnic group"
    }
    assert EthnicityGroup.objects.count() == 10
    assert len(groups) == 20


def test_enquiry_types_have_days_to_respond_and_a_core_list():
    assert EnquiryType.objects.count() == 16
    assert EnquiryType.objects.filter(is_core=True).count() >= 5
    assert EnquiryType.objects.get(code="S2S").days_to_respond == 2


def test_open_to_services_and_referral_sources():
    assert set(OpenToService.objects.values_list("label", flat=True)) == {
        "Children's Social Care", "Early Help Locality", "Early Help Partners",
    }  # fmt: skip
    assert {"SCHOOL", "S2S", "OTHER_LA", "PUBLIC"} <= codes(ReferralSource)


def test_demo_localities_and_their_areas():
    areas = {
        loc.label: set(loc.areas.values_list("label", flat=True)) for loc in Locality.objects.all()
    }
    assert areas == {
        "North": {"Dalton/Thrybergh/Rawmarsh", "Wath/Swinton"},
        "South": {"Aston/Brinsworth", "Maltby/Wickersley", "Wales/Dinnington"},
        "Central": {"Clifton", "Oakwood/Town Centre", "Wingfield", "Winterhill"},
    }
    assert Area.objects.count() == 9
