from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.selectors import audit_events_for


@require_GET
def audit_log(request):
    if not request.user.has_perm("core.view_audit"):
        raise PermissionDenied
    page = Paginator(audit_events_for(user=request.user), 100).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page})
