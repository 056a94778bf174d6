from .alerts import Alert, Notification
from .documents import Document
from .episodes import AccessLogEntry, CaseImport, ClosureProposal, Enquiry, Episode, Event
from .handovers import Handover
from .notes import CaseNote, CaseNoteAddition
from .people import Address, Carer, Child, ChildNamePart, Family, Gender, SENStatus
from .reference import (
    Area,
    ClosureOutcome,
    DfeReason,
    EnquiryType,
    Ethnicity,
    EthnicityGroup,
    Locality,
    MissingReason,
    OpenToService,
    PresentingNeed,
    ReferenceVersion,
    School,
    SchoolPhase,
)
from .reviews import CaseReview
from .tasks import CaseTask
from .visits import HomeVisit

__all__ = [
    "AccessLogEntry",
    "Address",
    "Alert",
    "Notification",
    "Area",
    "Carer",
    "CaseNote",
    "CaseNoteAddition",
    "CaseReview",
    "CaseTask",
    "Child",
    "ChildNamePart",
    "ClosureProposal",
    "ClosureOutcome",
    "DfeReason",
    "Document",
    "Enquiry",
    "EnquiryType",
    "Episode",
    "Ethnicity",
    "EthnicityGroup",
    "Event",
    "Family",
    "Gender",
    "Handover",
    "HomeVisit",
    "CaseImport",
    "Locality",
    "MissingReason",
    "OpenToService",
    "PresentingNeed",
    "ReferenceVersion",
    "School",
    "SchoolPhase",
    "SENStatus",
]
