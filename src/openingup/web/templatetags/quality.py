"""``{% quality_panel dataset %}``: the quality panel of the dataset page (score, band, top fixes)."""

from __future__ import annotations

from typing import Any

from django import template

from openingup.quality.indicators import TOTAL
from openingup.quality.permissions import can_view_quality_dashboard
from openingup.quality.queries import score_for
from openingup.web.views.quality.common import band_label, fix_rows

register = template.Library()


@register.inclusion_tag("web/quality/_panel.html")
def quality_panel(dataset: Any) -> dict[str, Any]:
    score = score_for(dataset)
    return {
        "dataset": dataset,
        "score": score,
        "maximum": TOTAL,
        "band": band_label(score.band) if score else "",
        "fixes": fix_rows(score, limit=3) if score else [],
    }


@register.inclusion_tag("web/quality/_dashboard_link.html", takes_context=True)
def quality_dashboard_link(context: dict[str, Any], organisation: Any) -> dict[str, Any]:
    """A link to the organisation's quality dashboard, for those who may see it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"organisation": organisation, "show": can_view_quality_dashboard(user, organisation)}
