from .alerts import Alert, Notification
from .episodes import AccessLogEntry, ClosureProposal, Enquiry, Episode, Event, HistoryImport
from .people import Address, Carer, Child, Family, Gender, SENStatus
from .reference import (
    Area,
    ClosureOutcome,
    EnquiryType,
    Ethnicity,
    EthnicityGroup,
    Locality,
    MissingReason,
    OpenToService,
    PresentingNeed,
    School,
    SchoolPhase,
)

__all__ = [
    "AccessLogEntry",
    "Address",
    "Alert",
    "Notification",
    "Area",
    "Carer",
    "Child",
    "ClosureProposal",
    "ClosureOutcome",
    "Enquiry",
    "EnquiryType",
    "Episode",
    "Ethnicity",
    "EthnicityGroup",
    "Event",
    "Family",
    "Gender",
    "HistoryImport",
    "Locality",
    "MissingReason",
    "OpenToService",
    "PresentingNeed",
    "School",
    "SchoolPhase",
    "SENStatus",
]
