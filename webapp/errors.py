"""One error shape: JSON {"error": {"status", "message"}} under /api/, one HTML template elsewhere.

Where the flow stops early: a query that cannot be parsed or an index that cannot be opened
becomes this page or JSON instead of a result.

Views raise and this module answers: a missing or damaged index (IndexMissing, IndexDamaged)
is 503, a query or parameter that cannot be searched (QueryError) is 400 with the library's
message, an HTTP error keeps its code, anything else is a logged 500.
"""
from __future__ import annotations

from typing import NoReturn

from flask import abort, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.errors import IndexDamaged, IndexMissing, QueryError

MESSAGES = {
    400: "请求有误",
    404: "没有找到这个页面",
    405: "不支持该请求方法",
    413: "请求过大",
    500: "服务器内部错误，请稍后再试",
    503: "索引尚未建立或为空，请先运行 reportsearch index；索引建好后本页自动恢复，无需重启",
}
# No path in it: the page is for whoever searches, the full message is in the server's log.
DAMAGED = "索引已损坏（缺少文件），请运行 reportsearch index --rebuild 重建索引；重建后本页自动恢复，无需重启"


def error_response(status: int, message: str | None = None):
    message = message or MESSAGES.get(status, "请求失败")
    if request.path.startswith("/api/"):
        response = jsonify({"error": {"status": status, "message": message}})
        response.status_code = status
        return response
    return render_template("error.html", status=status, message=message), status


def fail(status: int, message: str | None = None) -> NoReturn:
    """Stop the request with ``error_response(status, message)``, from a helper deep in a view."""
    abort(error_response(status, message))


def register(app) -> None:
    def unavailable(message: str | None = None):
        """503, to be asked again shortly: the page recovers by itself once the index is (re)built."""
        response = app.make_response(error_response(503, message))
        response.headers["Retry-After"] = "10"
        return response

    @app.errorhandler(IndexMissing)
    def no_index(exc: IndexMissing):
        return unavailable()

    @app.errorhandler(IndexDamaged)
    def damaged(exc: IndexDamaged):
        app.logger.error("%s", exc)
        return unavailable(DAMAGED)

    @app.errorhandler(QueryError)
    def bad_query(exc: QueryError):
        return error_response(400, str(exc))

    @app.errorhandler(RecursionError)
    def too_deep(exc: RecursionError):
        # Deeply nested JSON or query syntax: the request's fault, said in Chinese, no traceback.
        return error_response(400, "请求嵌套过深，无法处理")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return error_response(exc.code or 500, exc.description if exc.code == 400 else None)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        return error_response(500)
