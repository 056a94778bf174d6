"""The DfE's 20 primary-reason categories, and every reason for missing education mapped to
exactly one of them (docs/dfe-return.md has the mapping and why).

The default list becomes the DfE's categories themselves, less Not recorded, which is what a
case with no reason counts as. The tracker's first nine reasons map to the nearest category;
those a DfE category now says in its own words are retired, so history keeps its meaning and
officers choose from one list. A reason a council added maps to the DfE category its label or
its old category names, else to Other. A council's labels are kept, except that the two first
reasons that are DfE categories take the DfE's words when they still have the tracker's own.
Reversed, it restores the old categories (as the DfE's labels) and keeps the reasons it added.
"""

from django.db import migrations, models
from django.db.models import Q, deletion

# code, the DfE's wording, in the order the DfE publishes them
DFE_REASONS = [
    ("MOVED_IN_FROM_OTHER_LA", "Moved in from another local authority"),
    ("MOVED_IN_FROM_ABROAD", "Moved in from another country"),
    ("APPLICATION_AWAITING_OUTCOME", "School application awaiting outcome"),
    ("OFFERED_NOT_ACCEPTED", "Offered school place but not yet accepted"),
    ("WAITING_SCHOOL_START", "Waiting school start"),
    ("DID_NOT_GET_PREFERENCE", "Did not get school preference"),
    ("UNSUITABLE_EHE", "Unsuitable elective home education"),
    ("DIFFICULTY_ACCESSING_PLACE", "Difficulty accessing suitable school place"),
    ("SCHOOL_DISSATISFACTION", "School dissatisfaction general"),
    ("SCHOOL_DISSATISFACTION_SEND", "School dissatisfaction SEND"),
    ("MENTAL_HEALTH", "Mental health"),
    ("PHYSICAL_HEALTH", "Physical health"),
    ("PARENTAL_DECISION", "Parental decision not to register at school"),
    ("DID_NOT_APPLY", "Did not apply for school place at compulsory school age"),
    ("CHALLENGING_SAO", "Challenging school attendance order"),
    ("BELIEVED_MOVED_OTHER_LA", "Believed to have moved to another local authority"),
    ("BELIEVED_MOVED_ABROAD", "Believed to have moved to another country"),
    ("UNKNOWN", "Unknown"),
    ("NOT_RECORDED", "Not recorded"),
    ("OTHER", "Other"),
]

# The tracker's first reasons: the nearest DfE category, and whether it stays on the list.
FIRST_REASONS = {
    "WHEREABOUTS_UNKNOWN": ("UNKNOWN", False),
    "LEFT_NO_DESTINATION": ("UNKNOWN", False),
    "NOT_RETURNED_AFTER_LEAVE": ("UNKNOWN", False),
    "NEW_ARRIVAL_NOT_APPLIED": ("DID_NOT_APPLY", False),
    "AWAITING_PLACE": ("APPLICATION_AWAITING_OUTCOME", False),
    "OFFERED_NOT_STARTED": ("WAITING_SCHOOL_START", False),
    "NO_PROVISION_AFTER_EXCLUSION": ("DIFFICULTY_ACCESSING_PLACE", False),
    "UNSUITABLE_EHE": ("UNSUITABLE_EHE", True),
    "OTHER": ("OTHER", True),
}
# The labels migration 0003 gave the two first reasons the DfE's list now names itself.
FIRST_LABELS = {"UNSUITABLE_EHE": "Home education assessed as unsuitable", "OTHER": "Other"}
# The tracker's own categories before this, for reasons a council added.
FIRST_CATEGORIES = {
    "whereabouts unknown": "UNKNOWN",
    "not applied for a school place": "DID_NOT_APPLY",
    "awaiting a school place": "APPLICATION_AWAITING_OUTCOME",
    "offered a place, not yet started": "WAITING_SCHOOL_START",
}


def categories(apps, schema_editor):
    DfeReason = apps.get_model("cases", "DfeReason")
    MissingReason = apps.get_model("cases", "MissingReason")
    by_code = {}
    for order, (code, label) in enumerate(DFE_REASONS):
        by_code[code], _ = DfeReason.objects.get_or_create(
            code=code, defaults={"label": label, "order": order * 10}
        )
    by_label = {item.label.casefold(): item for item in by_code.values()}
    position = {code: order * 10 for order, (code, _) in enumerate(DFE_REASONS)}
    for reason in MissingReason.objects.filter(dfe_reason__isnull=True):  # once: idempotent
        if reason.code in FIRST_REASONS:
            code, kept = FIRST_REASONS[reason.code]
            reason.dfe_reason = by_code[code]
            reason.is_active = reason.is_active and kept
            label = by_code[code].label
            taken = MissingReason.objects.filter(label__iexact=label).exclude(pk=reason.pk)
            if kept and reason.label == FIRST_LABELS[reason.code] and not taken.exists():
                reason.label = label
            if kept:
                reason.order = position[code]  # in the DfE's order, with the rest
        else:
            category = reason.dfe_category.casefold()
            reason.dfe_reason = (by_label.get(reason.label.casefold())
                                 or by_label.get(category)
                                 or by_code[FIRST_CATEGORIES.get(category, "OTHER")])  # fmt: skip
        reason.save()
    for code, label in DFE_REASONS:
        category = by_code[code]
        if (
            code == "NOT_RECORDED"
            or MissingReason.objects.filter(
                Q(code=code) | Q(label__iexact=label), dfe_reason=category
            ).exists()
        ):  # already on the list, as the DfE's or a council's own
            continue
        used_code = MissingReason.objects.filter(code=code).exists()
        used_label = MissingReason.objects.filter(label__iexact=label).exists()
        MissingReason.objects.create(
            code=f"DFE_{code}" if used_code else code, order=position[code],
            dfe_reason=category, label=f"{label} (DfE)" if used_label else label,
        )  # fmt: skip


def first_categories(apps, schema_editor):
    MissingReason = apps.get_model("cases", "MissingReason")
    for reason in MissingReason.objects.select_related("dfe_reason"):
        reason.dfe_category = reason.dfe_reason.label
        reason.save(update_fields=["dfe_category"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0018_open_cases_index_with_officer")]

    operations = [
        migrations.CreateModel(
            name="DfeReason",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("code", models.SlugField(max_length=40, unique=True)),
                ("label", models.CharField(max_length=120, unique=True)),
                ("order", models.PositiveSmallIntegerField(default=0)),
                ("is_active", models.BooleanField(default=True)),
            ],
            options={
                "verbose_name": "DfE reason category",
                "verbose_name_plural": "DfE reason categories",
                "ordering": ["order", "label"],
                "abstract": False,
            },
        ),
        migrations.AddField(
            model_name="missingreason",
            name="dfe_reason",
            field=models.ForeignKey(null=True, on_delete=deletion.PROTECT,
                                    related_name="reasons", to="cases.dfereason"),
        ),
        migrations.RunPython(categories, first_categories),
        migrations.RemoveField(model_name="missingreason", name="dfe_category"),
        migrations.AlterField(
            model_name="missingreason",
            name="dfe_reason",
            field=models.ForeignKey(
                help_text="What the DfE return counts it as.", on_delete=deletion.PROTECT,
                related_name="reasons", to="cases.dfereason", verbose_name="DfE reason category",
            ),
        ),
    ]  # fmt: skip
