"""Joint enquiries: the school's pages (start one, record its own enquiries, read the
council's conclusion and download the letter) and the council's (every side's enquiries,
the child's case, the conclusion). Thin: reads in ``enquiry_selectors``, writes in
``enquiry_services``."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases import access, letters
from cases.errors import CaseError
from cases.services import access_log_record
from cme_tracker.core import http

from . import deletion_selectors, deletion_services, enquiry_selectors, enquiry_services, selectors
from .forms import ConclusionForm, EnquiryStepForm, JointEnquiryForm
from .models import DeletionGround, JointEnquiry, JointEnquiryStep

SENDS = "schools.send_notices"
WORKS = "schools.triage_deletion_notices"
Side = JointEnquiryStep.Side


def _school_enquiry(request, pk) -> JointEnquiry:
    try:
        return enquiry_selectors.enquiry_for(request.user, pk)
    except JointEnquiry.DoesNotExist:
        raise Http404("No such enquiry") from None


@permission_required(SENDS, raise_exception=True)
def enquiry_new(request):
    schools = selectors.schools_of(request.user)
    if not schools.exists():
        raise Http404("You have no school to start enquiries for")
    grounds = DeletionGround.objects.filter(is_active=True, joint_enquiries=True)
    form = JointEnquiryForm(request.POST or None, schools=schools, grounds=grounds)
    if form.is_valid():
        try:
            enquiry = enquiry_services.joint_enquiry_start(by=request.user, **form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Joint enquiry {enquiry.reference} started: the council "
                             "has it. Record each enquiry the school makes here.")  # fmt: skip
            return redirect("schools:enquiry", enquiry.pk)
    return render(request, "schools/enquiry_new.html", {"form": form},
                  status=400 if form.errors else 200)  # fmt: skip


@permission_required(SENDS, raise_exception=True)
def enquiry_detail(request, pk, step_form=None, status=200):
    enquiry = _school_enquiry(request, pk)
    today = timezone.localdate()
    return render(request, "schools/enquiry.html", {
        "enquiry": enquiry, "steps": enquiry_selectors.school_steps(enquiry),
        "timescale": enquiry_selectors.timescale(enquiry, today, council_steps=0),
        "step_form": step_form or EnquiryStepForm(prefix="step"),
    }, status=status)  # fmt: skip


def _record_step(request, enquiry, side):
    form = EnquiryStepForm(request.POST, prefix="step")
    if not form.is_valid():
        return form
    try:
        enquiry_services.step_record(enquiry=enquiry, side=side, by=request.user,
                                     **form.cleaned_data)  # fmt: skip
    except CaseError as error:
        form.add_error("made_on", str(error))
        return form
    messages.success(request, "Enquiry recorded.")
    return None


@require_POST
@permission_required(SENDS, raise_exception=True)
def enquiry_school_step(request, pk):
    enquiry = _school_enquiry(request, pk)
    form = _record_step(request, enquiry, Side.SCHOOL)
    if form is not None:
        return enquiry_detail(request, pk, step_form=form, status=400)
    return redirect("schools:enquiry", pk)


@require_POST
@permission_required(SENDS, raise_exception=True)
def enquiry_end(request, pk):
    enquiry = _school_enquiry(request, pk)
    try:
        enquiry_services.enquiry_withdraw(enquiry=enquiry, by=request.user)
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Joint enquiry {enquiry.reference} ended.")
    return redirect("schools:enquiry", pk)


@permission_required(SENDS, raise_exception=True)
def enquiry_letter(request, pk):
    """The council's authorisation to delete, for the school that asked, once given."""
    enquiry = _school_enquiry(request, pk)
    episode = enquiry.episode
    if enquiry.status != JointEnquiry.Status.NOT_FOUND or episode is None or (
        episode.removal_from_roll_school_id != enquiry.school_id
    ):  # fmt: skip
        raise Http404("No letter for this enquiry")
    letter = enquiry_selectors.school_letter(enquiry)
    if access.is_sensitive(episode):
        access_log_record(user=request.user, episodes=[episode], page=http.page(request),
                          client_address=http.client_address(request),
                          details_shown=False)  # fmt: skip
    response = HttpResponse(letters.removal_from_roll_letter(letter),
                            content_type="application/pdf")  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="removal-from-roll-{enquiry}.pdf"'
    return response


@permission_required(WORKS, raise_exception=True)
def enquiries_queue(request):
    return render(request, "schools/enquiries_queue.html",
                  {"rows": enquiry_selectors.open_enquiries(timezone.localdate())})  # fmt: skip


def _council_enquiry(pk) -> JointEnquiry:
    related = ("school", "ground", "episode", "started_by", "concluded_by")
    return get_object_or_404(JointEnquiry.objects.select_related(*related), pk=pk)


@permission_required(WORKS, raise_exception=True)
def enquiry_work(request, pk, step_form=None, conclusion_form=None, status=200):
    enquiry = _council_enquiry(pk)
    options = deletion_selectors.triage_options(request.user, enquiry)
    withheld = deletion_selectors.withheld_from(request.user, enquiry, options)
    deletion_services.candidates_seen(user=request.user, options=options, page=http.page(request),
                                      client_address=http.client_address(request))  # fmt: skip
    steps = list(enquiry.steps.select_related("recorded_by"))
    council = sum(step.side == Side.COUNCIL for step in steps)
    return render(request, "schools/enquiry_work.html", {
        "enquiry": enquiry, "steps": steps, "options": options, "withheld": withheld,
        "timescale": enquiry_selectors.timescale(enquiry, timezone.localdate(), council),
        "step_form": step_form or EnquiryStepForm(prefix="step"),
        "conclusion_form": conclusion_form or ConclusionForm(prefix="conclusion"),
    }, status=status)  # fmt: skip


def _may_work(request, enquiry) -> None:
    if deletion_selectors.withheld_from(request.user, enquiry):
        raise PermissionDenied("The case's officer or a manager works this enquiry")


@require_POST
@permission_required(WORKS, raise_exception=True)
def enquiry_council_step(request, pk):
    enquiry = _council_enquiry(pk)
    _may_work(request, enquiry)
    form = _record_step(request, enquiry, Side.COUNCIL)
    if form is not None:
        return enquiry_work(request, pk, step_form=form, status=400)
    return redirect("schools:enquiry_work", pk)


@require_POST
@permission_required(WORKS, raise_exception=True)
def enquiry_link(request, pk):
    enquiry = _council_enquiry(pk)
    try:
        episode = deletion_selectors.attachable_case(request.user, enquiry,
                                                     request.POST.get("episode", ""))  # fmt: skip
        enquiry_services.enquiry_link(enquiry=enquiry, episode=episode, by=request.user)
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Joint enquiry {enquiry.reference} is on case "
                         f"{episode.reference}.")  # fmt: skip
    return redirect("schools:enquiry_work", pk)


@require_POST
@permission_required(WORKS, raise_exception=True)
def enquiry_conclude(request, pk):
    enquiry = _council_enquiry(pk)
    _may_work(request, enquiry)
    form = ConclusionForm(request.POST, prefix="conclusion")
    if not form.is_valid():
        return enquiry_work(request, pk, conclusion_form=form, status=400)
    data = form.cleaned_data
    conclude = (enquiry_services.enquiry_conclude_not_found if data["outcome"] == form.NOT_FOUND
                else enquiry_services.enquiry_conclude_found)  # fmt: skip
    try:
        conclude(enquiry=enquiry, conclusion=data["conclusion"], by=request.user)
    except CaseError as error:
        form.add_error("outcome", str(error))
        return enquiry_work(request, pk, conclusion_form=form, status=400)
    messages.success(request, f"Joint enquiry {enquiry.reference} concluded: the school is told.")
    return redirect("schools:enquiry_work", pk)
