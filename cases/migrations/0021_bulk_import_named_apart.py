"""The import of cases in bulk is named apart from a case's history (its event log): the model
HistoryImport is CaseImport, and its permission import_history is import_cases, kept by the
groups that held it."""

from django.db import migrations


def rename_permission(apps, schema_editor, old="import_history", new="import_cases",
                      name="Can import and export cases in bulk"):  # fmt: skip
    Permission = apps.get_model("auth", "Permission")
    held = Permission.objects.filter(content_type__app_label="cases", codename=old)
    if Permission.objects.filter(content_type__app_label="cases", codename=new).exists():
        held.delete()  # made already by a migrate that ran before this one
    else:
        held.update(codename=new, name=name)


def rename_back(apps, schema_editor):
    rename_permission(apps, schema_editor, old="import_cases", new="import_history",
                      name="Can import and export case history")  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cases", "0020_imports_run_in_the_background"),
    ]

    operations = [
        migrations.RenameModel("HistoryImport", "CaseImport"),
        migrations.AlterModelOptions(
            name="caseimport",
            options={
                "ordering": ["-created_at"],
                "permissions": [("import_cases", "Can import and export cases in bulk")],
            },
        ),
        migrations.RunPython(rename_permission, rename_back),
    ]
