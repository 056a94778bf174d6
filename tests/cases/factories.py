import datetime

import factory

from cases.models import (
    Child,
    ClosureOutcome,
    Enquiry,
    EnquiryType,
    Episode,
    Family,
    Gender,
    School,
    SchoolPhase,
)


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    forename = factory.Faker("first_name", locale="en_GB")
    surname = factory.Faker("last_name", locale="en_GB")
    date_of_birth = datetime.date(2015, 5, 17)
    gender = Gender.FEMALE


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: 980000 + n)
    name = factory.Sequence(lambda n: f"Test Primary School {n}")
    phase = SchoolPhase.PRIMARY
    local_authority = "Demo Borough"


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Episode

    child = factory.SubFactory(ChildFactory)
    referral_date = datetime.date(2024, 10, 7)


class ClosedEpisodeFactory(EpisodeFactory):
    status = Episode.Status.CLOSED
    closed_on = datetime.date(2025, 1, 20)
    closure_outcome = factory.LazyFunction(
        lambda: ClosureOutcome.objects.get(code="FOUND_SCHOOL_THIS_LA")
    )


class EnquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enquiry

    episode = factory.SubFactory(EpisodeFactory)
    enquiry_type = factory.LazyFunction(lambda: EnquiryType.objects.get(code="LAST_SCHOOL"))
    made_to = "Headteacher, last school"
    requested_on = datetime.date(2024, 10, 8)
    due_on = datetime.date(2024, 10, 15)
