"""Permalinks and every other URL, built in one place for the web pages, the JSON API and the CLI.

The links a result carries at the end of the flow (page or JSON), and the search URLs that
start it again.

Paths are relative; ``absolute`` joins them to a base URL (the configured --base-url, or the
request's own host), so a link copied into a note works from anywhere.
"""
from __future__ import annotations

from urllib.parse import quote, urlencode


def _query(params: dict) -> str:
    args = {k: v for k, v in params.items() if v not in (None, "")}
    return "?" + urlencode(args) if args else ""


def paragraph_path(pid: str, **params) -> str:
    """/p/<id>; params (the search that led here) ride along for highlighting and the way back."""
    return f"/p/{quote(pid)}" + _query(params)


def report_path(report_id: str, **params) -> str:
    return f"/r/{quote(report_id)}" + _query(params)


def search_path(query: str, **params) -> str:
    return "/" + _query({"q": query, **params})


def facets_path(query: str, **params) -> str:
    return "/facets" + _query({"q": query, **params})


def export_path(fmt: str, query: str, **params) -> str:
    return f"/export.{fmt}" + _query({"q": query, **params})


def absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path
