"""``{% chart c %}``: a chart of hall.portal.charts drawn in the page, its table beside it."""

from django import template
from django.utils.safestring import SafeString

from hall.portal.charts import Chart, render

register = template.Library()


@register.simple_tag
def chart(drawn: Chart) -> SafeString:
    return render(drawn)
