"""Reports own no case data; this holds the permissions reports are guarded by."""

from django.db import models


class ReportAccess(models.Model):
    """No table: a place for report permissions to live until reports store data."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_reports", "Can view the scorecard, caseload and DfE reports"),
            ("manage_scorecard", "Can write scorecard commentary and set targets"),
        ]

    def __str__(self):
        return "report access"
