"""Online study: the material page, its heartbeat and the video served with Range (issue #12).

Only the enrolled person studies (the page, the heartbeat and the video: 404 for anyone
else); the video is served from our own storage with HTTP Range, so the page needs no
third-party player and makes no outside request.
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from grassroots.trainings.models import Session
from grassroots.trainings.services import checkin, online

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 256 * 1024


def progress_data(session: Session, seconds: int, done: bool) -> dict[str, object]:
    return {
        "seconds": seconds,
        "required": online.required_seconds(session),
        "material_seconds": session.material_seconds,
        "done": done,
    }


@login_required
@require_GET
def study(request: HttpRequest, pk: int) -> HttpResponse:
    session = checkin.studied_session(request.user, pk)
    row = online.progress_of(request.user, session)
    try:
        online.require_online(session)
        closed = ""
    except checkin.Refused as exc:
        closed = exc.messages[0]
    present = session.attendances.filter(enrolment__user_id=request.user.pk).exists()
    return render(
        request,
        "trainings/checkin/study.html",
        {
            "session": session,
            "seconds": row.seconds if row else 0,
            "required": online.required_seconds(session),
            "present": present,
            "closed": closed,
            "beat_every": online.BEAT,
        },
    )


@login_required
@require_POST
def beat(request: HttpRequest, pk: int) -> HttpResponse:
    session = checkin.studied_session(request.user, pk)
    try:
        row, attendance = online.beat(actor=request.user, session=session)
    except checkin.Refused as exc:
        return JsonResponse({"detail": exc.messages[0], "code": exc.code}, status=exc.status)
    done = attendance is not None or session.attendances.filter(enrolment=row.enrolment).exists()
    return JsonResponse(progress_data(session, row.seconds, done))


def _ranged(request: HttpRequest, session: Session) -> HttpResponse:
    handle = session.material_file.open("rb")
    size = session.material_file.size
    content_type = "video/webm" if session.material_file.name.endswith(".webm") else "video/mp4"
    match = RANGE.match(request.headers.get("Range", ""))
    if not match or not (match.group(1) or match.group(2)):
        response: HttpResponse = FileResponse(handle, content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = match.group(1), match.group(2)
    if first:
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
    else:  # the last N bytes
        start, end = max(0, size - int(last)), size - 1
    if start >= size or start > end:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    handle.seek(start)

    def chunks(left: int = end - start + 1):  # noqa: B008 - a default computed once, on purpose
        try:
            while left > 0:
                data = handle.read(min(CHUNK, left))
                if not data:
                    break
                left -= len(data)
                yield data
        finally:
            handle.close()

    response = StreamingHttpResponse(chunks(), status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    return response


@login_required
@require_GET
def video(request: HttpRequest, pk: int) -> HttpResponse:
    session = checkin.studied_session(request.user, pk)
    if session.material_kind != Session.MaterialKind.VIDEO or not session.material_file:
        raise Http404
    if session.cancelled:
        raise PermissionDenied
    response = _ranged(request, session)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
