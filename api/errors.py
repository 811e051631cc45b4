"""KetluanError → a clear Vietnamese 4xx JSON body: {"detail": {"code", "message", "hint"}}."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, StatementError

from ketluan.errors import KetluanError, RateLimited

log = logging.getLogger(__name__)

STATUS = {
    "input": 400,
    "filename": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "too_large": 413,
    "rate_limited": 429,
    "audio": 422,
    "document": 422,
    "model": 503,
    "database": 503,
}


OUT_OF_RANGE = (
    "out_of_range",
    "Giá trị gửi lên nằm ngoài phạm vi cho phép (số quá lớn, ngày quá xa hoặc ký tự không hợp lệ).",
    "Kiểm tra lại mã số, ngày tháng và nội dung rồi gửi lại.",
)


def body(code: str, message: str, hint: str = "", **extra) -> dict:
    return {"detail": {"code": code, "message": message, "hint": hint, **extra}}


def refused_value(exc: StatementError) -> bool:
    """The database (or its driver) refused a value the checks above it let through: a number
    past its integer range (SQLite: OverflowError; PostgreSQL: DataError), a NUL character."""
    return isinstance(exc, DataError) or isinstance(exc.orig, OverflowError | ValueError)


def install(app: FastAPI) -> None:
    @app.exception_handler(KetluanError)
    async def _ketluan(request: Request, exc: KetluanError) -> JSONResponse:
        status = STATUS.get(exc.code, 400)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if isinstance(exc, RateLimited):
            headers = {"Retry-After": str(exc.retry_after)}
        return JSONResponse(body(exc.code, exc.message, exc.hint, **exc.extra), status, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "problem": e.get("msg", "")} for e in exc.errors()
        ]
        fields = ", ".join(p["field"] or "(thân yêu cầu)" for p in problems)
        return JSONResponse(
            body(
                "validation",
                f"Dữ liệu gửi lên không hợp lệ ở: {fields}.",
                "Kiểm tra lại các trường được nêu rồi gửi lại.",
                errors=problems,
            ),
            422,
        )

    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError) -> JSONResponse:
        # An id or offset past 2^63-1, a date past year 9999 once a deadline is added to it.
        return JSONResponse(body(*OUT_OF_RANGE), 400)

    @app.exception_handler(StatementError)
    async def _statement(request: Request, exc: StatementError) -> JSONResponse:
        if refused_value(exc):
            log.warning("value refused by the database on %s %s: %s", request.method, request.url.path, exc.orig)
            return JSONResponse(body(*OUT_OF_RANGE), 400)
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(
            body(
                "internal",
                "Máy chủ gặp lỗi không mong đợi.",
                "Thử lại sau ít phút; nếu lỗi lặp lại, báo quản trị viên (xem nhật ký máy chủ).",
            ),
            500,
        )
