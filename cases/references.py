"""The tracker's own references: CH000123 a child, FAM000123 a family, CME000123 a case.

Each is defined once, here, and used wherever a reference is made or read: the models (what a
record is called on screen and in an export), the search (a case reference typed in), and the
import, which recognises a file's reference as naming a record of this tracker (so an export
imports back onto the records it came from) and never stores it as a council's own reference.
A reference is the prefix and the id, zero-padded to six digits and longer once ids are.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class OwnReference:
    prefix: str
    digits: int = 6

    def of(self, pk: int) -> str:
        return f"{self.prefix}{pk:0{self.digits}d}"

    @property
    def pattern(self) -> str:
        """The whole reference as a regular expression, the same in PostgreSQL and Python."""
        return f"^{self.prefix}[0-9]{{{self.digits},}}$"

    def typed(self, text: str) -> int | None:
        """The id a person typed a reference for: any case, padded or not (cme12, CME000012)."""
        found = re.fullmatch(rf"(?i){self.prefix}0*(\d+)", text.strip())
        return int(found.group(1)) if found else None

    def sql_matches(self, column: str) -> str:
        return f"{column} ~ '{self.pattern}'"

    def sql_id(self, column: str) -> str:
        """The id in a reference ``column`` known to match."""
        return f"substr({column}, {len(self.prefix) + 1})::bigint"

    def sql_of(self, column: str) -> str:
        """The reference of the id in ``column``."""
        return (f"'{self.prefix}' || lpad({column}::text, "
                f"greatest({self.digits}, length({column}::text)), '0')")  # fmt: skip


CHILD_REF = OwnReference("CH")
FAMILY_REF = OwnReference("FAM")
CASE_REF = OwnReference("CME")
