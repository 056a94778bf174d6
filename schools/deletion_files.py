"""A school's file of deletion notices (CSV or XLSX, a header row, one deletion a row), read
as the new-pupil files are (``notice_files.read_notices``): every row checked first, every
problem named by line and column, and nothing sent unless every row is good. A ground's
needs are the form's (``grounds.ground_problems``).

Columns (any order, any case):
- required: ``forename``, ``surname``, ``date_of_birth``, ``sex``, ``address_line_1``,
  ``parent_name``, ``parent_phone``, ``deleted_on`` and ``ground`` (its letter, a to o);
- as needed: ``upn``, ``address_line_2``, ``town``, ``postcode``, ``parent_address``,
  ``second_parent_name``, ``second_parent_address``, ``second_parent_phone``,
  ``destination_school_urn``, ``destination_elsewhere``, ``new_address``,
  ``leave_ended_on``, ``absence_started_on``, ``conditions_met`` (yes or no),
  ``joint_enquiries``, and ``school_urn`` when the user acts for several schools."""

import re

from django.core.exceptions import ValidationError

from cases.fields import PostcodeField
from cases.models import Gender, School

from . import deletion_services
from .grounds import asked_only, ground_problems
from .models import DeletionGround, DeletionNotice
from .notice_files import cell_reader, dates_in, names_in, read_notices, school_in, upn_in

REQUIRED = ["forename", "surname", "date_of_birth", "sex", "address_line_1", "parent_name",
            "parent_phone", "deleted_on", "ground"]  # fmt: skip
TEXT = ["address_line_1", "address_line_2", "town", "parent_address", "parent_phone",
        "second_parent_address", "second_parent_phone", "destination_elsewhere",
        "new_address", "joint_enquiries"]  # fmt: skip
KNOWN = [*REQUIRED, *TEXT, "upn", "postcode", "second_parent_name", "destination_school_urn",
         "leave_ended_on", "absence_started_on", "conditions_met", "school_urn"]  # fmt: skip
MOST_ROWS = 500
SEXES = {"f": "FEMALE", "female": "FEMALE", "m": "MALE", "male": "MALE", "other": "OTHER",
         "not known": "NOT_KNOWN", "unknown": "NOT_KNOWN", "u": "NOT_KNOWN"}  # fmt: skip
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}
GROUND = re.compile(r"^(?:9\(1\))?\(?([a-o])\)?$")
COLUMN_OF = {"destination_school": "destination_school_urn"}  # a field's column, where named apart


def deletions_from_file(source, name: str, *, by):
    """Send every row's deletion notice, or none: the problems, by line, when any has one."""
    grounds = {ground.code: ground for ground in DeletionGround.objects.filter(is_active=True)}
    return read_notices(
        source, name, by=by, required=REQUIRED, known=KNOWN, most_rows=MOST_ROWS,
        parse_row=lambda *args: _row(*args, grounds=grounds),
        send=deletion_services.deletion_notice_send, noun="deletions",
    )  # fmt: skip


def _row(line, cells, at, schools, errors, *, grounds) -> dict | None:
    cell = cell_reader(cells, at)
    found = len(errors)
    row = {}
    names_in(line, cell, ("forename", "surname", "parent_name"), errors, row=row)
    names_in(line, cell, ("second_parent_name",), errors, required=False, row=row)
    dates_in(line, cell, ("date_of_birth", "deleted_on"), errors, row=row)
    dates_in(line, cell, ("leave_ended_on", "absence_started_on"), errors, required=False,
             row=row)  # fmt: skip
    upn_in(line, cell, errors, row)
    school_in(line, cell, schools, errors, row)
    for column in TEXT:
        text, longest = cell(column), DeletionNotice._meta.get_field(column).max_length
        if longest and len(text) > longest:
            errors.append(f"line {line}, {column}: is longer than {longest} characters")
        row[column] = text
    for column in ("address_line_1", "parent_phone"):
        if not row[column]:
            errors.append(f"line {line}, {column}: is blank, and it is required")
    if row["second_parent_name"] and not row["second_parent_phone"]:
        errors.append(f"line {line}, second_parent_phone: is blank, and the other parent needs "
                      "an emergency phone number")  # fmt: skip
    _sex(line, cell, errors, row)
    _postcode(line, cell, errors, row)
    _destination(line, cell, errors, row)
    row["conditions_met"] = _yes(line, cell, errors)
    born, deleted = row.get("date_of_birth"), row.get("deleted_on")
    if born and deleted and deleted < born:
        errors.append(f"line {line}, deleted_on: is before the date of birth")
    letter = GROUND.match(cell("ground").casefold().replace(" ", ""))
    ground = grounds.get(letter.group(1)) if letter else None
    if ground is None:
        errors.append(f'line {line}, ground "{cell("ground")[:10]}": is not a ground from (a) '
                      "to (o): give its letter")  # fmt: skip
        return None
    for field, problem in ground_problems(ground, row).items():
        errors.append(f"line {line}, {COLUMN_OF.get(field, field)}: {problem}")
    if len(errors) != found:
        return None
    row = asked_only(ground, row)
    row.pop("conditions_met")
    return {**row, "ground": ground}


def _sex(line, cell, errors, row) -> None:
    text = cell("sex")
    row["gender"] = SEXES.get(text.casefold())
    if row["gender"] is None:
        choices = ", ".join(label for _, label in Gender.choices)
        errors.append(f'line {line}, sex "{text[:12]}": is not one of {choices}'
                      if text else f"line {line}, sex: is blank, and it is required")  # fmt: skip
    row.pop("sex", None)


def _postcode(line, cell, errors, row) -> None:
    try:
        row["postcode"] = PostcodeField().clean(cell("postcode"))
    except ValidationError as error:
        errors.append(f'line {line}, postcode "{cell("postcode")[:10]}": {error.messages[0]}')


def _destination(line, cell, errors, row) -> None:
    urn = cell("destination_school_urn")
    row["destination_school"] = None
    if urn:
        school = (
            School.objects.filter(urn=int(urn)).first()
            if urn.isascii() and urn.isdecimal()
            else None
        )
        if school is None:
            errors.append(f'line {line}, destination_school_urn "{urn[:10]}": is no school '
                          "we know: check it, or name it in destination_elsewhere")  # fmt: skip
        row["destination_school"] = school


def _yes(line, cell, errors) -> bool:
    text = cell("conditions_met").casefold()
    if text not in YES | NO:
        errors.append(f'line {line}, conditions_met "{text[:10]}": say yes or no')
    return text in YES
