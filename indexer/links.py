"""Permalinks, built in one place for the web pages, the JSON API and the CLI."""
from __future__ import annotations

from urllib.parse import quote, urlencode


def paragraph_path(pid: str) -> str:
    return f"/p/{quote(pid)}"


def report_path(report_id: str) -> str:
    return f"/r/{quote(report_id)}"


def search_path(query: str, **params) -> str:
    args = {"q": query, **{k: v for k, v in params.items() if v not in (None, "")}}
    return "/?" + urlencode(args)


def absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path
