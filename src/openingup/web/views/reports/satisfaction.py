"""The satisfaction question at closure: a tokened page where the reporter says whether they are
satisfied; "no" reopens the report (see :func:`openingup.reports.services.feedback.answer_satisfaction`)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from openingup.core.errors import InvalidInput, NotFound
from openingup.reports.models import Satisfaction
from openingup.reports.services import feedback
from openingup.reports.services.feedback import MAX_COMMENT
from openingup.reports.texts import pick
from openingup.web.forms import SummaryForm, labelled
from openingup.web.problems import apply_problems
from openingup.web.views.common import service_errors


class SatisfactionForm(SummaryForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["satisfied"] = labelled(
            forms.ChoiceField(
                choices=[("yes", _("Yes, I am satisfied")), ("no", _("No, I am not satisfied"))],
                widget=forms.RadioSelect,
                error_messages={"required": _("Say whether you are satisfied.")},
            ),
            _("Are you satisfied with how your report was handled?"),
            _("If you are not, we reopen the report and look at it again."),
        )
        self.fields["comment"] = labelled(
            forms.CharField(required=False, max_length=MAX_COMMENT, widget=forms.Textarea(attrs={"rows": 4})),
            _("Comment"),
            _("Optional. Tell us what went well or what should be done."),
        )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@service_errors
def satisfaction(request: HttpRequest, token: str) -> HttpResponse:
    question = Satisfaction.objects.select_related("request__service").filter(token=token).first()
    if question is None:
        raise NotFound("No satisfaction question with this token.")
    report = question.request
    context = {"question": question, "report": report, "service_name": pick(report.service.name)}
    if question.answered_at is not None:
        return render(request, "web/reports/satisfaction_done.html", context)
    form = SatisfactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            feedback.answer_satisfaction(
                actor=None,
                satisfaction=question,
                satisfied=form.cleaned_data["satisfied"] == "yes",
                comment=form.cleaned_data["comment"],
            )
        except InvalidInput as exc:
            apply_problems(form, exc.problems, exc.message)
        else:
            question.refresh_from_db()
            report.refresh_from_db()
            return render(request, "web/reports/satisfaction_done.html", context | {"just_answered": True})
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "web/reports/satisfaction.html", context | {"form": form}, status=status)
