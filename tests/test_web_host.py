"""The Host header: loopback names, the base URL's host and a real listen address only (DNS
rebinding, and links built from a forged Host)."""
from __future__ import annotations

import pytest

from webapp import create_app
from webapp.security import allowed_hosts, host_allowed


@pytest.fixture(scope="module")
def served(seed_index):
    return create_app({"INDEX_DIR": str(seed_index), "TESTING": True, "PORT": 5000,
                       "BASE_URL": "https://reports.example.org"}).test_client()


@pytest.mark.parametrize("host", ["127.0.0.1:5000", "localhost:5000", "[::1]:5000", "localhost", "LOCALHOST:5000",
                                  "reports.example.org"])
def test_loopback_and_base_url_hosts_are_answered(served, host):
    assert served.get("/api/search?q=社区", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:5000", "127.0.0.1.evil.example:5000",
                                  "localhost:6000", "reports.example.org.evil:443", "10.0.0.5:5000", "[::1",
                                  "localhost:99999999999999999999"])
def test_other_hosts_are_400_in_chinese(served, host):
    for path in ("/api/search?q=社区", "/?q=社区", "/static/style.css"):
        r = served.get(path, headers={"Host": host})
        assert r.status_code == 400, (path, host)
        assert "主机名" in r.get_data(as_text=True)
        assert "evil" not in r.get_data(as_text=True)


def test_a_real_listen_address_is_allowed_but_not_0000():
    assert host_allowed("192.168.1.9:8000", allowed_hosts({"HOST": "192.168.1.9", "PORT": 8000}))
    assert not host_allowed("192.168.1.9:8000", allowed_hosts({"HOST": "0.0.0.0", "PORT": 8000}))
    assert host_allowed("[::1]:8000", allowed_hosts({"HOST": "::", "PORT": 8000}))
    assert not host_allowed("", allowed_hosts({}))
