"""New referral: fill in the form, check for children already known, then save it all."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render

from cases import selectors as case_selectors
from cases.errors import CaseError
from cases.models import Child
from cme_tracker.core.http import BadParameter

from . import selectors, services
from .forms import CaseDetailsForm, ChildFormSet, FamilyForm, ReferralForm

# Referrals waiting for the duplicate check, by their form's token (so two browser tabs keep
# their own), and the known children each check page showed, per child on it.
PENDING = "pending_referrals"
SHOWN = "pending_referrals_shown"
KEPT = 5  # the newest this many waiting referrals are kept


def _bind(data=None, initial=None):
    initial = initial or {}
    return {
        "referral": ReferralForm(data, prefix="referral", initial=initial.get("referral")),
        "children": ChildFormSet(data, prefix="child",
                                 initial=[initial["child"]] if "child" in initial else None),
        "family": FamilyForm(data, prefix="family", initial=initial.get("family")),
        "case": CaseDetailsForm(data, prefix="case", initial=initial.get("case")),
    }  # fmt: skip


def _from_deletion_notice(request) -> dict | None:
    """A referral started from a school's deletion notice: its answers, to check and save."""
    from schools.deletion_selectors import referral_initial, withheld_from
    from schools.models import DeletionNotice

    pk = request.GET.get("deletion_notice", "")
    if not pk:
        return None
    if not (pk.isascii() and pk.isdecimal()):
        raise BadParameter("The deletion notice in the address must be a number")
    notice = get_object_or_404(DeletionNotice.objects.select_related("school", "ground",
                                                                     "sent_by"), pk=pk)  # fmt: skip
    if notice.status != DeletionNotice.Status.RECEIVED:
        raise BadParameter(f"Deletion notice {notice.reference} has been dealt with already")
    if withheld_from(request.user, notice):
        raise PermissionDenied("The case's officer or a manager deals with this notice")
    return referral_initial(notice)


def _valid(forms) -> bool:
    results = [form.is_valid() for form in forms.values()]  # every form, so all errors show
    if not all(results):
        return False
    referral_date = forms["referral"].cleaned_data["received_on"]
    for child in _children(forms):
        child.check_school_age(referral_date)
    return not any(child.errors for child in _children(forms))


def _children(forms):
    formset = forms["children"]
    return [f for f in formset.forms if f.cleaned_data and not formset._should_delete_form(f)]


def _with_another_child(data):
    data = data.copy()
    total = int(data.get("child-TOTAL_FORMS", 1))
    data["child-TOTAL_FORMS"] = str(min(total + 1, 12))
    return data


@permission_required("referrals.add_referral", raise_exception=True)
def referral_new(request):
    """Step 1: the referral, the children, the family and the case details."""
    if request.method == "POST" and "add_child" in request.POST:
        forms = _bind(_with_another_child(request.POST))
        for form in [forms["referral"], forms["family"], forms["case"], *forms["children"]]:
            form.helper.form_show_errors = False  # adding a child is not a submission
        # The page comes back where the officer is: at the new child's first box.
        forms["children"].forms[-1].fields["forename"].widget.attrs["autofocus"] = True
        return render(request, "referrals/new.html", {"forms": forms, "adding": True})
    data = request.POST or None
    if request.method == "GET" and request.GET.get("edit"):
        pending = _pending(request, request.GET["edit"])
        data = _as_query(pending) if pending else None
    forms = _bind(data, initial=_from_deletion_notice(request) if data is None else None)
    if request.method == "POST" and forms["referral"].has_error("deletion_notice"):
        return _back_to_form(request, request.POST, NOTICE_DEALT_WITH, unlink_notice=True)
    if request.method == "POST" and _valid(forms):
        token = str(forms["referral"].cleaned_data["form_token"])
        saved = selectors.referral_saved_from(token)
        if saved is not None and saved.created_by_id == request.user.pk:
            return _already_saved(request, token, services.AlreadySaved(saved))  # sent again
        if saved is not None:  # someone else's form: it cannot be used
            messages.error(request, "That form cannot be used again: start the referral afresh.")
            return redirect("referrals:new")
        pending = dict(request.POST.lists()) | {"referral-form_token": [token]}
        rows = _candidates(forms)
        if not any(row["candidates"] for row in rows):  # nobody to compare: save it now
            entries = [_entry(row, "new") for row in rows]
            return _save(request, forms, entries, token, pending)
        _keep(request, token, pending)
        return redirect("referrals:check", token=token)
    return render(request, "referrals/new.html", {"forms": forms, "has_errors": _errors(forms)})


NOTICE_DEALT_WITH = (
    "The school's deletion notice this referral was made from has been dealt "
    "with since you started."
)
UNLINKED = " The referral is no longer linked to it: if there is still a concern, save it again"


def _back_to_form(request, data, message: str, unlink_notice: bool = False):
    """The form again, with everything the officer typed and ``message`` at the top of its
    errors; ``unlink_notice`` drops the deletion notice it was made from, which cannot take
    it now, so saving again saves the referral on its own."""
    data = data.copy()
    if unlink_notice:
        data.pop("referral-deletion_notice", None)
    forms = _bind(data)
    _valid(forms)
    forms["referral"].add_error(None, message + UNLINKED if unlink_notice else message)
    return render(request, "referrals/new.html", {"forms": forms, "has_errors": True})


def _errors(forms) -> bool:
    children = forms["children"]
    return children.is_bound and (
        bool(children.total_error_count())
        or any(forms[name].errors for name in ("referral", "family", "case"))
    )


def _pending(request, token) -> dict | None:
    return request.session.get(PENDING, {}).get(str(token))


def _keep(request, token: str, data: dict) -> None:
    waiting = {key: value for key, value in request.session.get(PENDING, {}).items()
               if key != token}  # fmt: skip
    waiting[token] = data
    request.session[PENDING] = dict(list(waiting.items())[-KEPT:])


def _forget(request, token: str) -> None:
    for key in (PENDING, SHOWN):
        kept = dict(request.session.get(key, {}))
        if kept.pop(token, None) is not None:
            request.session[key] = kept


def _as_query(pending: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in pending.items():
        data.setlist(key, values)
    return data


def _candidates(forms):
    rows = []
    for number, child in enumerate(_children(forms), start=1):
        data = child.cleaned_data
        rows.append(
            {
                "number": number,
                "form": child,
                "data": data,
                "candidates": case_selectors.duplicate_candidates(
                    forename=data["forename"],
                    surname=data["surname"],
                    date_of_birth=data["date_of_birth"],
                    upn=data.get("upn", ""),
                ),  # fmt: skip
            }
        )
    return rows


@permission_required("referrals.add_referral", raise_exception=True)
def referral_check(request, token):
    """Step 2: children who may already be known are shown side by side; the officer decides."""
    token = str(token)
    pending = _pending(request, token)
    if not pending:
        messages.info(request, "Start a new referral: there is none waiting to be checked.")
        return redirect("referrals:new")
    forms = _bind(_as_query(pending))
    if forms["referral"].has_error("deletion_notice"):
        _forget(request, token)
        return _back_to_form(request, _as_query(pending), NOTICE_DEALT_WITH, unlink_notice=True)
    if not _valid(forms):  # reference data changed in between: back to the form
        return render(request, "referrals/new.html", {"forms": forms, "has_errors": True})
    rows = _candidates(forms)
    families = _known_families(request, rows)
    errors = {}
    if request.method == "POST":
        # What the officer decided on is what the page showed them, not what is known now: a
        # child added since then stops the save and comes back to this page.
        shown = request.session.get(SHOWN, {}).get(token, {})
        entries = []
        for row in rows:
            choice = request.POST.get(f"child-{row['number']}")
            offered = {"new", *(str(c.child.pk) for c in row["candidates"])}
            if row["candidates"] and choice not in offered:
                errors[row["number"]] = (
                    f"Say whether {row['data']['forename']} is a child already known or a new child"
                )
            entries.append(_entry(row, choice or "new", shown=shown.get(str(row["number"]), [])))
        chosen = [(row, entry.existing) for row, entry in zip(rows, entries, strict=True)
                  if entry.existing is not None]  # fmt: skip
        for index, (row, child) in enumerate(chosen):
            if any(other == child for _, other in chosen[:index]):
                errors[row["number"]] = (
                    f"Two children on this referral cannot both be {child.full_name}: say "
                    f"which one is, and whether {row['data']['forename']} is a new child"
                )
        family_choice = request.POST.get("family")
        if any(entry.existing and entry.existing.family for entry in entries) and (
            family_choice not in ("keep", "new")
        ):
            errors["family"] = "Say which family the children on this referral are in"
        if not errors:
            _forget(request, token)
            return _save(request, forms, entries, token, pending, family_choice or "keep")
    request.session[SHOWN] = request.session.get(SHOWN, {}) | {
        token: {str(row["number"]): [c.child.pk for c in row["candidates"]] for row in rows}
    }
    return render(
        request,
        "referrals/check.html",
        {"rows": rows, "errors": errors, "token": token, "families": families,
         "referral_family": forms["family"].cleaned_data},
    )  # fmt: skip


def _known_families(request, rows) -> bool:
    """Whether any known child offered has a family (so the officer says which family the
    referral's children are in). A sensitive family's details show only to someone who
    already knows it; every such look is in the access log."""
    from cases import services as case_services
    from cme_tracker.core import http

    found = False
    for row in rows:
        for candidate in row["candidates"]:
            found = found or candidate.child.family is not None
            if candidate.sensitive:
                candidate.family_shown = services.knows_family(request.user, child=candidate.child)
                latest = next(iter(candidate.child.episodes.all()), None)
                if latest is not None and request.method == "GET":
                    case_services.access_log_record(
                        user=request.user, episodes=[latest], page=http.page(request),
                        client_address=http.client_address(request),
                        details_shown=candidate.family_shown,
                    )  # fmt: skip
    return found


def _save(request, forms, entries, token: str, pending: dict, family_choice: str = "keep"):
    """Save the referral; ``pending`` (the form's data) goes back to the check page if a
    child like one on it was added meanwhile."""
    family = forms["family"].cleaned_data
    case = forms["case"].cleaned_data
    try:
        result = services.referral_intake(
            referral=forms["referral"].cleaned_data,
            children=entries,
            carer=_carer(family, case["is_sensitive"]),
            address=_address(family, case["is_sensitive"]),
            case=case | {"area": family["area"]},
            by=request.user,
            family_choice=family_choice,
        )
    except services.AlreadySaved as saved:
        return _already_saved(request, token, saved)
    except services.ChildBecameKnown as error:
        messages.error(request, str(error))
        _keep(request, token, pending)
        return redirect("referrals:check", token=token)
    except CaseError as error:  # nothing saved; the officer's form comes back to save again
        from schools.deletion_services import NoticeNotWaiting

        _forget(request, token)
        return _back_to_form(request, _as_query(pending), str(error),
                             unlink_notice=isinstance(error, NoticeNotWaiting))  # fmt: skip
    _report(request, result)
    return redirect(result.cases[0])


def _already_saved(request, token: str, saved: "services.AlreadySaved"):
    messages.info(request, str(saved))
    _forget(request, token)
    first = saved.referral.referredchild_set.select_related("episode").order_by("pk").first()
    return redirect(first.episode if first else "home")


def _entry(row, choice, shown=()) -> services.ChildEntry:
    """The officer's choice for one child; ``shown``, the known children they compared."""
    if choice != "new":
        allowed = {str(candidate.child.pk) for candidate in row["candidates"]}
        if choice in allowed:
            return services.ChildEntry(existing=get_object_or_404(Child, pk=int(choice)))
    data = row["data"]
    fields = ["forename", "surname", "preferred_name", "date_of_birth", "gender", "ethnicity",
              "upn", "fsm_eligible", "sen_status"]  # fmt: skip
    return services.ChildEntry(
        details={name: data.get(name) for name in fields}, considered=frozenset(shown)
    )


def _carer(data, sensitive: bool):
    if not data.get("carer_name"):
        return None
    return {
        "name": data["carer_name"],
        "relationship": data["carer_relationship"],
        "phone": data.get("carer_phone", ""),
        "email": data.get("carer_email", ""),
        "is_sensitive": sensitive,
    }


def _address(data, sensitive: bool):
    if not data.get("line_1"):
        return None
    area = data.get("area") or case_selectors.area_for_postcode(data.get("postcode"))
    return {
        "line_1": data["line_1"],
        "line_2": data.get("line_2", ""),
        "town": data.get("town", ""),
        "postcode": data.get("postcode", ""),
        "area": area,
        "is_sensitive": sensitive,
    }


def _report(request, result):
    parts = []
    if result.opened:
        parts.append(
            f"{len(result.opened)} case{'s' if len(result.opened) > 1 else ''} opened "
            f"({', '.join(e.reference for e in result.opened)})"
        )
    if result.attached:
        parts.append(
            "added to the open case"
            f"{'s' if len(result.attached) > 1 else ''} "
            f"{', '.join(e.reference for e in result.attached)}"
        )
    messages.success(request, f"Referral {result.referral.reference} saved: " + "; ".join(parts))
    if result.left_for_manager:
        messages.info(
            request,
            "The family's details are sensitive, so "
            + ", ".join(e.reference for e in result.left_for_manager)
            + " are left for a manager to allocate.",
        )
