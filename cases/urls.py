from django.urls import path

from . import document_views, import_views, note_views, record_views, views

app_name = "cases"

urlpatterns = [
    path("", views.episode_list, name="list"),
    path("cases.csv", views.episode_list_csv, name="list_csv"),
    path("allocate/", views.episodes_allocate, name="allocate_many"),
    path("closures/", views.closures_pending, name="closures_pending"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("import/", import_views.cases_import, name="cases_import"),
    path("import/<int:pk>/", import_views.cases_import_run, name="cases_import_run"),
    path(
        "import/<int:pk>/progress.json",
        import_views.cases_import_progress,
        name="cases_import_progress",
    ),  # fmt: skip
    path("export.csv", import_views.cases_export, name="cases_export"),
    path("<int:pk>/", views.episode_detail, name="detail"),
    path("<int:pk>/history/", views.episode_history, name="history"),
    path("<int:pk>/print/", views.case_print, name="print"),
    path("<int:pk>/print.pdf", views.case_print_pdf, name="print_pdf"),
    path("<int:pk>/access-log/", views.episode_access_log, name="access_log"),
    path("<int:pk>/take/", views.episode_take, name="take"),
    path("<int:pk>/sensitive/", views.sensitivity_mark, name="sensitivity_mark"),
    path("<int:pk>/sensitive/lift/", views.sensitivity_lift, name="sensitivity_lift"),
    path("<int:pk>/edit/", views.episode_edit, name="edit"),
    path("<int:pk>/child/", record_views.child_edit, name="child_edit"),
    path("<int:pk>/family/carers/new/", record_views.carer_add, name="carer_add"),
    path("<int:pk>/family/carers/<int:carer_pk>/", record_views.carer_edit, name="carer_edit"),
    path("<int:pk>/family/addresses/new/", record_views.address_add, name="address_add"),
    path(
        "<int:pk>/family/addresses/<int:address_pk>/",
        record_views.address_edit,
        name="address_edit",
    ),
    path("<int:pk>/enquiries/new/", views.enquiry_add, name="enquiry_add"),
    path("<int:pk>/enquiries/core/", record_views.core_enquiries, name="core_enquiries"),
    path(
        "<int:pk>/enquiries/<int:enquiry_pk>/response/",
        views.enquiry_complete,
        name="enquiry_complete",
    ),
    path("<int:pk>/notes/new/", note_views.note_add, name="note_add"),
    path("<int:pk>/notes/<int:note_pk>/correct/", note_views.note_correct, name="note_correct"),
    path("<int:pk>/notes/<int:note_pk>/add/", note_views.note_add_to, name="note_add_to"),
    path("<int:pk>/reviews/new/", note_views.review_add, name="review_add"),
    path("<int:pk>/home-visits/new/", note_views.home_visit_add, name="home_visit_add"),
    path("<int:pk>/handover/", note_views.handover_send, name="handover_send"),
    path(
        "<int:pk>/handover/<int:handover_pk>/acknowledged/",
        note_views.handover_acknowledge,
        name="handover_acknowledge",
    ),
    path("<int:pk>/documents/new/", document_views.document_add, name="document_add"),
    path(
        "<int:pk>/documents/<int:document_pk>/", document_views.document_download, name="document"
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/withdraw/",
        document_views.document_withdraw,
        name="document_withdraw",
    ),
    path("<int:pk>/reminders/new/", note_views.reminder_add, name="reminder_add"),
    path("<int:pk>/tasks/new/", note_views.task_assign, name="task_assign"),
    path("<int:pk>/tasks/<int:task_pk>/done/", note_views.task_done, name="task_done"),
    path("<int:pk>/close/", views.episode_close, name="close"),
    path("<int:pk>/closures/<int:proposal_pk>/", views.closure_decide, name="closure_decide"),
    path("<int:pk>/reopen/", views.episode_reopen, name="reopen"),
    path("<int:pk>/allocate/", views.episode_allocate, name="allocate"),
    path("<int:pk>/removal-from-roll/", views.removal_from_roll, name="removal_from_roll"),
    path(
        "<int:pk>/removal-from-roll/letter.pdf",
        views.removal_from_roll_letter,
        name="removal_from_roll_letter",
    ),
]
