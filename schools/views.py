"""The school portal (a school user's own pages: their notices, and a new one), and the two
decisions an officer makes on a suggested closure. Thin: reads in selectors, writes in
services."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cases.errors import CaseError
from cases.models import Episode

from . import invitations, selectors, services
from .forms import InviteForm, NewPupilNoticeForm, NoticeFileForm
from .models import NewPupilNotice
from .notice_files import notices_from_file

SENDS = "schools.send_notices"


@permission_required(SENDS, raise_exception=True)
def portal_home(request):
    from .deletion_selectors import deletion_notices_for
    from .enquiry_selectors import enquiries_for

    return render(request, "schools/home.html", {
        "notices": selectors.notices_for(request.user)[:100],
        "deletions": deletion_notices_for(request.user)[:100],
        "enquiries": enquiries_for(request.user)[:100],
        "schools": selectors.schools_of(request.user),
    })  # fmt: skip


@permission_required(SENDS, raise_exception=True)
def new_pupil(request):
    schools = selectors.schools_of(request.user)
    if not schools.exists():
        raise Http404("You have no school to send notices for")
    form = NewPupilNoticeForm(request.POST or None, schools=schools)
    if form.is_valid():
        try:
            notice = services.new_pupil_notice_send(by=request.user, **form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            return render(request, "schools/sent.html", {"notice": notice})
    return render(request, "schools/new_pupil.html", {"form": form},
                  status=400 if form.errors else 200)  # fmt: skip


@permission_required(SENDS, raise_exception=True)
def notice_detail(request, pk):
    try:
        notice = selectors.notice_for(request.user, pk)
    except NewPupilNotice.DoesNotExist:
        raise Http404("No such notice") from None
    return render(request, "schools/notice.html", {"notice": notice})


@require_POST
@permission_required("cases.close_episode", raise_exception=True)
def suggestion_decide(request, pk, decision):
    notice = get_object_or_404(NewPupilNotice, pk=pk)
    episode = notice.episode
    if episode is None:
        raise Http404("No such suggestion")
    try:
        if decision == "confirm":
            services.suggestion_confirm(notice=notice, by=request.user)
            messages.success(request, f"Case closed: found in school at {notice.school.name}.")
        else:
            services.suggestion_reject(notice=notice, by=request.user)
            messages.info(request, f"Noted: {notice.reference} is not this child.")
    except CaseError as error:
        messages.error(request, str(error))
    return redirect("cases:detail", episode.pk)


@permission_required(invitations.INVITES, raise_exception=True)
def school_users(request):
    """Managers' and administrators' list of school users, and the invitation form."""
    form = InviteForm(request.POST or None)
    if form.is_valid():
        try:
            user = invitations.school_user_invite(by=request.user, **form.cleaned_data)
        except CaseError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"Invitation sent to {user.email}.")
            return redirect("schools:users")
    return render(request, "schools/users.html", {
        "form": form, "memberships": selectors.school_users(),
    }, status=400 if form.errors else 200)  # fmt: skip


@permission_required(SENDS, raise_exception=True)
def new_pupils_file(request):
    """Several new pupils at once, from a file: all sent, or none and every problem named."""
    if not selectors.schools_of(request.user).exists():
        raise Http404("You have no school to send notices for")
    form = NoticeFileForm(request.POST or None, request.FILES or None)
    problems = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        outcome = notices_from_file(upload.file, upload.name, by=request.user)
        if not outcome.errors:
            return render(request, "schools/sent_file.html", {"notices": outcome.sent})
        problems = outcome.errors
    status = 400 if form.errors or problems else 200
    return render(request, "schools/new_pupils_file.html",
                  {"form": form, "problems": problems[:200], "count": len(problems)},
                  status=status)  # fmt: skip


@permission_required("cases.close_episode", raise_exception=True)
def queue(request):
    """Officers' list of new pupils from schools that no case was matched to."""
    return render(request, "schools/queue.html",
                  {"queue": selectors.notices_to_look_at(request.user)})  # fmt: skip


@require_POST
@permission_required("cases.close_episode", raise_exception=True)
def suggest(request, pk):
    notice = get_object_or_404(NewPupilNotice, pk=pk)
    episode = get_object_or_404(Episode, pk=request.POST.get("episode") or 0)
    try:
        services.notice_suggest(notice=notice, episode=episode, by=request.user)
    except CaseError as error:
        messages.error(request, str(error))
        return redirect("schools:queue")
    return redirect("cases:detail", episode.pk)


@require_POST
@permission_required(invitations.INVITES, raise_exception=True)
def school_user_remove(request, pk):
    from .models import SchoolMembership

    membership = get_object_or_404(SchoolMembership.objects.select_related("user", "school"), pk=pk)
    try:
        closed = invitations.school_user_remove(by=request.user, membership=membership)
    except CaseError as error:
        messages.error(request, str(error))
    else:
        who, school = membership.user.get_full_name(), membership.school.name
        messages.success(request, f"{who} no longer sends notices for {school}."
                         + (" Their account is deactivated." if closed else ""))  # fmt: skip
    return redirect("schools:users")
