"""PDF pages set in two columns (indexer.ingest.readers.pdfcolumns): found by the gutter between
them, read a column at a time; literal character boxes, and a real two-column PDF."""
import re
from pathlib import Path

from indexer.ingest.readers.pdf import Line, read_pdf, rejoin
from indexer.ingest.readers.pdfcolumns import Gutter, bands, crosses, fill_in, find_gutter, ink

SIZE = 12.0


def boxes(x0: float, chars: int) -> list[tuple[float, float]]:
    """``chars`` characters of SIZE points set side by side from ``x0``."""
    return [(x0 + SIZE * n, x0 + SIZE * (n + 1)) for n in range(chars)]


LEFT, RIGHT = 90.0, 318.0          # each column 17 characters wide, 24 points apart


def test_lines_running_across_both_columns_show_the_gutter():
    page = [boxes(LEFT, 17) + boxes(RIGHT, 17) for _ in range(10)] + [boxes(LEFT, 5), boxes(RIGHT, 9)]
    gutter = find_gutter(page, SIZE)
    assert gutter is not None and LEFT + 17 * SIZE - 3 <= gutter.left < gutter.right <= RIGHT + 3


def test_columns_whose_lines_sit_at_other_heights_show_it_too():
    page = [boxes(LEFT if n % 2 else RIGHT, 17) for n in range(12)]
    assert find_gutter(page, SIZE) is not None


def test_a_page_in_one_column_has_no_gutter():
    page = [boxes(LEFT, 36) for _ in range(10)] + [boxes(LEFT, 12)]
    assert find_gutter(page, SIZE) is None
    # A short paragraph's last line and a heading do not make one either.
    page = [boxes(LEFT, 36) for _ in range(3)] + [boxes(LEFT, 8)] + [boxes(LEFT, 36) for _ in range(6)]
    assert find_gutter(page, SIZE) is None


def test_a_table_of_labels_and_figures_is_no_pair_of_columns():
    page = [boxes(LEFT, 6) + boxes(RIGHT + 150, 4) for _ in range(10)]
    assert find_gutter(page, SIZE) is None


def test_a_full_stop_hanging_into_the_gutter_does_not_close_it():
    hanging = boxes(LEFT, 17) + [ink("。", LEFT + 17 * SIZE, LEFT + 18 * SIZE)] + boxes(RIGHT, 17)
    page = [boxes(LEFT, 17) + boxes(RIGHT, 17) for _ in range(7)] + [hanging] * 3
    gutter = find_gutter(page, SIZE)
    assert gutter is not None and not crosses(hanging, gutter)
    assert ink("。", 0, 12) == (0, 6) and ink("国", 0, 12) == (0, 12)


def test_a_title_across_the_page_is_read_between_the_bands_it_parts():
    gutter = Gutter(LEFT + 17 * SIZE, RIGHT, SIZE)
    assert crosses(boxes(150, 20), gutter) and not crosses(boxes(LEFT, 17) + boxes(RIGHT, 17), gutter)
    tops = [(10, 20, True), (30, 40, False), (50, 60, False), (70, 80, True), (90, 100, False)]
    assert bands(tops) == [0, (30, 60), 3, (90, 100)]


def test_a_page_with_only_the_left_columns_last_lines_is_read_as_that_column():
    columns = [Line("左", LEFT, LEFT + 200, 10, 22, 0, 1), Line("右", RIGHT, RIGHT + 200, 10, 22, 0, 2)]
    tail = [Line("末尾", LEFT, LEFT + 200, 10, 22, 1), Line("完。", LEFT, LEFT + 40, 30, 42, 1)]
    whole = [Line("通栏", LEFT, RIGHT + 200, 10, 22, 2)]
    assert fill_in([columns, tail, whole]) == [columns, [line._replace(column=1) for line in tail], whole]


def test_each_column_is_joined_by_its_own_margins():
    def at(text, x0, x1, n, column, page=0):
        return Line(text, x0, x1, 100 + 18 * n, 112 + 18 * n, page, column)

    lines = [at("县里推进农村饮水", LEFT + 24, LEFT + 200, 0, 1), at("安全工程，新建水厂三", LEFT, LEFT + 204, 1, 1),
             at("座。", LEFT, LEFT + 24, 2, 1),
             at("全县改造老旧管网", RIGHT + 24, RIGHT + 200, 0, 2), at("四十公里。", RIGHT, RIGHT + 60, 1, 2)]
    assert rejoin(lines) == ["县里推进农村饮水安全工程，新建水厂三座。", "全县改造老旧管网四十公里。"]


def test_a_real_report_set_in_two_columns_reads_as_its_paragraphs():
    # tests/fixtures/pdf/SOURCES.md: a title across the page, the body in two columns (LibreOffice).
    data = (Path(__file__).parent / "fixtures" / "pdf" / "2025年吉林省政府工作报告（节选，两栏）.pdf").read_bytes()
    bare = [re.sub(r"\s+", "", block) for block in read_pdf(data, "吉林.pdf").blocks]
    assert bare[0] == "2025年吉林省政府工作报告（节选）"
    assert len(bare) == 8
    assert bare[1].startswith("2024年是实现“十四五”规划目标任务的关键一年。") and bare[1].endswith("振兴发展取得新成效。")
    assert bare[2].startswith("——发展韧性持续增强。") and bare[2].endswith("一般公共预算收入增长10.8％。")
    assert bare[7].startswith("一是全力拼经济稳增长。") and bare[7].endswith("晋升为国家5A级景区。")
