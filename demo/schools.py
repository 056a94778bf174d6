"""The demo's school portal: a school user at Riverside Academy, and what that school has sent
(deletion notices waiting for triage, a joint enquiry under way, a new pupil the team was
looking for), so that every queue of "From schools" has something in it. Synthetic, as all
demo data is."""

from datetime import date, timedelta

from cases.models import Episode
from cases.working_days import add_working_days
from schools import deletion_services, enquiry_services, services
from schools.models import DeletionGround, JointEnquiryStep, SchoolMembership


def load_school_demo(*, school_user, school, today: date) -> None:
    SchoolMembership.objects.get_or_create(user=school_user, school=school)
    grounds = {ground.code: ground for ground in DeletionGround.objects.all()}
    deleted = add_working_days(today - timedelta(days=10), 1)
    common = {"by": school_user, "school": school, "address_line_1": "14 Wharf Street",
              "town": "Dunmore", "postcode": "DB1 2QT", "deleted_on": deleted}  # fmt: skip
    deletion_services.deletion_notice_send(
        **common, forename="Kacper", surname="Wiśniewski", gender="MALE",
        date_of_birth=date(2013, 2, 14), parent_name="Anna Wiśniewska",
        parent_phone="07700 900311", ground=grounds["a"],
        destination_elsewhere="Harbour View Academy, Portsmouth",
    )  # fmt: skip
    deletion_services.deletion_notice_send(
        **common, forename="Leah", surname="Brennan", gender="FEMALE",
        date_of_birth=date(2015, 9, 30), parent_name="Siobhan Brennan",
        parent_phone="07700 900312", ground=grounds["i"],
        absence_started_on=deleted - timedelta(days=35),
        joint_enquiries="Joint enquiry JE: home visits by the school and the council, "
        "no answer; council tax account closed.",
    )  # fmt: skip
    enquiry = enquiry_services.joint_enquiry_start(
        by=school_user, school=school, ground=grounds["i"], forename="Marcus", surname="Oyelaran",
        date_of_birth=date(2012, 7, 4), address="3 Kiln Road, Dunmore DB2 5LP",
        parent_name="Grace Oyelaran", parent_phone="07700 900313",
        clock_started_on=today - timedelta(days=16),
    )  # fmt: skip
    enquiry_services.step_record(
        enquiry=enquiry, side=JointEnquiryStep.Side.SCHOOL, by=school_user,
        made_on=today - timedelta(days=9), made="Phoned the mother's mobile and the emergency "
        "contact", found="Mobile not in service; the emergency contact has not seen the family.",
    )  # fmt: skip
    found = (Episode.objects.filter(status="OPEN", is_sensitive=False)
             .select_related("child").order_by("referral_date").first())  # fmt: skip
    if found is not None:  # a new pupil the team is looking for: shown as a suggestion
        child = found.child
        services.new_pupil_notice_send(
            by=school_user, school=school, forename=child.forename, surname=child.surname,
            date_of_birth=child.date_of_birth, upn=child.upn,
            admitted_on=max(found.referral_date, today - timedelta(days=3)),
        )  # fmt: skip
