"""Hostile parameters and bodies: a 400 with a Chinese message, never a traceback (hardening, minor)."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("body", [
    '{"items": [' + "9" * 5000 + "]}",                                  # an integer past Python's digit limit
    "[" * 100000 + "]" * 100000,                                        # RecursionError in the JSON decoder
    '{"group": "query", "items": [{"text": "x", "title": 1' + "0" * 5000 + "}]}",
])
def test_hostile_json_is_400_in_chinese(client, body):
    r = client.post("/api/excerpts/export.md", data=body, content_type="application/json")
    assert r.status_code == 400
    message = r.get_json()["error"]["message"]
    assert "Traceback" not in message and any("\u4e00" <= ch <= "\u9fff" for ch in message)


@pytest.mark.parametrize("url", ["/api/search?q=社区&limit=" + "9" * 5000, "/api/search?q=社区&offset=1" + "0" * 30,
                                 "/?q=社区&page=" + "9" * 5000])
def test_big_integer_params_are_400(client, url):
    r = client.get(url)
    assert r.status_code == 400
    assert "Traceback" not in r.get_data(as_text=True)


def test_deeply_nested_query_syntax_is_answered(client):
    r = client.get("/api/search", query_string={"q": "(" * 150 + "社区"})
    assert r.status_code in (200, 400)
