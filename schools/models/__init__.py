"""What schools tell the council through the tracker, and which schools a school user acts
for. A school user sees only their own schools' notices, and never a case (selectors)."""

from .deletions import DeletionGround, DeletionNotice
from .joint_enquiries import JointEnquiry, JointEnquiryChase, JointEnquiryStep
from .memberships import SchoolMembership
from .new_pupils import NewPupilNotice

__all__ = [
    "DeletionGround", "DeletionNotice", "JointEnquiry", "JointEnquiryChase", "JointEnquiryStep",
    "NewPupilNotice",
    "SchoolMembership",
]  # fmt: skip
