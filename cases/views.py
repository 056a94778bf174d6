"""Case-working pages. Views check permission, bind a form, call one service, redirect."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cme_tracker.core import http
from referrals import selectors as referral_selectors
from schools import selectors as school_selectors

from . import access, letters, paging, printing, printing_pdf, selectors, services
from . import reviews as case_reviews
from .errors import CaseError, StaleEdit
from .filters import SORTS, EpisodeFilter, identified_q
from .forms import (
    AllocateForm,
    BulkAllocateForm,
    ClosureDecisionForm,
    ClosureForm,
    EnquiryForm,
    EnquiryResponseForm,
    EpisodeForm,
    RemovalFromRollForm,
    ReopenForm,
    SensitivityLiftForm,
    SensitivityMarkForm,
    VersionedForm,
)
from .models import ClosureProposal, Enquiry, Episode
from .timeline import describe, history_entries

PAGE_SIZE = 50
MOST_CASES_OF_A_CHILD = 50  # enough of them read to tell one child from two
Action = access.Action


def case_view(action: Action | None = None):
    """Load the case (reading cases needs the role's permission), record the look in the
    access log when it is sensitive, then refuse what this person may not do to it."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, pk, **kwargs):
            if not request.user.has_perm("cases.view_episode"):
                raise PermissionDenied
            if action is not None and not request.user.has_perm(access.PERMISSION[action]):
                raise PermissionDenied  # the role never may: said before anything of the case
            try:
                episode = selectors.episode_detail(pk)
            except Episode.DoesNotExist:
                raise Http404 from None
            allowed = action is None or access.may(request.user, action, episode)
            if access.is_sensitive(episode) or selectors.has_marked_items(episode):
                log_looks(
                    request,
                    [episode],
                    shown=allowed and access.shows_sensitive(request.user, episode),
                )
            if action in access.OPEN_ONLY and not episode.is_open:
                messages.error(request, "This case is closed: a manager can reopen it.")
                return redirect(episode)
            if action in access.CLOSED_ONLY and episode.is_open:
                messages.error(request, "This case is open.")
                return redirect(episode)
            if not allowed:
                raise PermissionDenied
            return view(request, episode, **kwargs)

        return wrapper

    return decorator


def log_looks(request, episodes, *, shown: bool) -> None:
    """Put this request's look at ``episodes`` in the access log."""
    services.access_log_record(
        user=request.user, episodes=episodes, page=http.page(request),
        client_address=http.client_address(request), details_shown=shown,
    )  # fmt: skip


def _case_context(request, episode, **extra):
    can = access.case_access(request.user, episode)
    return {"episode": episode, "can": can, "show_sensitive": can.show_sensitive, **extra}


def _form_page(request, episode, form, *, title, submit, template="cases/form_page.html", **extra):
    return render(
        request,
        template,
        _case_context(request, episode, form=form, title=title, submit=submit, **extra),
    )


def _stale(request, episode, error: StaleEdit, form, **page):
    """Refuse the edit: show what changed, keep what the user typed."""
    messages.error(request, str(error))
    names = selectors.history_names(error.events)
    show = access.shows_sensitive(request.user, episode)
    changes = [{"event": event, **describe(event, names, show_sensitive=show)}
               for event in error.events]  # fmt: skip
    data = form.data.copy()
    data["version"] = error.episode.version
    form.data = data
    return _form_page(request, episode, form, stale_changes=changes, **page)


def _act(request, episode, form, *, act, success, **page):
    """Bind, call the service, and explain a refusal: the shape of every case action."""
    if request.method == "POST" and form.is_valid():
        try:
            message = act(form.cleaned_data)
        except StaleEdit as error:
            return _stale(request, episode, error, form, **page)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, message or success)
            return redirect(episode)
    return _form_page(request, episode, form, **page)


def _cases(count: int) -> str:
    return f"{count} case{'s' if count != 1 else ''}"


def _siblings_for(request, episode, action: Action) -> list[Episode]:
    """Brothers' and sisters' open cases this person may also act on."""
    return [sibling for sibling in selectors.open_sibling_episodes(episode)[1:]
            if access.may(request.user, action, sibling)]  # fmt: skip


# Lists ---------------------------------------------------------------------------------------


def caseload(request):
    """Home: an officer's own open cases, or the team's for managers and the head of service."""
    if not request.user.has_perm("cases.view_episode"):
        if request.user.has_perm("schools.send_notices"):
            return redirect("schools:home")  # a school user's home is the portal
        return render(request, "core/home.html")
    team = request.user.has_perm("cases.allocate_episode") or request.user.has_perm(
        "reports.view_reports"
    )
    episodes = selectors.open_episodes()
    if not team:
        episodes = episodes.filter(allocated_officer=request.user)
    summary = selectors.caseload_summary(user=request.user)
    page = paging.page_of(episodes, SORTS["next_due"], request.GET, per_page=PAGE_SIZE,
                          rows=selectors.episode_rows,
                          count=summary["team_open" if team else "my_open"])  # fmt: skip
    return render(
        request,
        "cases/caseload.html",
        {
            "team": team,
            "page": page,
            "summary": summary,
            "tasks_due": selectors.tasks_due(request.user, timezone.localdate()),
            "today": timezone.localdate(),
        },
    )


def _filtered(request):
    """The case list's filter, the cases it picks (bare: neither sorted nor annotated), and
    the order asked for."""
    case_filter = EpisodeFilter(request.GET or None, queryset=Episode.objects.all(),
                                user=request.user)  # fmt: skip
    results = case_filter.qs if case_filter.is_bound else Episode.objects.all()
    if case_filter.is_bound and not case_filter.form.is_valid():
        results = Episode.objects.none()
    return case_filter, results, case_filter.sort_chosen


def _the_case_named(request) -> int | None:
    """The case a search by case reference or UPN names, when nothing else narrows the list:
    the search goes straight to it. A UPN names a child: their open case, else their latest,
    whose page lists the child's other cases. A former UPN that is now another child's
    names two children, and the list shows both."""
    if any(value for key, value in request.GET.items() if key not in ("q", "sort")):
        return None
    named = identified_q(request.GET.get("q", ""))
    if named is None:
        return None
    found = list(
        Episode.objects.filter(named)
        .order_by(F("closed_on").desc(nulls_first=True), "-referral_date", "-pk")
        .values_list("pk", "child_id")[:MOST_CASES_OF_A_CHILD]
    )  # fmt: skip
    return found[0][0] if len({child for _, child in found}) == 1 else None


@permission_required("cases.view_episode", raise_exception=True)
def episode_list(request):
    named = _the_case_named(request)
    if named is not None:
        return redirect("cases:detail", named)
    case_filter, results, sort = _filtered(request)
    exactly = case_filter.figure_followed is not None  # to agree with the scorecard's figure
    page = paging.page_of(results, sort, request.GET, per_page=PAGE_SIZE,
                          rows=selectors.episode_rows,
                          count_up_to_limit=None if exactly else paging.COUNT_UP_TO)  # fmt: skip
    return render(
        request,
        "cases/episode_list.html",
        {
            "filter": case_filter,
            "page": page,
            "can_download": request.user.has_perm("reports.view_reports"),
            "can_allocate": request.user.has_perm("cases.allocate_episode"),
        },
    )


@permission_required("reports.view_reports", raise_exception=True)
def episode_list_csv(request):
    """The cases the filters pick, in the order asked for, as CSV (for managers and the head
    of service), streamed: each row annotated as it is read."""
    from .exports import case_list_csv_lines

    _, results, sort = _filtered(request)
    rows = selectors.episode_list().filter(pk__in=results.values("pk"))
    rows = rows.alias(**sort.aliases).order_by(*sort.ordering())
    response = StreamingHttpResponse(
        case_list_csv_lines(rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="cme-cases.csv"'
    return response


@require_POST
@permission_required("cases.allocate_episode", raise_exception=True)
def episodes_allocate(request):
    form = BulkAllocateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        changed = services.episodes_allocate(
            episode_ids=[episode.pk for episode in form.cleaned_data["episodes"]],
            officer=form.cleaned_data["officer"],
            by=request.user,
        )
        who = form.cleaned_data["officer"] or "nobody (unallocated)"
        messages.success(request, f"{changed} case{'s' if changed != 1 else ''} allocated to {who}")
    return redirect(_on_site(request, request.POST.get("next")) or reverse("cases:list"))


def _on_site(request, url: str | None) -> str | None:
    """A ``next`` address, only if it stays on this site."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


@permission_required("cases.approve_closure", raise_exception=True)
def closures_pending(request):
    return render(
        request, "cases/closures_pending.html", {"proposals": selectors.pending_closures()}
    )


# One case -------------------------------------------------------------------------------------


@case_view()
def episode_detail(request, episode):
    pending = next((p for p in episode.closure_proposals.all()
                    if p.decision == ClosureProposal.Decision.PENDING), None)  # fmt: skip
    return render(
        request,
        "cases/episode_detail.html",
        _case_context(
            request,
            episode,
            siblings=selectors.siblings_with_status(episode),
            next_enquiry=selectors.next_due_enquiry(episode),
            family=access.family_shown(request.user, episode, selectors.family_details(episode)),
            referrals=referral_selectors.referrals_for_case(episode),
            pending=pending,
            suggestions=school_selectors.suggestions_for(episode),
            notes=selectors.notes_for(episode),
            reviews=selectors.reviews_for(episode),
            tasks=selectors.tasks_for(episode),
            documents=selectors.documents_for(episode),
            last_visit=selectors.last_home_visit(episode),
            handovers=selectors.handovers_for(episode, timezone.localdate()),
            review_due_on=case_reviews.due_on(episode),
            today=timezone.localdate(),
            tab="summary",
        ),
    )


@case_view()
def episode_history(request, episode):
    entries = history_entries(request.user, episode)
    return render(
        request,
        "cases/episode_history.html",
        _case_context(request, episode, entries=entries, tab="history"),
    )


@case_view(Action.VIEW_ACCESS_LOG)
def episode_access_log(request, episode):
    """Who has looked at this case, for managers (the access log, not History)."""
    page = Paginator(selectors.access_log_for(episode), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/episode_access_log.html",
        _case_context(request, episode, page=page, tab="access_log"),
    )


@case_view(Action.EDIT)
def episode_edit(request, episode):
    form = EpisodeForm(request.POST or None, instance=episode, initial={"version": episode.version})

    def act(data):
        services.episode_update(
            episode=episode, expected_version=data["version"], by=request.user,
            **{name: data[name] for name in EpisodeForm.Meta.fields},
        )  # fmt: skip

    return _act(request, episode, form, act=act, success="Case details saved",
                title="Change case details", submit="Save changes")  # fmt: skip


@case_view(Action.ADD_ENQUIRY)
def enquiry_add(request, episode):
    siblings = _siblings_for(request, episode, Action.ADD_ENQUIRY)
    form = EnquiryForm(request.POST or None, siblings_open=bool(siblings),
                       initial={"requested_on": timezone.localdate()})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = services.enquiry_add(
                episode=episode,
                enquiry_type=data["enquiry_type"],
                made_to=data["made_to"],
                requested_on=data["requested_on"],
                due_on=data["due_on"],
                notes=data["notes"],
                siblings=siblings if data.get("for_family") else (),
                by=request.user,
            )
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            extra = f" on {len(added)} cases in the family" if len(added) > 1 else ""
            messages.success(request, f"Enquiry to {data['made_to']} recorded{extra}")
            return redirect(episode)
    return _form_page(
        request, episode, form, title="Add an enquiry", submit="Save enquiry", siblings=siblings
    )


@case_view(Action.RECORD_RESPONSE)
def enquiry_complete(request, episode, enquiry_pk):
    enquiry = get_object_or_404(Enquiry.objects.select_related("enquiry_type"), pk=enquiry_pk,
                                episode=episode)  # fmt: skip
    form = EnquiryResponseForm(request.POST or None, enquiry=enquiry)
    if request.method == "POST" and form.is_valid():
        try:
            services.enquiry_complete(
                enquiry=enquiry,
                completed_on=form.cleaned_data["completed_on"],
                response=form.cleaned_data["response"],
                notes=form.cleaned_data["notes"],
                by=request.user,
            )
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Response from {enquiry.made_to} recorded")
            return redirect(episode)
    return _form_page(
        request, episode, form, title=f"Record the response: {enquiry.enquiry_type}",
        submit="Save response", enquiry=enquiry,
    )  # fmt: skip


@case_view(Action.CLOSE)
def episode_close(request, episode):
    siblings = _siblings_for(request, episode, Action.CLOSE)
    form = ClosureForm(
        request.POST or None, episode=episode, siblings=siblings,
        initial={"version": episode.version},
    )  # fmt: skip
    page = {"title": "Close the case", "submit": "Close case", "template": "cases/close.html"}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            closed, proposed = services.case_close(
                episode=episode, outcome=data["outcome"], closed_on=data["closed_on"],
                answers=data, by=request.user, siblings=data.get("siblings") or [],
                expected_version=data["version"], outstanding=data.get("outstanding", "keep"),
            )  # fmt: skip
        except StaleEdit as error:
            return _stale(request, episode, error, form, **page)
        except services.ClosureRefused as refused:
            for field, message in refused.problems.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            if proposed:
                messages.success(
                    request, f"Closure of {len(proposed)} case{'s' if len(proposed) > 1 else ''} "
                    "sent to a manager for approval",
                )  # fmt: skip
            if closed:
                messages.success(
                    request, f"{len(closed)} case{'s' if len(closed) > 1 else ''} closed"
                )
            return redirect(episode)
    return _form_page(request, episode, form, **page)


@case_view(Action.APPROVE_CLOSURE)
def closure_decide(request, episode, proposal_pk):
    """One case's closure as enquiries exhausted, or its sibling group's together: each case's
    core enquiries are shown with their responses before the decision."""
    proposal = get_object_or_404(ClosureProposal.objects.select_related("episode__child"),
                                 pk=proposal_pk, episode=episode)  # fmt: skip
    siblings = [p for p in selectors.pending_sibling_closures(episode)
                if access.may(request.user, Action.APPROVE_CLOSURE, p.episode)]  # fmt: skip
    _logged_looks(request, [p.episode for p in siblings])
    form = ClosureDecisionForm(request.POST or None, siblings_pending=bool(siblings))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [proposal, *(siblings if data.get("for_family") else [])]
        approve = data["decision"] == "approve"
        try:
            decided = services.closures_decide(proposals=chosen, approve=approve,
                                               note=data["note"], by=request.user)  # fmt: skip
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Closure approved: {_cases(decided)} closed" if approve
                             else f"Closure sent back: {_cases(decided)} stay open")  # fmt: skip
            return redirect(episode)
    core = selectors.core_enquiries_done([episode, *(p.episode for p in siblings)])
    return _form_page(
        request, episode, form, template="cases/closure_decide.html",
        title="Approve closure as enquiries exhausted", submit="Save decision",
        proposal=proposal, core=core[episode.pk],
        sibling_proposals=[(p, core[p.episode_id]) for p in siblings],
    )  # fmt: skip


def _logged_looks(request, episodes) -> None:
    """Other cases shown on a case's page: each sensitive one's look goes in the access log."""
    looked = [episode for episode in episodes if access.is_sensitive(episode)]
    if looked:
        log_looks(request, looked, shown=True)


@case_view(Action.REOPEN)
def episode_reopen(request, episode):
    form = ReopenForm(request.POST or None, initial={"version": episode.version})

    def act(data):
        services.episode_reopen(
            episode=episode, reason=data["reason"], by=request.user,
            expected_version=data["version"],
        )  # fmt: skip

    return _act(request, episode, form, act=act, success="Case reopened",
                title="Reopen the case", submit="Reopen case")  # fmt: skip


@case_view(Action.ALLOCATE)
def episode_allocate(request, episode):
    form = AllocateForm(
        request.POST or None,
        initial={"version": episode.version, "officer": episode.allocated_officer},
    )

    def act(data):
        services.episode_allocate(
            episode=episode, officer=data["officer"], by=request.user,
            expected_version=data["version"],
        )  # fmt: skip
        return f"Case allocated to {data['officer'] or 'nobody'}"

    return _act(request, episode, form, act=act, success="Case allocated",
                title="Allocate the case", submit="Allocate")  # fmt: skip


@require_POST
@case_view(Action.TAKE)
def episode_take(request, episode):
    """An officer takes an unallocated case: it is theirs to work from now on."""
    form = VersionedForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Open the case again, then take it.")
        return redirect(episode)
    try:
        services.episode_allocate(
            episode=episode, officer=request.user, by=request.user,
            expected_version=form.cleaned_data["version"],
        )  # fmt: skip
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The case is allocated to you")
    return redirect(episode)


@case_view(Action.AUTHORISE_REMOVAL)
def removal_from_roll(request, episode):
    form = RemovalFromRollForm(
        request.POST or None, episode=episode,
        initial={"version": episode.version,
                 "school": episode.removal_from_roll_school or episode.last_school},
    )  # fmt: skip

    def act(data):
        services.removal_from_roll_authorise(
            episode=episode, authorised_on=data["authorised_on"], school=data["school"],
            by=request.user, expected_version=data["version"],
        )  # fmt: skip

    return _act(
        request, episode, form, act=act,
        success="Authorisation recorded: download the letter to the school",
        title="Authorise removal from roll", submit="Record authorisation",
    )  # fmt: skip


@case_view(Action.DOWNLOAD_LETTER)
def removal_from_roll_letter(request, episode):
    pdf = letters.removal_from_roll_letter(letters.Authorisation.of_case(episode))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="removal-from-roll-{episode.reference}.pdf"'
    )
    return response


def _print_logged(request, episode) -> None:
    """Every print is in the access log; a sensitive case's look is logged by ``case_view``."""
    if not (access.is_sensitive(episode) or selectors.has_marked_items(episode)):
        log_looks(request, [episode], shown=True)


@case_view()
def case_print(request, episode):
    """The case on paper: a page laid out for printing (the browser's own print)."""
    _print_logged(request, episode)
    response = render(request, "cases/print.html",
                      {"printed": printing.printed_case(request.user, episode),
                       "episode": episode})  # fmt: skip
    response["Cache-Control"] = "no-store"
    return response


@case_view()
def case_print_pdf(request, episode):
    _print_logged(request, episode)
    document = printing_pdf.printed_case_pdf(printing.printed_case(request.user, episode))
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="case-{episode.reference}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@case_view(Action.MARK_SENSITIVE)
def sensitivity_mark(request, episode):
    form = SensitivityMarkForm(request.POST or None)

    def act(data):
        changed = services.sensitivity_mark(episode=episode, by=request.user,
                                            reason=data["reason"])  # fmt: skip
        return f"Marked sensitive: {_cases(len(changed))}"

    return _act(request, episode, form, act=act, success="Marked sensitive",
                title="Mark the family's cases sensitive", submit="Mark sensitive",
                template="cases/sensitivity_mark.html",
                group=selectors.family_cases(episode))  # fmt: skip


@case_view(Action.LIFT_SENSITIVITY)
def sensitivity_lift(request, episode):
    family = selectors.family_details(episode)
    form = SensitivityLiftForm(request.POST or None, family=family)

    def act(data):
        changed = services.sensitivity_lift(
            episode=episode, reason=data["reason"], by=request.user,
            show_addresses=[a.pk for a in data.get("show_addresses") or []],
            show_carers=[c.pk for c in data.get("show_carers") or []],
        )  # fmt: skip
        return f"Sensitivity lifted on {_cases(len(changed))}"

    return _act(request, episode, form, act=act, success="Sensitivity lifted",
                title="Lift the family's sensitivity", submit="Lift sensitivity",
                template="cases/sensitivity_lift.html",
                group=selectors.family_cases(episode))  # fmt: skip


# Notifications -------------------------------------------------------------------------------


@permission_required("cases.view_episode", raise_exception=True)
def notifications(request):
    """The signed-in person's alerts, newest first; unread ones stand out."""
    page = Paginator(selectors.notifications_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "cases/notifications.html", {"page": page})


@require_POST
@permission_required("cases.view_episode", raise_exception=True)
def notifications_read(request):
    count = services.notifications_mark_read(user=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read")
    return redirect("cases:notifications")
