"""The notification settings' forms: channels per event and language; the e-mail address."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from hall.notices.events import EMAIL, EVENTS, SMS
from hall.notices.models import Preference

CHANNEL_LABELS = {SMS: _("短信"), EMAIL: _("电子邮件")}


def field_name(event_name: str, channel: str) -> str:
    return f"{event_name}__{channel}"


class PreferenceForm(forms.Form):
    """A box for each channel each event offers (ticked: on), and the notices' language."""

    language = forms.ChoiceField(label=_("短信与邮件的语言"), choices=settings.LANGUAGES)

    def __init__(self, data: Any = None, *, preference: Preference) -> None:
        super().__init__(data, initial={"language": preference.language})
        for name, each in EVENTS.items():
            for channel in each.channels:
                spoken = format_lazy("{} · {}", _(each.title), CHANNEL_LABELS[channel])
                self.fields[field_name(name, channel)] = forms.BooleanField(
                    required=False,
                    initial=preference.wants(name, channel),
                    widget=forms.CheckboxInput(attrs={"aria-label": spoken}),
                )

    def wanted(self) -> set[str]:
        """The ``event:channel`` pairs left on."""
        return {
            f"{name}:{channel}"
            for name, each in EVENTS.items()
            for channel in each.channels
            if self.cleaned_data.get(field_name(name, channel))
        }


class EmailForm(forms.Form):
    email = forms.CharField(label=_("电子邮箱"), max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))  # fmt: skip
