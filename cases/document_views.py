"""Documents on a case: attach one, withdraw one, download one. A download is served by the
tracker (never from a public address), only to someone who may see the case's details, and
not kept by the browser; anyone else is told there is no such document."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect

from . import access, selectors, services
from .access import Action
from .document_forms import DocumentForm, WithdrawForm
from .errors import CaseError
from .models import Document
from .views import _form_page, case_view, log_looks


@case_view(Action.ATTACH_DOCUMENT)
def document_add(request, episode):
    form = DocumentForm(request.POST or None, request.FILES or None,
                        enquiries=episode.enquiries.all(),
                        notes=selectors.notes_for(episode))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_attach(
                episode=episode, upload=data["file"], by=request.user,
                description=data["description"], **data["attached_to"],
            )  # fmt: skip
        except CaseError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, f"{document.name} attached")
            return redirect(episode.get_absolute_url() + "#documents")
    return _form_page(request, episode, form, title="Attach a document", submit="Attach")


@case_view(Action.WITHDRAW_DOCUMENT)
def document_withdraw(request, episode, document_pk):
    document = get_object_or_404(Document, pk=document_pk, episode=episode)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_withdraw(document=document, reason=form.cleaned_data["reason"],
                                       by=request.user)  # fmt: skip
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{document.name} withdrawn: it is kept, no longer offered")
            return redirect(episode.get_absolute_url() + "#documents")
    return _form_page(request, episode, form, title=f"Withdraw {document.name}",
                      submit="Withdraw document")  # fmt: skip


def document_download(request, pk, document_pk):
    if not request.user.has_perm("cases.view_episode"):
        raise Http404
    document = get_object_or_404(
        Document.objects.select_related("episode__child__family", "episode__allocated_officer"),
        pk=document_pk, episode_id=pk, withdrawn_at__isnull=True,
    )  # fmt: skip
    episode = document.episode
    shown = access.shows_sensitive(request.user, episode)
    if access.is_sensitive(episode):
        log_looks(request, [episode], shown=shown)
    if not shown:
        raise Http404
    response = FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name,
                            content_type=document.content_type)  # fmt: skip
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response
