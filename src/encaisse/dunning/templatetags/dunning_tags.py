from django import template

from encaisse.dunning.labels import step_label as _step_label

register = template.Library()


@register.filter
def step_label(key: str) -> str:
    return _step_label(key)
