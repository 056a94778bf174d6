"""Template helpers shared by every page."""

from crispy_forms_gds.templatetags.crispy_forms_gds import field_errors
from django import forms, template
from django.forms import BaseFormSet

from ..words import gov_date

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


@register.filter
def focus_id(bound_field) -> str:
    """The id of the element of a field that takes focus: a radio group's first radio (the
    GOV.UK templates number options from 1), a date's day, or the field itself."""
    chosen = getattr(bound_field.form, "focus_ids", {}).get(bound_field.name)
    if chosen:
        return chosen  # a form drawn its own way says where its fields start
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound_field.auto_id}_1"
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


@register.filter
def error_links(bound_field):
    """(element id, errors) for the error summary: each link lands on an element that takes
    focus, never on one that does not exist."""
    first = focus_id(bound_field)
    return [(first if field_id == bound_field.auto_id else field_id, errors)
            for field_id, errors in field_errors(bound_field)]  # fmt: skip


@register.simple_tag
def query_with(request, **changes):
    """The current query string with some parameters replaced (for pagination and sorting)."""
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


register.filter("gov_date", gov_date)


@register.filter
def yes_no(value):
    return {True: "Yes", False: "No"}.get(value, "Not known")


@register.filter
def select_control(bound_field):
    """A select drawn directly: what Django's widget templates draw, without rendering a
    template for every option (a list's ten filter selects took 18 ms that way)."""
    from django.utils.html import format_html, format_html_join
    from django.utils.safestring import mark_safe

    widget = bound_field.field.widget
    if not isinstance(widget, forms.Select) or isinstance(widget, forms.SelectMultiple):
        return bound_field.as_widget()
    current = bound_field.value()
    current = "" if current is None else str(current)
    options = format_html_join(
        "", "<option value=\"{}\"{}>{}</option>",
        ((value, " selected" if str(value) == current else "", label)
         for value, label in bound_field.field.choices),
    )  # fmt: skip
    css = widget.attrs.get("class", "govuk-select")
    invalid = mark_safe(' aria-invalid="true"') if bound_field.errors else ""  # noqa: S308
    return format_html('<select name="{}" class="{}" id="{}"{}>{}</select>',
                       bound_field.html_name, css, bound_field.auto_id, invalid,
                       options)  # fmt: skip


# A case's own status tag (the episode needs ``awaiting_approval``: selectors.with_status).
_STATUS_TAGS = {
    "awaiting": '<strong class="govuk-tag govuk-tag--yellow">Closure awaiting approval</strong>',
    "open": '<strong class="govuk-tag govuk-tag--blue">Open</strong>',
    "closed": '<strong class="govuk-tag govuk-tag--grey">Closed</strong>',
}


@register.filter
def status_tag(episode):
    from django.utils.safestring import mark_safe

    if not episode.is_open:
        return mark_safe(_STATUS_TAGS["closed"])  # noqa: S308 (constant markup)
    awaiting = getattr(episode, "awaiting_approval", False)
    return mark_safe(_STATUS_TAGS["awaiting" if awaiting else "open"])  # noqa: S308
