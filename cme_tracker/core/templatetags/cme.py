"""Template helpers shared by every page."""

from django import template
from django.forms import BaseFormSet

register = template.Library()


def _flatten(items):
    for item in items:
        if isinstance(item, BaseFormSet):
            yield from item.forms
        elif isinstance(item, list | tuple):
            yield from _flatten(item)
        elif item is not None:
            yield item


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms):
    """One GOV.UK error summary for all the forms (and formsets) on a page."""
    flat = list(_flatten(forms))
    return {"forms": flat, "has_errors": any(form.errors for form in flat)}


@register.simple_tag
def query_with(request, **changes):
    """The current query string with some parameters replaced (for pagination and sorting)."""
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


@register.filter
def yes_no(value):
    return {True: "Yes", False: "No"}.get(value, "Not known")
