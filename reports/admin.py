from django.contrib import admin

from cme_tracker.core.admin import ListedLookupsOnly

from .models import (
    BenchmarkRelease,
    BenchmarkSettings,
    CensusDate,
    ChildPopulation,
    IndicatorTarget,
)


@admin.register(CensusDate)
class CensusDateAdmin(ListedLookupsOnly, admin.ModelAdmin):
    list_display = ["academic_year", "term", "date"]


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(ListedLookupsOnly, admin.ModelAdmin):
    list_display = ["indicator", "polarity", "target", "amber_limit", "benchmark", "owner"]


@admin.register(BenchmarkSettings)
class BenchmarkSettingsAdmin(ListedLookupsOnly, admin.ModelAdmin):
    """One row: the council's code and its statistical neighbours' codes."""

    list_display = ["la_code", "neighbour_count"]

    @admin.display(description="Statistical neighbours")
    def neighbour_count(self, settings):
        return len(settings.statistical_neighbours)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not BenchmarkSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChildPopulation)
class ChildPopulationAdmin(ListedLookupsOnly, admin.ModelAdmin):
    list_display = ["academic_year", "children", "source"]


@admin.register(BenchmarkRelease)
class BenchmarkReleaseAdmin(ListedLookupsOnly, admin.ModelAdmin):
    """Which DfE releases were loaded, when and by whom: loaded on the benchmarks page."""

    list_display = ["published_on", "file_name", "rows", "loaded_at", "loaded_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
