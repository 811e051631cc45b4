"""The web interface: Vietnamese pages rendered on the server, with small vanilla JS.

A sub-application mounted at "/" after the API, so that its failures are pages (a sign-in
redirect, a refusal page) while the API's stay JSON. Each page declares its roles with the
same Allow(...) as the API and reads its data through the API's own route functions; what the
page changes goes through the JSON API from the browser (api/static/app.js).
"""

import datetime as dt
import posixpath
from typing import Annotated
from urllib.parse import quote, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

import db
from api.deps import (
    DB,
    DON_VI,
    THEO_DOI,
    Account,
    Admin,
    Listener,
    OfficeReader,
    Preparer,
    Recorder,
    Tracker,
    all_units,
    bearer_or_cookie,
)
from api.errors import OUT_OF_RANGE, STATUS, refused_value
from api.routes import admin as admin_routes
from api.routes import drafts as draft_routes
from api.routes import meetings as meeting_routes
from api.routes import tracking as tracking_routes
from api.routes import ui_api
from api.routes import voiceprints as voiceprint_routes
from api.schemas import JobOut
from db import accounts
from diarize.voiceprints import sure_similarity
from drafting.meeting import FORMATS
from drafting.wording import form_defaults
from ketluan.errors import AccessDenied, AuthError, InputError, KetluanError
from ketluan.roles import Can, Role, can
from tracking import reports as tracking_reports
from tracking import tasks as tracking_tasks
from tracking.daily import local_today
from tracking.status import KINDS, LEVELS, OPEN_OVERDUE, SPECIAL_RED, rules_from
from tracking.tasks import RETURNED_LEVEL

router = APIRouter()


def install(app: FastAPI) -> None:
    """Mount the pages under "/" (after every API route) sharing the app's state."""
    pages = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    pages.state = app.state
    pages.include_router(router)

    @pages.exception_handler(AuthError)
    async def _signin(request: Request, exc: AuthError) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", 303)

    @pages.exception_handler(KetluanError)
    async def _refused(request: Request, exc: KetluanError) -> Response:
        status = 403 if isinstance(exc, AccessDenied) else STATUS.get(exc.code, 400)
        return _error_page(request, status, exc.message, exc.hint)

    @pages.exception_handler(OverflowError)
    @pages.exception_handler(StatementError)
    async def _out_of_range(request: Request, exc: Exception) -> Response:
        if isinstance(exc, StatementError) and not refused_value(exc):
            raise exc
        return _error_page(request, 400, OUT_OF_RANGE[1], OUT_OF_RANGE[2])

    @pages.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return _error_page(request, 422, "Địa chỉ trang không hợp lệ.", "Quay lại trang trước và chọn lại.")

    app.mount("/", pages)


# -- pages ------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request, s: DB) -> Response:
    token = bearer_or_cookie(request)
    user = accounts.user_for_token(s, token) if token else None
    if user is None:
        return RedirectResponse("/login", 303)
    if user.role_code == Role.LANH_DAO:  # the leader's landing page, not the technical job list
        return RedirectResponse("/leader", 303)
    tracking_first = user.role_code in (THEO_DOI, DON_VI)
    return RedirectResponse("/tracking" if tracking_first else "/meetings", 303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/", changed: bool = False) -> Response:
    return _render(request, "login.html", None, next=same_origin_path(next), changed=changed)


@router.get("/account", response_class=HTMLResponse)
def account_page(request: Request, user: Account) -> Response:
    return _render(request, "account.html", user)


@router.get("/meetings", response_class=HTMLResponse)
def meetings_page(
    request: Request, user: OfficeReader, s: DB, q: Annotated[str | None, Query(max_length=200)] = None
) -> Response:
    rows = meeting_routes.list_meetings(user, s, q, 0, 100)
    latest: dict[int, JobOut] = {}
    if rows:
        jobs = s.scalars(select(db.Job).where(db.Job.meeting_id.in_([m.id for m in rows])).order_by(db.Job.id.desc()))
        for job in jobs:
            if job.meeting_id is not None:
                latest.setdefault(job.meeting_id, JobOut.of(job))
    state = meeting_routes.meetings_state(user, s)  # app.js polls it and reloads the list on change
    return _render(request, "meetings.html", user, meetings=rows, jobs=latest, q=q or "", list_key=state.key)


@router.get("/leader", response_class=HTMLResponse)
def leader_page(request: Request, user: OfficeReader, s: DB) -> Response:
    """A leader's landing page: overdue and due-soon tasks by unit, completion rates, and the
    meetings of this week."""
    today = local_today(request.app.state.settings)
    # counts only: no task content or quotes are shown, so this is not a read of the tasks
    units = tracking_reports.by_unit(tracking_reports.task_rows(s, today, rules_from(request.app.state.settings), user))
    total = sum(u["total"] for u in units)
    done = sum(u["done"] for u in units)
    monday = today - dt.timedelta(days=today.weekday())
    sunday = monday + dt.timedelta(days=6)
    q = select(db.Meeting).where(db.Meeting.date >= monday, db.Meeting.date <= sunday)
    if not all_units(user):
        q = q.where(db.Meeting.unit_id == user.unit_id)
    week = list(s.scalars(q.order_by(db.Meeting.date, db.Meeting.id)))
    drafted = (
        set(s.scalars(select(db.DraftVersion.meeting_id).where(db.DraftVersion.meeting_id.in_([m.id for m in week]))))
        if week
        else set()
    )
    return _render(
        request,
        "leader.html",
        user,
        units=units,
        on=today,
        monday=monday,
        sunday=sunday,
        totals={
            "total": total,
            "done": done,
            "rate": round(100 * done / total) if total else 0,
            "overdue": sum(u["overdue"] for u in units),
            "near_due": sum(u["near_due"] for u in units),
            "awaiting": sum(u["awaiting"] for u in units),
        },
        week=week,
        drafted=drafted,
    )


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, user: Recorder, s: DB) -> Response:
    units = list(s.scalars(select(db.Unit).order_by(db.Unit.code))) if all_units(user) else []
    return _render(request, "upload.html", user, units=units, notice_defaults={f: form_defaults(f) for f in FORMATS})


@router.get("/meetings/{meeting_id}/edit", response_class=HTMLResponse)
def meeting_edit_page(request: Request, meeting_id: int, user: Recorder, s: DB) -> Response:
    meeting = meeting_routes.get_meeting(meeting_id, user, s)
    return _render(request, "meeting_edit.html", user, meeting=meeting)


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse)
def transcript_page(request: Request, meeting_id: int, user: Listener, s: DB) -> Response:
    meeting = meeting_routes.get_meeting(meeting_id, user, s)

    return _render(
        request,
        "transcript.html",
        user,
        meeting=meeting,
        can_edit=can(user.role_code, Can.DRAFT),
        sure=sure_similarity(request.app.state.settings),
    )


@router.get("/meetings/{meeting_id}/draft", response_class=HTMLResponse)
def draft_page(request: Request, meeting_id: int, user: OfficeReader, s: DB) -> Response:
    meeting = meeting_routes.get_meeting(meeting_id, user, s)
    drafts = draft_routes.list_drafts(meeting_id, user, s)
    defaults = form_defaults(meeting.format, meeting.issuing_body, meeting.chair)
    return _render(
        request,
        "draft.html",
        user,
        meeting=meeting,
        drafts=drafts,
        authors=_usernames(s, {d.created_by for d in drafts}),
        notice_defaults=defaults,
        can_edit=can(user.role_code, Can.DRAFT),
        can_import=can(user.role_code, Can.TRACK),
        can_listen=can(user.role_code, Can.LISTEN),
    )


@router.get("/tracking", response_class=HTMLResponse)
def tracking_page(
    request: Request,
    user: Account,
    s: DB,
    status: str = "",
    unit: Annotated[str, Query(alias="unit_id")] = "",
    notice: Annotated[str, Query(alias="notice_id")] = "",
    since: Annotated[str, Query(alias="issued_from")] = "",
    until: Annotated[str, Query(alias="issued_to")] = "",
) -> Response:
    page, unit_id, notice_id, issued_from, issued_to = _listed(request, user, s, status, unit, notice, since, until)
    filters = {
        "status": status or "",
        "unit_id": unit_id,
        "notice_id": notice_id,
        "issued_from": issued_from.isoformat() if issued_from else "",
        "issued_to": issued_to.isoformat() if issued_to else "",
    }
    filtered = any(filters.values())
    board: dict | tracking_routes.DashboardOut  # the template reads either the same way
    if filtered:  # the cards count what the list shows
        board = _board(page.items)
    else:
        board = tracking_routes.dashboard(request, user, s, None)
    notices = tracking_routes.list_notices(user, s) if user.role_code != DON_VI else []
    # every unit the user may see, once, under its own name: not only those in this result
    units = tracking_reports.lead_units(s, user)
    # the exports carry every active filter
    query = urlencode({k: v for k, v in filters.items() if v})
    return _render(
        request,
        "tracking.html",
        user,
        page=page,
        board=board,
        notices=notices,
        units=units,
        statuses=tracking_reports.FILTERS,
        levels=LEVELS,
        filters=filters,
        filtered=filtered,
        export_query=query,
        can_track=can(user.role_code, Can.TRACK),
        my_unit=user.unit_id if user.role_code == DON_VI else None,
    )


def _usernames(s, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(s.execute(select(db.User.id, db.User.username).where(db.User.id.in_(ids))).all())


def _listed(
    request: Request, user: db.User, s: Session, status: str, unit: str, notice: str, since: str, until: str
) -> tuple:
    """The task list under the page's filters, and the filters read. A GET form sends empty
    fields as "": read them as "no filter"."""
    unit_id, notice_id = _number(unit, "đơn vị"), _number(notice, "văn bản")
    issued_from, issued_to = _day(since, "ngày ban hành từ"), _day(until, "ngày ban hành đến")
    page = tracking_routes.list_tasks(
        request, user, s, None, status or None, unit_id, notice_id, issued_from, issued_to, None, 0, 1000
    )
    return page, unit_id, notice_id, issued_from, issued_to


def _board(rows) -> dict:
    """The dashboard's cards over the listed rows (a filtered list): warnings per level and
    overdue tasks per unit, as tracking_routes.dashboard counts them over everything."""
    warnings_: dict[str, int] = {}
    by_unit: dict[tuple, list[int]] = {}
    for r in rows:
        if r.warning and not r.done:
            warnings_[r.warning] = warnings_.get(r.warning, 0) + 1
        if r.status == OPEN_OVERDUE:
            n = by_unit.setdefault((r.lead_unit_id, r.lead), [0, 0])
            n[0] += 1
            n[1] += r.warning == SPECIAL_RED
    overdue = [
        {"unit": name, "overdue": n, "special": sp}
        for (_, name), (n, sp) in sorted(by_unit.items(), key=lambda x: -x[1][0])
    ]
    return {"warnings": warnings_, "overdue_by_unit": overdue}


@router.get("/tracking/print", response_class=HTMLResponse)
def tracking_print(
    request: Request,
    user: Account,
    s: DB,
    status: str = "",
    unit: Annotated[str, Query(alias="unit_id")] = "",
    notice: Annotated[str, Query(alias="notice_id")] = "",
    since: Annotated[str, Query(alias="issued_from")] = "",
    until: Annotated[str, Query(alias="issued_to")] = "",
) -> Response:
    """The task list as printed for a meeting or a report: the same filters as /tracking."""
    page, unit_id, notice_id, issued_from, issued_to = _listed(request, user, s, status, unit, notice, since, until)
    described = []
    if status:
        described.append(f"trạng thái: {tracking_reports.FILTERS.get(status, status)}")
    if unit_id:
        described.append(f"đơn vị: {dict(tracking_reports.lead_units(s, user)).get(unit_id, unit_id)}")
    if notice_id:
        number = s.scalar(select(db.TrackedNotice.number).where(db.TrackedNotice.id == notice_id))
        described.append(f"văn bản: {number or notice_id}")
    if issued_from or issued_to:
        described.append(
            "ban hành "
            + " ".join(
                x
                for x in (
                    f"từ {issued_from:%d/%m/%Y}" if issued_from else "",
                    f"đến {issued_to:%d/%m/%Y}" if issued_to else "",
                )
                if x
            )
        )
    return _render(request, "print_tasks.html", user, page=page, described=described)


@router.get("/tracking/tasks/{task_id}/print", response_class=HTMLResponse)
def task_print(request: Request, task_id: int, user: Account, s: DB) -> Response:
    """One task and its whole history, for the file."""
    task = tracking_routes.get_task(task_id, request, user, s, None)
    zone = ZoneInfo(request.app.state.settings.tracking_timezone)
    return _render(
        request,
        "print_task.html",
        user,
        task=task,
        history=[(e, e.at.astimezone(zone)) for e in task.history],
        printed=dt.datetime.now(zone),
    )


@router.get("/tracking/tasks/{task_id}", response_class=HTMLResponse)
def task_page(request: Request, task_id: int, user: Account, s: DB) -> Response:
    task = tracking_routes.get_task(task_id, request, user, s, None)
    row = tracking_tasks.visible_task(s, user, task_id)
    return _render(
        request,
        "task.html",
        user,
        task=task,
        can_track=can(user.role_code, Can.TRACK),
        # A cooperating unit (đơn vị phối hợp) sees the task but only its lead unit updates it.
        can_update=tracking_tasks.may_update(row, user),
        cooperating=user.role_code == DON_VI and row.lead_unit_id != user.unit_id,
        kinds=KINDS,
        notice=row.notice,
    )


@router.get("/tracking/notifications", response_class=HTMLResponse)
def notifications_page(request: Request, user: Account, s: DB, unread: bool = False) -> Response:
    """A unit's warnings and returned results (the assigning office's own, for its staff)."""
    zone = ZoneInfo(request.app.state.settings.tracking_timezone)
    notes = tracking_routes.my_notifications(user, s, unread)
    codes = (
        dict(
            s.execute(
                select(db.TrackedTask.id, db.TrackedTask.code).where(db.TrackedTask.id.in_({n.task_id for n in notes}))
            ).all()
        )
        if notes
        else {}
    )
    return _render(
        request,
        "notifications.html",
        user,
        notes=[(n, n.created_at.astimezone(zone)) for n in notes],
        codes=codes,
        unread=unread,
        levels={**LEVELS, RETURNED_LEVEL: "Trả lại kết quả"},
    )


@router.get("/tracking/import", response_class=HTMLResponse)
def import_page(request: Request, user: Tracker) -> Response:
    return _render(request, "import.html", user)


@router.get("/tracking/units", response_class=HTMLResponse)
def unit_names_page(request: Request, user: Tracker, s: DB, unit: str = "") -> Response:
    """Unit names as the office's notices write them → the units they mean (the tracker maps)."""
    office = None if all_units(user) and not unit else unit or None
    names = tracking_routes.list_unit_names(user, s, office) if office or user.unit_id else []
    return _render(
        request,
        "units.html",
        user,
        names=names,
        units=tracking_routes.list_units(user, s),
        office=unit,
        needs_office=all_units(user) and not unit,
    )


@router.get("/glossary", response_class=HTMLResponse)
def glossary_page(request: Request, user: Preparer, s: DB) -> Response:
    """The office glossary: admins pick any unit; the unit's clerk and drafter edit their own."""
    if all_units(user):
        units = list(s.scalars(select(db.Unit).order_by(db.Unit.code)))
    else:
        units = [s.get_one(db.Unit, user.unit_id)] if user.unit_id else []
    return _render(request, "glossary.html", user, glossary_units=units)


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, user: Admin, s: DB) -> Response:
    prints: dict[int, list] = {}
    for vp in voiceprint_routes.list_voiceprints(user, s):
        if vp.speaker_id is not None:  # the page lists prints under their speaker
            prints.setdefault(vp.speaker_id, []).append(vp)
    return _render(
        request,
        "admin.html",
        user,
        users=admin_routes.list_users(user, s),
        units=admin_routes.list_units(user, s),
        speakers=admin_routes.list_speakers(user, s),
        models=ui_api.list_models(request, user),
        prints=prints,
        sure=sure_similarity(request.app.state.settings),
        roles={k: v for k, v in db.ROLES.items()},
    )


AUDIT_ACTIONS = {
    "read": "Xem",
    "download": "Tải về",
    "create": "Tạo",
    "update": "Sửa",
    "delete": "Xóa",
    "login": "Đăng nhập",
    "retry": "Chạy lại",
    "rerun": "Xử lý lại",
    "cancel": "Hủy",
}
AUDIT_OBJECTS = {
    "audio": "Bản ghi âm",
    "transcript": "Bản chép lời",
    "draft": "Dự thảo",
    "meeting": "Cuộc họp",
    "job": "Công việc xử lý",
    "user": "Tài khoản",
    "password": "Mật khẩu",
    "token": "Phiên đăng nhập",
    "unit": "Đơn vị",
    "glossary": "Từ điển",
    "speaker": "Người nói",
    "voiceprint": "Vân tay giọng nói",
    "tracking_task": "Nhiệm vụ",
    "tracking_tasks": "Danh sách nhiệm vụ",
    "tracking_evidence": "Tệp minh chứng",
    "tracking_export": "Báo cáo xuất ra",
    "tracking_import": "Văn bản nhập theo dõi",
    "tracking_job": "Công việc theo dõi",
    "tracking_unit_name": "Tên đơn vị",
    "draft_job": "Công việc dự thảo",
}
AUDIT_PAGE = 200


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    user: Admin,
    s: DB,
    username: Annotated[str, Query(max_length=64)] = "",
    action: Annotated[str, Query(max_length=32)] = "",
    object_type: Annotated[str, Query(max_length=32)] = "",
    meeting: Annotated[str, Query(alias="meeting_id", max_length=12)] = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """The audit log for the admin: who read which recording, transcript or draft, and when."""
    meeting_id = _number(meeting, "cuộc họp")
    day_from, day_to = _day(since, "từ ngày"), _day(until, "đến ngày")
    events = admin_routes.list_audit(
        request,
        user,
        s,
        meeting_id,
        username or None,
        AUDIT_PAGE + 1,
        action or None,
        object_type or None,
        day_from,
        day_to,
        offset,
    )
    more = len(events) > AUDIT_PAGE
    events = events[:AUDIT_PAGE]
    zone = ZoneInfo(request.app.state.settings.tracking_timezone)
    ids = {e.meeting_id for e in events if e.meeting_id is not None}
    titles = dict(s.execute(select(db.Meeting.id, db.Meeting.title).where(db.Meeting.id.in_(ids))).all()) if ids else {}
    filters = {
        "username": username,
        "action": action,
        "object_type": object_type,
        "meeting_id": meeting_id or "",
        "since": since,
        "until": until,
    }
    query = {k: v for k, v in filters.items() if v}
    return _render(
        request,
        "audit.html",
        user,
        events=[(e, e.at.astimezone(zone)) for e in events],
        titles=titles,
        usernames=list(s.scalars(select(db.User.username).order_by(db.User.username))),
        actions=AUDIT_ACTIONS,
        objects=AUDIT_OBJECTS,
        filters=filters,
        offset=offset,
        page_size=AUDIT_PAGE,
        more_query=urlencode({**query, "offset": offset + AUDIT_PAGE}) if more else "",
        back_query=urlencode({**query, "offset": max(0, offset - AUDIT_PAGE)}) if offset else "",
    )


# -- helpers ----------------------------------------------------------------------------


def same_origin_path(target: str) -> str:
    """`target` as a path on this site, normalised, or "/". Browsers read a backslash as a
    slash and drop tabs and newlines, so "/\\evil.example" or "/<TAB>/evil.example" would leave
    the site: anything but a plain absolute path is refused, then "." and ".." are resolved."""
    if not target.startswith("/") or any(c == "\\" or ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    path = posixpath.normpath(parts.path)
    path = "/" + path.lstrip("/")  # normpath keeps a leading "//"
    if parts.path.endswith("/") and path != "/":
        path += "/"
    return urlunsplit(("", "", path, parts.query, ""))


def _render(request: Request, name: str, user: db.User | None, code: int = 200, **context):
    templates = request.app.state.templates
    role = user.role_code if user else None
    context.update(
        user=user, role=role, roles_names=db.ROLES, can=lambda capability: can(role, Can(capability))
    )  # ketluan/roles.py
    context.update(nav=_nav(user), path=request.url.path)
    return templates.TemplateResponse(request, name, context, status_code=code)


def _error_page(request: Request, status: int, message: str, hint: str) -> Response:
    """The refusal or error page, with the menu of whoever is signed in (if anyone)."""
    token = bearer_or_cookie(request)
    with request.app.state.sessions() as s:
        user = accounts.user_for_token(s, token) if token else None
        return _render(request, "error.html", user, status, status=status, message=message, hint=hint)


def _nav(user: db.User | None) -> list[tuple[str, str]]:
    if user is None:
        return []
    role, items = user.role_code, []
    if role in (Role.LANH_DAO, Role.ADMIN):  # their landing page
        items.append(("/leader", "Tổng quan"))
    if can(role, Can.READ_MEETINGS):
        items.append(("/meetings", "Cuộc họp"))
    if can(role, Can.RECORD):
        items.append(("/upload", "Tải bản ghi"))
    items.append(("/tracking", "Theo dõi nhiệm vụ"))
    if role in (Role.DON_VI, Role.THEO_DOI):
        items.append(("/tracking/notifications", "Thông báo"))
    if can(role, Can.TRACK):
        items.append(("/tracking/import", "Nhập văn bản"))
        items.append(("/tracking/units", "Tên đơn vị"))
    if can(role, Can.PREPARE) and not can(role, Can.ADMINISTER):  # admins: on the admin page
        items.append(("/glossary", "Từ điển"))
    if can(role, Can.ADMINISTER):
        items.append(("/admin", "Quản trị"))
    return items


def _number(text: str, what: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise InputError(f"Bộ lọc {what} '{text[:20]}' không hợp lệ.", "Chọn lại trong danh sách.")
    return int(text)


def _day(text: str, what: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"Bộ lọc {what} '{text[:20]}' không phải ngày hợp lệ.", "Chọn ngày trong lịch.") from None


def _second(pair):
    return pair[1]
