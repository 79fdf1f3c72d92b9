"""The social media dashboard: volume, sentiment, topics and response times of the channels a person
sees, as server-rendered SVG charts with their data tables; ``?format=json`` gives the same figures."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from openingup.core.errors import NotFound
from openingup.datastore.charts import Series, bar_chart, line_chart
from openingup.social import analytics
from openingup.social.inbox import queries
from openingup.social.models import Message
from openingup.web.views.common import service_errors

SENTIMENT_LABELS = dict(Message.Sentiment.choices)


def _period(request: HttpRequest) -> tuple[analytics.Period, list[str]]:
    today = timezone.localdate(timezone.now(), analytics.webcare_zone())
    problems = []
    try:
        days = int(request.GET.get("days", "30"))
        if not 1 <= days <= analytics.MAX_DAYS:
            raise ValueError
    except ValueError:
        problems.append(
            _("The period must be a whole number of days from 1 to %(max)s.") % {"max": analytics.MAX_DAYS}
        )
        days = 30
    try:
        end = date.fromisoformat(request.GET["end"]) if request.GET.get("end") else today
    except ValueError:
        problems.append(_("The end date must be written as YYYY-MM-DD."))
        end = today
    period = analytics.Period.ending(end, days)
    bucket = request.GET.get("bucket", "")
    if bucket in ("day", "week", "month"):
        period = analytics.Period(period.start, period.end, bucket)
    elif bucket:
        problems.append(_("Group by day, week or month."))
    return period, problems


def _charts(figures: dict[str, Any]) -> dict[str, str]:
    buckets = figures["buckets"]
    direction = {"in": _("incoming"), "out": _("outgoing")}
    volume = [
        Series(f"{row['name']} ({direction[row['direction']]})", [float(n) for n in row["counts"]])
        for row in figures["volume"]
    ]
    sentiment = [
        Series(str(SENTIMENT_LABELS[k]), [float(n) for n in v]) for k, v in figures["sentiment"].items()
    ]
    times = figures["response_times"]["channels"]
    charts = {
        "volume": line_chart(buckets, volume, title=_("Messages over time"), y_label=_("Messages"))
        if volume
        else "",
        "sentiment": line_chart(
            buckets, sentiment, title=_("Sentiment of incoming messages"), y_label=_("Messages")
        ),
        "topics": bar_chart(
            [t["topic"] for t in figures["topics"]],
            [Series(_("Messages"), [float(t["messages"]) for t in figures["topics"]])],
            title=_("Top topics"),
            y_label=_("Messages"),
        )
        if figures["topics"]
        else "",
        "response": bar_chart(
            [row["name"] for row in times],
            [
                Series(_("Median first response"), [row["median_first_response_hours"] for row in times]),
                Series(_("Target"), [row["first_response_target_hours"] for row in times]),
            ],
            title=_("First response in business hours, against the target"),
            y_label=_("Business hours"),
        )
        if times
        else "",
    }
    return charts


@login_required
@never_cache
@require_safe
@service_errors
def dashboard(request: HttpRequest) -> HttpResponse:
    channels = queries.inbox_channels(request.user)
    chosen = request.GET.get("channel", "")
    if chosen:
        channels = [c for c in channels if str(c.pk) == chosen]
        if not channels:
            raise NotFound(f"No channel {chosen!r}.")
    period, problems = _period(request)
    figures = analytics.dashboard(channels, period)
    if request.GET.get("format") == "json":
        body = json.dumps(figures, ensure_ascii=False, indent=2)
        return HttpResponse(body, content_type="application/json", status=400 if problems else 200)
    sentiment_rows = list(zip(figures["buckets"], *figures["sentiment"].values(), strict=True))
    volume_rows = [
        (bucket, *(row["counts"][i] for row in figures["volume"]))
        for i, bucket in enumerate(figures["buckets"])
    ]
    context = {
        "figures": figures,
        "charts": _charts(figures),
        "problems": problems,
        "all_channels": queries.inbox_channels(request.user),
        "chosen": chosen,
        "days": (period.end - period.start).days + 1,
        "sentiment_labels": [SENTIMENT_LABELS[k] for k in figures["sentiment"]],
        "sentiment_rows": sentiment_rows,
        "volume_rows": volume_rows,
        "json_query": request.GET.urlencode(),
    }
    return render(request, "web/social/dashboard.html", context, status=400 if problems else 200)
