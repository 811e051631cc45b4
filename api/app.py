"""The FastAPI application factory."""

import base64
import hashlib
import logging
import os
import re
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import swagger_ui_bundle
from celery import Celery
from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

import db
from api import csrf, errors
from api.csrf import CSRFMiddleware
from api.deps import Allow
from api.middleware import CSP, BodyLimit, CloseIfBodyUnread, RefuseNul, SecurityHeaders, route_body_limits
from api.routes import (
    admin,
    audio,
    auth,
    drafts,
    glossary,
    health,
    jobs,
    meetings,
    pages,
    tracking,
    transcripts,
    ui_api,
    voiceprints,
)
from db.accounts import UNIT_CODE_RULE
from db.passwords import MIN_LENGTH, RULE
from ketluan.roles import Can
from ketluan.settings import Settings, get_settings
from services.jobs import QUEUE_FOR_STAGE, TASK_FOR_STAGE, Send

# Air-gapped: FastAPI's OpenTelemetry hooks must never set up an OTLP exporter (the OTLP
# packages are installed as dependencies), whatever the environment says.
os.environ["FASTAPI_OTEL_AUTO_CONFIGURE"] = "false"
os.environ["OTEL_SDK_DISABLED"] = "true"

HERE = Path(__file__).resolve().parent
log = logging.getLogger(__name__)

DESCRIPTION = """API của ketluan: cuộc họp, bản ghi âm, công việc xử lý, bản chép lời,
dự thảo thông báo kết luận. Xác thực bằng cookie phiên (giao diện web) hoặc
`Authorization: Bearer <mã>` (lấy mã qua `POST /api/auth/login` hoặc `/api/auth/tokens`).
Dùng cookie phiên cho POST/PUT/PATCH/DELETE thì phải gửi kèm tiêu đề `X-CSRF-Token`
(trường `csrf_token` khi đăng nhập); trong trang này, hãy bấm Authorize và dùng mã bearer.
Lỗi trả về dạng `{"detail": {"code", "message", "hint"}}` bằng tiếng Việt."""


GIL_SWITCH_SECONDS = 0.0005


def create_app(settings: Settings | None = None, send: Send | None = None) -> FastAPI:
    """Build the app. `send(job_id, stage)` publishes a job message (default: Celery)."""
    settings = settings or get_settings()
    # Every request hands work between the event loop and the thread pool. With CPython's
    # default 5 ms GIL switch interval each hand-off can wait behind a busy thread, which
    # capped one process at ~170 job-status requests/s (p99 9.8 s); 0.5 ms: 200/s, p99 43 ms
    # (bench/RESULTS.md, Service).
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    # The stock /docs and /redoc pages load JavaScript from a CDN; ours serve vendored files.
    app = FastAPI(
        title="ketluan",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served below, as settings.api_docs says
    )
    engine = db.connect(settings.db_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = db.sessionmaker_for(engine)
    app.state.store = db.FileStore(settings.files_dir)
    app.state.store.remove_abandoned()  # uploads cut short when this machine's API last died
    app.state.send = send or celery_sender(settings)
    # The web UI (another issue) renders Jinja2 templates and serves vendored assets from here.
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.templates.env.globals["csrf_token"] = csrf.token_for_request  # base.html <meta>

    # the rules the forms state (the API refuses with the same words)
    app.state.templates.env.globals.update(password_rule=RULE, password_min=MIN_LENGTH, unit_code_rule=UNIT_CODE_RULE)
    # Times as the office reads them, in its time zone, whatever the server's clock is set to
    # (a server on UTC showed a draft saved at 09:30 in Hà Nội as 02:30).
    zone = ZoneInfo(settings.tracking_timezone)
    app.state.templates.env.filters["local_time"] = lambda at, fmt="%d/%m/%Y %H:%M": (
        at.astimezone(zone).strftime(fmt) if at else ""
    )
    app.state.templates.env.filters["file_size"] = file_size
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    if settings.api_docs != "off":
        _offline_docs(app, public=settings.api_docs == "public")
    app.add_middleware(CSRFMiddleware, trusted_origins=settings.trusted_origins)
    app.add_middleware(CloseIfBodyUnread)  # also closes after an early CSRF refusal
    app.add_middleware(BodyLimit, limits=route_body_limits(app, settings.max_upload_bytes))
    app.add_middleware(RefuseNul)
    app.add_middleware(SecurityHeaders)  # outermost: on every answer, refusals included
    errors.install(app)
    routers = (health, auth, meetings, audio, jobs, transcripts, drafts, admin, voiceprints, glossary, tracking, ui_api)
    for module in routers:
        app.include_router(module.router)
    pages.install(app)  # the web pages: a sub-application at "/", after every API route
    return app


def _offline_docs(app: FastAPI, public: bool) -> None:
    """/openapi.json, and Swagger UI at /docs from the swagger-ui-bundle wheel (nothing fetched
    from the network); for signed-in admins only unless `public`."""
    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")
    guard = [] if public else [Depends(Allow.to(Can.ADMINISTER))]

    @app.get("/openapi.json", include_in_schema=False, dependencies=guard)
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False, dependencies=guard)
    def docs() -> HTMLResponse:
        page = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="ketluan — API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},  # no badge from validator.swagger.io
        )
        # Swagger UI starts from an inline script: allow exactly that script, by its hash.
        hashes = " ".join(
            "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
            for s in re.findall(r"<script>(.*?)</script>", bytes(page.body).decode(), re.S)
        )
        page.headers["content-security-policy"] = CSP.replace("script-src 'self'", f"script-src 'self' {hashes}")
        return page


def celery_sender(settings: Settings) -> Send:
    """Publish job messages to the worker's queues (the message contract is services/jobs.py;
    the API never imports the worker)."""
    celery = Celery("ketluan", broker=settings.celery_broker_url, set_as_current=False)
    celery.conf.update(
        broker_connection_retry_on_startup=True,
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
    )

    def send(job_id: int, stage: str) -> None:
        celery.send_task(TASK_FOR_STAGE[stage], args=[job_id], queue=QUEUE_FOR_STAGE[stage])

    return send


def file_size(size: int) -> str:
    """A file's size as offices read it: "21 byte", "1,5 KB", "2,3 MB" (a small evidence
    file showed as "0.0 KB")."""
    if size < 1024:
        return f"{size} byte"
    value, unit = (size / 1024, "KB") if size < 1024 * 1024 else (size / 1024 / 1024, "MB")
    return f"{value:.1f} {unit}".replace(".", ",")
