"""Filling the GOV.UK forms the browser tests share, as a person would: by their labels."""

from django.utils import timezone


def fill_date(page, field_id, day):
    page.locator(f"#{field_id}_0").fill(str(day.day))
    page.locator(f"#{field_id}_1").fill(str(day.month))
    page.locator(f"#{field_id}_2").fill(str(day.year))


def fill_referral(page, *, children, carer, address, last_school=None, check=None):
    """The new-referral form: ``children`` as (first, last, date of birth, "Male"/"Female"),
    ``carer`` as (name, relationship), ``address`` as (line 1, postcode). ``check(page)`` runs
    before Continue (an accessibility check of the filled form, say)."""
    page.get_by_label("Who made the referral?").select_option(label="School admissions")
    page.get_by_label("Referrer's name").fill("A. Admissions Officer")
    fill_date(page, "id_referral-received_on", timezone.localdate())
    page.get_by_label("Reason for the referral").fill("Place offered in September; not started.")
    if last_school:
        page.get_by_label("Last school", exact=True).fill(last_school)
    for number, (first, last, born, gender) in enumerate(children):
        if number:
            page.get_by_role("button", name="Add another child").click()
        child = page.get_by_role("group", name=f"Child {number + 1}")
        child.get_by_label("First name").fill(first)
        child.get_by_label("Last name").fill(last)
        fill_date(page, f"id_child-{number}-date_of_birth", born)
        child.get_by_label(gender, exact=True).check()
    page.get_by_label("Parent or carer's name").fill(carer[0])
    page.get_by_label("Relationship to the children").fill(carer[1])
    page.get_by_label("Address line 1").fill(address[0])
    page.get_by_label("Postcode").fill(address[1])
    page.get_by_label("Why the children are missing education").select_option(
        label="Waiting school start"
    )
    if check:
        check(page)
    page.get_by_role("button", name="Continue").click()
