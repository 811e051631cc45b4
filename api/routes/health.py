"""Liveness for nginx and monitoring (no login)."""

from fastapi import APIRouter, Request
from sqlalchemy import text

router = APIRouter(tags=["Hệ thống"])


@router.get("/api/health")
def health(request: Request) -> dict:
    """Máy chủ và cơ sở dữ liệu có hoạt động không."""
    with request.app.state.engine.connect() as c:
        c.execute(text("SELECT 1"))
    return {"status": "ok"}
