"""Deletion notices: a school user sends one and follows it in the portal; an officer triages
it from the queue into a case (through the referral form, filled in from the notice), onto an
open case, or as no concern. Thin: reads in ``deletion_selectors``, writes in
``deletion_services``."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.errors import CaseError
from cme_tracker.core import http
from cme_tracker.core.forms import GovukForm

from . import deletion_selectors, deletion_services, selectors
from .deletion_files import KNOWN, REQUIRED, deletions_from_file
from .forms import DeletionFileForm, DeletionNoticeForm
from .models import DeletionGround, DeletionNotice

SENDS = "schools.send_notices"
TRIAGES = "schools.triage_deletion_notices"


@permission_required(SENDS, raise_exception=True)
def deletion_new(request):
    schools = selectors.schools_of(request.user)
    if not schools.exists():
        raise Http404("You have no school to send notices for")
    grounds = DeletionGround.objects.filter(is_active=True)
    form = DeletionNoticeForm(request.POST or None, schools=schools, grounds=grounds)
    if form.is_valid():
        try:
            notice = deletion_services.deletion_notice_send(by=request.user, **form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            return render(request, "schools/sent.html", {"notice": notice, "deletion": True})
    return render(request, "schools/deletion_new.html", {"form": form, "grounds": grounds},
                  status=400 if form.errors else 200)  # fmt: skip


@permission_required(SENDS, raise_exception=True)
def deletions_file(request):
    """Several deletions at once, from a file: all sent, or none and every problem named."""
    if not selectors.schools_of(request.user).exists():
        raise Http404("You have no school to send notices for")
    form = DeletionFileForm(request.POST or None, request.FILES or None)
    problems = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        outcome = deletions_from_file(upload.file, upload.name, by=request.user)
        if not outcome.errors:
            return render(request, "schools/sent_file.html",
                          {"notices": outcome.sent, "deletion": True})  # fmt: skip
        problems = outcome.errors
    return render(request, "schools/deletions_file.html", {
        "form": form, "problems": problems[:200], "count": len(problems),
        "required": REQUIRED, "optional": [name for name in KNOWN if name not in REQUIRED],
        "grounds": DeletionGround.objects.filter(is_active=True),
    }, status=400 if form.errors or problems else 200)  # fmt: skip


@permission_required(SENDS, raise_exception=True)
def deletion_detail(request, pk):
    try:
        notice = deletion_selectors.deletion_notice_for(request.user, pk)
    except DeletionNotice.DoesNotExist:
        raise Http404("No such notice") from None
    return render(request, "schools/deletion.html", {"notice": notice})


@permission_required(TRIAGES, raise_exception=True)
def deletions_queue(request):
    """Officers' list of deletion notices waiting for triage, oldest first."""
    return render(request, "schools/deletions_queue.html", {
        "waiting": deletion_selectors.waiting_deletions(timezone.localdate()),
        "count": deletion_selectors.waiting_count(),
    })  # fmt: skip


class NoConcernForm(GovukForm):
    reason = forms.CharField(
        label="Why there is no children missing education concern", max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the destination school confirmed the pupil is on its roll",
        error_messages={"required": "Say why there is no children missing education concern"},
    )  # fmt: skip


def _triage_page(request, notice, no_concern=None, status=200):
    options = deletion_selectors.triage_options(request.user, notice)
    withheld = deletion_selectors.withheld_from(request.user, notice, options)
    deletion_services.candidates_seen(user=request.user, options=options, page=http.page(request),
                                      client_address=http.client_address(request))  # fmt: skip
    return render(request, "schools/deletion_triage.html", {
        "notice": notice, "options": options, "withheld": withheld,
        "no_concern": no_concern or NoConcernForm(prefix="no_concern"),
    }, status=status)  # fmt: skip


def _notice(pk) -> DeletionNotice:
    related = ("school", "ground", "sent_by", "episode", "destination_school", "decided_by")
    return get_object_or_404(DeletionNotice.objects.select_related(*related), pk=pk)


@permission_required(TRIAGES, raise_exception=True)
def deletion_triage(request, pk):
    return _triage_page(request, _notice(pk))


@require_POST
@permission_required(TRIAGES, raise_exception=True)
def deletion_attach(request, pk):
    notice = _notice(pk)
    try:
        episode = deletion_selectors.attachable_case(request.user, notice,
                                                     request.POST.get("episode", ""))  # fmt: skip
        deletion_services.deletion_attach(notice=notice, episode=episode, by=request.user)
    except CaseError as error:
        messages.error(request, str(error))
        return redirect("schools:deletion_triage", notice.pk)
    messages.success(request, f"Notice {notice.reference} added to case {episode.reference}.")
    return redirect("cases:detail", episode.pk)


@require_POST
@permission_required(TRIAGES, raise_exception=True)
def deletion_no_concern(request, pk):
    notice = _notice(pk)
    if deletion_selectors.withheld_from(request.user, notice):
        raise PermissionDenied("The case's officer or a manager deals with this notice")
    form = NoConcernForm(request.POST, prefix="no_concern")
    if not form.is_valid():
        return _triage_page(request, notice, no_concern=form, status=400)
    try:
        deletion_services.deletion_no_concern(notice=notice, reason=form.cleaned_data["reason"],
                                              by=request.user)  # fmt: skip
    except CaseError as error:
        messages.error(request, str(error))
        return redirect("schools:deletion_triage", notice.pk)
    messages.success(request, f"Notice {notice.reference}: recorded as no concern.")
    return redirect("schools:deletions_queue")
