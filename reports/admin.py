from django.contrib import admin

from .models import CensusDate, IndicatorTarget


@admin.register(CensusDate)
class CensusDateAdmin(admin.ModelAdmin):
    list_display = ["academic_year", "term", "date"]


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "polarity", "target", "amber_limit", "owner"]
