"""One conversation of the webcare inbox: its thread, and the team's actions on it (assign, reply with
a canned reply's preview, convert to a service request, note, close, reopen). Each action is a POST to
the same page with ``action``; a refused action shows the page again with the problems (status 400)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from openingup.core.errors import FieldProblem, InvalidInput
from openingup.reports import queries as reports
from openingup.social import permissions
from openingup.social.inbox import canned, queries, replies, services, timing, workflow
from openingup.social.inbox.models import CannedReply, InboxItem
from openingup.web.views.common import service_errors

ACTIONS = ("assign", "reply", "preview", "convert", "note", "close", "reopen")


def _canned_text(reply: CannedReply, language: str) -> str:
    texts = reply.texts or {}
    return (
        texts.get(language) or texts.get(translation.get_language() or "") or next(iter(texts.values()), "")
    )


def _preview(request: HttpRequest, item: InboxItem, form: dict[str, str]) -> dict[str, Any]:
    """The reply text with the chosen canned reply and the conversation's values filled in."""
    text = form["text"]
    if form["canned"] and not text.strip():
        chosen = next(
            (r for r in queries.canned_replies(request.user, item.channel) if str(r.pk) == form["canned"]),
            None,
        )
        if chosen is None:
            raise InvalidInput(
                _("Choose a canned reply of this channel."), [FieldProblem("canned", "unknown")]
            )
        text = _canned_text(chosen, item.language)
    filled = canned.fill(text, replies.placeholder_values(item))
    return {"text": filled, "open": canned.open_placeholders(filled)}


def _act(request: HttpRequest, item: InboxItem, action: str, form: dict[str, str]) -> str:
    """Run one action; returns the confirmation to show. Raises the services' errors."""
    user = request.user
    if action == "assign":
        team = next((t for t in queries.teams(item.channel) if str(t.pk) == form["team"]), None)
        person = (
            get_user_model().objects.filter(pk=form["assignee"]).first()
            if form["assignee"].isdigit()
            else None
        )
        if (form["team"] and team is None) or (form["assignee"] and person is None):
            raise InvalidInput(
                _("Choose a team and person from the lists."), [FieldProblem("team", "unknown")]
            )
        services.assign(actor=user, item=item, team=team, assignee=person)
        return _("The conversation was assigned.") if team or person else _("The conversation is unassigned.")
    if action == "reply":
        replies.reply(actor=user, item=item, text=form["text"])
        return _("Your reply was sent.")
    if action == "convert":
        request_, _sent = replies.convert_to_service_request(
            actor=user,
            item=item,
            service_code=form["service_code"],
            address=form["address"],
            text=form["text"],
        )
        return _("Service request %(id)s was filed and the link was sent.") % {"id": request_.pk}
    if action == "note":
        services.add_note(actor=user, item=item, text=form["note"])
        return _("The note was added.")
    if action == "close":
        services.close(actor=user, item=item)
        return _("The conversation was closed.")
    services.reopen(actor=user, item=item)
    return _("The conversation was reopened.")


def _context(request: HttpRequest, item: InboxItem) -> dict[str, Any]:
    messages_ = queries.thread(item)
    last = item.last_incoming
    can_act = permissions.can_handle_conversation(request.user, item.channel)
    return {
        "item": item,
        "state_label": workflow.LABELS.get(item.state, item.state),
        "thread": messages_,
        "notes": queries.notes(item),
        "history": queries.actions(item),
        "can_act": can_act,
        "can_answer": can_act and workflow.allowed(item.state, workflow.ANSWER),
        "can_close": can_act and workflow.allowed(item.state, workflow.CLOSE),
        "can_reopen": can_act and workflow.allowed(item.state, workflow.REOPEN),
        "teams": queries.teams(item.channel) if can_act else [],
        "people": list(queries.team_members(item.channel)) if can_act else [],
        "canned_replies": queries.canned_replies(request.user, item.channel) if can_act else [],
        "report_services": list(reports.services()) if can_act else [],
        "due": timing.first_response_due(item.channel, item.opened_at)
        if item.first_response_at is None
        else None,
        "first_response_hours": _hours(item.first_response_seconds),
        "resolution_hours": _hours(item.resolution_seconds),
        "place": last.place if last else "",
        "placeholders": ["{" + p + "}" for p in canned.PLACEHOLDERS],
        "form": {
            "text": "",
            "canned": "",
            "team": "",
            "assignee": "",
            "note": "",
            "service_code": "",
            "address": "",
        },
        "problems": [],
        "preview": None,
    }


def _hours(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 3600:.1f}"


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@service_errors
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.item(request.user, pk)
    context = _context(request, item)
    if request.method == "GET":
        return render(request, "web/social/conversation.html", context)
    action = request.POST.get("action", "")
    form = {key: request.POST.get(key, "") for key in context["form"]}
    context["form"] = form
    try:
        if action not in ACTIONS:
            raise InvalidInput(_("Unknown action."), [FieldProblem("action", f"{action!r} is not an action")])
        if action == "preview":
            context["preview"] = _preview(request, item, form)
            form["text"] = context["preview"]["text"]
            return render(request, "web/social/conversation.html", context)
        done = _act(request, item, action, form)
    except InvalidInput as exc:
        context["problems"] = exc.problems or [FieldProblem(action, exc.message)]
        context["problem_message"] = exc.message
        return render(request, "web/social/conversation.html", context, status=400)
    flash.success(request, done)
    return redirect("web:social-conversation", pk=item.pk)
