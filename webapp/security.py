"""Security headers on every response, errors and static files included; the Host header checked.

Pages write the Host a request came to into permalinks, canonical links, copy buttons and
exports, and a DNS-rebinding page (evil.example resolving to 127.0.0.1) could read the API
from a browser on this machine. So a request is answered only when its Host is a loopback name
(127.0.0.1, localhost, [::1]), the host of the configured base URL, or the configured listen
address when that is a real name or address (not 0.0.0.0); anything else is 400.

Pages use no inline script, inline style or event-handler attribute, so the CSP allows scripts
and styles from our own origin only (tests/test_web_security.py checks every page for inline
code). The app has no write or admin endpoint: every route is GET but the excerpts export, a
POST that turns the posted list into a file and stores nothing (also tested).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
ANY_ADDRESS = frozenset({"", "0.0.0.0", "::"})


def split_host(host: str) -> tuple[str, int | None]:
    """("name", port or None) of a Host header value; ("", None) when it cannot be read."""
    try:
        parts = urlsplit("//" + host)
        return (parts.hostname or "").lower(), parts.port
    except ValueError:
        return "", None


def allowed_hosts(config) -> set[tuple[str, int | None]]:
    """(name, port) pairs this app answers to; port None: any port."""
    port = config.get("PORT")            # set by `reportsearch serve`; tests and embedders may leave it out
    out = {(name, port) for name in LOOPBACK}
    host = str(config.get("HOST") or "").strip("[]").lower()
    if host not in ANY_ADDRESS:
        out.add((host, port))
    if config.get("BASE_URL"):
        name, base_port = split_host(urlsplit(config["BASE_URL"]).netloc)
        if name:
            out.add((name, base_port))
    return out


def host_allowed(host: str, allowed: set[tuple[str, int | None]]) -> bool:
    name, port = split_host(host)
    return any(name == a and (a_port is None or port in (None, a_port)) for a, a_port in allowed)


def register(app) -> None:
    @app.before_request
    def check_host():
        if not host_allowed(request.host, allowed_hosts(current_app.config)):
            from .errors import error_response
            return error_response(400, "不接受这个主机名（Host）的请求：请用 127.0.0.1 或 localhost 访问；"
                                       "在其他地址上提供服务时，请用 --base-url 设置对外网址")

    @app.after_request
    def headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
