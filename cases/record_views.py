"""Correcting the record from a case: the child's details, the family's carers and addresses.
Each page is a case page (``case_view``): the same access log, scope and stale-edit refusal."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from . import access, services
from .access import Action
from .errors import CaseError
from .forms import CoreEnquiryForm
from .models import Address, Carer
from .record_forms import AddressForm, CarerForm, ChildDetailsForm
from .services import corrections
from .views import _act, _case_context, case_view


def _shown(request, episode, model, pk):
    """The family's carer or address, if the case page would show it to this person: one
    hidden there (a refuge's, kept hidden after a lift) is not opened to be corrected."""
    item = get_object_or_404(model, pk=pk, family_id=episode.child.family_id)
    if not access.shows_item(request.user, episode, item):
        raise PermissionDenied
    return item


def _fields(form, names) -> dict:
    return {name: form.cleaned_data[name] for name in names if name in form.fields}


@case_view(Action.ADD_ENQUIRY)
def core_enquiries(request, episode):
    """The core enquiries not yet done on this case, on one page: record several at once."""
    missing = services.missing_core_enquiries(episode)
    today = timezone.localdate()
    forms = [CoreEnquiryForm(request.POST or None, prefix=f"core-{kind.pk}", enquiry_type=kind,
                             initial={"requested_on": today}) for kind in missing]  # fmt: skip
    valid = [form.is_valid() for form in forms]  # every form, so every error shows
    if request.method == "POST" and all(valid):
        records = [{"enquiry_type": form.enquiry_type, **form.cleaned_data}
                   for form in forms if form.cleaned_data.pop("record")]  # fmt: skip
        if not records:
            messages.error(request, "Tick each enquiry you are recording")
        else:
            try:
                services.enquiries_record(episode=episode, records=records, by=request.user)
            except CaseError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"{len(records)} core enquir"
                                 f"{'ies' if len(records) != 1 else 'y'} recorded")  # fmt: skip
                return redirect(episode)
    return render(request, "cases/core_enquiries.html",
                  _case_context(request, episode, forms=forms, missing=missing))  # fmt: skip


@case_view(Action.EDIT)
def child_edit(request, episode):
    form = ChildDetailsForm(
        request.POST or None, initial=ChildDetailsForm.initial_for(episode.child, episode.version)
    )

    def act(data):
        corrections.child_update(
            episode=episode, expected_version=data["version"], by=request.user,
            **_fields(form, ChildDetailsForm.FIELDS),
        )  # fmt: skip

    return _act(request, episode, form, act=act, success="The child's details are saved",
                title="Change the child's details", submit="Save changes")  # fmt: skip


@case_view(Action.EDIT)
def carer_add(request, episode):
    form = CarerForm(request.POST or None, initial={"version": episode.version}, adding=True)

    def act(data):
        corrections.carer_add(episode=episode, expected_version=data["version"], by=request.user,
                              **_fields(form, CarerForm.FIELDS))  # fmt: skip
        return f"{data['name']} is added to the family"

    return _act(request, episode, form, act=act, success="Parent or carer added",
                title="Add a parent or carer", submit="Add")  # fmt: skip


@case_view(Action.EDIT)
def carer_edit(request, episode, carer_pk):
    carer = _shown(request, episode, Carer, carer_pk)
    initial = {name: getattr(carer, name) for name in CarerForm.FIELDS}
    form = CarerForm(request.POST or None, initial={**initial, "version": episode.version})

    def act(data):
        corrections.carer_update(carer=carer, episode=episode, expected_version=data["version"],
                                 by=request.user, **_fields(form, CarerForm.FIELDS))  # fmt: skip

    return _act(request, episode, form, act=act, success="The parent or carer's details are saved",
                title="Change a parent or carer's details", submit="Save changes")  # fmt: skip


@case_view(Action.EDIT)
def address_add(request, episode):
    form = AddressForm(request.POST or None, initial={"version": episode.version}, adding=True)

    def act(data):
        corrections.address_add(episode=episode, expected_version=data["version"],
                                by=request.user, **_fields(form, AddressForm.FIELDS))  # fmt: skip
        return "The move is recorded: earlier cases keep the address they had"

    return _act(request, episode, form, act=act, success="Move recorded",
                title="Record a move to a new address", submit="Record the move")  # fmt: skip


@case_view(Action.EDIT)
def address_edit(request, episode, address_pk):
    address = _shown(request, episode, Address, address_pk)
    initial = {name: getattr(address, name) for name in AddressForm.FIELDS}
    form = AddressForm(request.POST or None, initial={**initial, "version": episode.version})

    def act(data):
        corrections.address_update(
            address=address, episode=episode, expected_version=data["version"],
            by=request.user, **_fields(form, AddressForm.FIELDS),
        )  # fmt: skip

    return _act(request, episode, form, act=act, success="The address is corrected",
                title="Correct an address", submit="Save changes")  # fmt: skip
