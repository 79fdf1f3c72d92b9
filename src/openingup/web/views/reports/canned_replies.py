"""The back office's canned replies: the list, a new one, changing and deleting one. Administrators and
editors manage them (they are also in the Django admin)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from openingup.core.errors import InvalidInput, NotFound, PermissionDenied
from openingup.reports import permissions, workflow
from openingup.reports.models import CannedReply, Service
from openingup.reports.services import office as services
from openingup.reports.texts import pick
from openingup.web.problems import apply_problems
from openingup.web.views.common import service_errors
from openingup.web.views.reports.office_forms import CannedReplyForm


def _guard(request: HttpRequest) -> None:
    if not permissions.can_manage_canned_replies(request.user):
        raise PermissionDenied("Only administrators and editors manage canned replies.")


def _reply(pk: int) -> CannedReply:
    found = CannedReply.objects.select_related("service").filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No canned reply {pk}.")
    return found


@login_required
@never_cache
@require_safe
@service_errors
def reply_list(request: HttpRequest) -> HttpResponse:
    _guard(request)
    rows = [
        {
            "reply": r,
            "service": (pick(r.service.name) or r.service.code) if r.service else _("Every category"),
            "status": workflow.state(r.status).label if r.status in workflow.BY_KEY else _("Every status"),
        }
        for r in CannedReply.objects.select_related("service").order_by("title", "language", "id")
    ]
    return render(request, "web/reports/office/replies.html", {"rows": rows})


def _save(request: HttpRequest, reply: CannedReply | None) -> HttpResponse:
    initial = {}
    if reply is not None:
        initial = {
            "title": reply.title,
            "service": reply.service.code if reply.service else "",
            "status": reply.status,
            "language": reply.language,
            "body": reply.body,
        }
    form = CannedReplyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        service = Service.objects.filter(code=d["service"]).first() if d["service"] else None
        try:
            services.save_canned_reply(
                actor=request.user,
                reply=reply,
                title=d["title"],
                body=d["body"],
                language=d["language"],
                service=service,
                status=d["status"],
            )
        except InvalidInput as exc:
            apply_problems(form, exc.problems, exc.message)
        else:
            messages.success(request, _("The canned reply was saved."))
            return redirect("web:report-office-replies")
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request, "web/reports/office/reply_form.html", {"form": form, "reply": reply}, status=status
    )


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@service_errors
def reply_new(request: HttpRequest) -> HttpResponse:
    _guard(request)
    return _save(request, None)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@service_errors
def reply_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    return _save(request, _reply(pk))


@login_required
@require_POST
@service_errors
def reply_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    reply = _reply(pk)
    services.delete_canned_reply(actor=request.user, reply=reply)
    messages.success(request, _("The canned reply “%(title)s” was deleted.") % {"title": reply.title})
    return redirect("web:report-office-replies")
