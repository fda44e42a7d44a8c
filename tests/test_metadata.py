import pytest

from indexer.metadata import normalize_date, parse_meta_line


@pytest.mark.parametrize("text, date", [
    ("2024-01-06 21:18:36", "2024-01-06"),
    ("2024年1月6日", "2024-01-06"),
    ("2023/12/31", "2023-12-31"),
    ("20xx年x月x日", None),
    ("2024-13-01", None),
])
def test_normalize_date(text, date):
    assert normalize_date(text) == date


def test_meta_line_only_at_start():
    assert parse_meta_line("来源：县政府办公室") == {"source": "县政府办公室"}
    assert parse_meta_line("资金来源：县财政拨款500万元。") is None
