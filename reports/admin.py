from django.contrib import admin

from cme_tracker.core.admin import ListedLookupsOnly

from .models import CensusDate, IndicatorTarget


@admin.register(CensusDate)
class CensusDateAdmin(ListedLookupsOnly, admin.ModelAdmin):
    list_display = ["academic_year", "term", "date"]


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(ListedLookupsOnly, admin.ModelAdmin):
    list_display = ["indicator", "polarity", "target", "amber_limit", "owner"]
