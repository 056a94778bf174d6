"""Every question a template asks of a case's ``can`` is one the policy answers: a misspelt
action would be silently false and hide a button (or, in an ``{% if not %}``, show one)."""

import re
from pathlib import Path

from cases.access import Action, CaseAccess

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_every_can_in_the_templates_is_an_action():
    asked = set()
    for template in TEMPLATES.rglob("*.html"):
        asked |= set(re.findall(r"\bcan\.(\w+)", template.read_text()))
    fields = set(CaseAccess.__dataclass_fields__)
    unknown = asked - {action.value for action in Action} - fields
    assert asked and not unknown, unknown
