"""The server process limits its malloc arenas (webapp.arenas) where glibc allows it."""
import platform
import sys

import pytest

from webapp import arenas


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_glibc_takes_the_limit():
    assert arenas.limit() is True
    assert arenas.limit(arenas.ARENAS) is True          # again: creating a second app is harmless


def test_elsewhere_it_does_nothing(monkeypatch):
    monkeypatch.setattr(sys, "platform", "win32")
    assert arenas.limit() is False
