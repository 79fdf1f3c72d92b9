"""The forms for adding, changing and removing a harvest source."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from openingup.organisations.models import Organisation
from openingup.web.forms import SummaryForm, labelled
from openingup.web.presentation import active_language


class HarvestSourceForm(SummaryForm):
    """A source's settings; ``editing`` adds whether its scheduled harvests run."""

    def __init__(
        self,
        *args: Any,
        organisations: list[Organisation],
        admin: bool,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        lang = active_language()
        options = [(o.slug, o.display_name(lang)) for o in organisations]
        if admin:
            options.insert(0, ("", _("None: use the publisher each record names")))
        self.fields["type"] = labelled(
            forms.ChoiceField(
                choices=[
                    ("dcat", _("DCAT-AP document or feed (Turtle, RDF/XML, JSON-LD)")),
                    ("ckan", _("CKAN portal (Action API)")),
                    ("csw", _("Geo catalogue (CSW 2.0.2, ISO 19139)")),
                    ("openingup", _("Another Opening Up site")),
                    ("open311", _("Another city's Open311 endpoint (its reports, into the back office)")),
                ]
            ),
            _("Kind of source"),
        )
        self.fields["url"] = labelled(
            forms.URLField(assume_scheme="https", max_length=2000),
            _("Address (URL)"),
            _("The portal's address, the feed's address, the CSW endpoint or the Open311 endpoint."),
        )
        self.fields["organisation"] = labelled(
            forms.ChoiceField(choices=options, required=not admin),
            _("Organisation"),
            _(
                "Publishes the datasets that do not name a publisher of their own; for an Open311 "
                "endpoint, the reports' categories belong to it (required)."
            ),
        )
        self.fields["title"] = labelled(forms.CharField(required=False, max_length=200), _("Name"))
        self.fields["frequency"] = labelled(
            forms.ChoiceField(
                choices=[
                    ("manual", _("Only when I start it")),
                    ("hourly", _("Every hour")),
                    ("daily", _("Every day")),
                    ("weekly", _("Every week")),
                    ("monthly", _("Every month")),
                ]
            ),
            _("Harvest"),
        )
        if editing:
            self.fields["active"] = labelled(
                forms.BooleanField(required=False),
                _("Harvest on schedule"),
                _("Untick to pause the scheduled harvests; you can still harvest it by hand."),
            )


class DeleteSourceForm(SummaryForm):
    """What becomes of the datasets a source harvested when it is removed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["datasets"] = labelled(
            forms.ChoiceField(
                choices=[
                    ("keep", _("Keep them: they stay published here, no longer updated from the source")),
                    (
                        "withdraw",
                        _("Withdraw them: they are archived, as when they disappear from the source"),
                    ),
                ],
                widget=forms.RadioSelect,
            ),
            _("The datasets harvested from this source"),
        )
