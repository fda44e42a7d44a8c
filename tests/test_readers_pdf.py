"""PDFs: lines rejoined into paragraphs, page furniture dropped; PDFs written with reportlab, and a real
report (tests/fixtures/pdf)."""
import shutil
from pathlib import Path

import pytest
from fixture_files import make_pdf, make_scanned_pdf

from indexer.errors import UnreadableFile
from indexer.ingest.pipeline import file_paragraphs
from indexer.ingest.readers.pdf import Line, closed_gaps, drop_furniture, is_page_number, read_pdf, rejoin
from indexer.search.searcher import Searcher
from indexer.update import update_index

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"


def line(text, x0=72, page=0, n=0, x1=None):
    return Line(text, x0, x1 if x1 is not None else 72 + 12 * 30, 100 + 18 * n, 112 + 18 * n, page)


def test_rejoin_joins_mid_sentence_and_breaks_at_paragraph_ends():
    lines = [
        line("一、基本情况", x1=72 + 12 * 6, n=0),                       # short: a heading
        line("全县建成农村社区服务中心三十三个，实现了公共服务", x0=96, n=1),  # indented: a new paragraph
        line("全覆盖。", x1=72 + 12 * 4, n=2),
        line("群众满意度明显提升，民调排名由全省第一百二十八", x0=96, n=3),
        line("位跃升为第九位，社区建设带来的实惠看得见摸得着", n=4),
        line("。", x1=84, n=5),
    ]
    assert rejoin(lines) == [
        "一、基本情况",
        "全县建成农村社区服务中心三十三个，实现了公共服务全覆盖。",
        "群众满意度明显提升，民调排名由全省第一百二十八位跃升为第九位，社区建设带来的实惠看得见摸得着。",
    ]


def test_rejoin_continues_a_sentence_across_pages_and_ends_at_a_full_stop():
    lines = [line("我县根据县小人密和群居生活的特点，统筹推进城乡", x0=96, page=0, n=11),
             line("社区建设。", page=1, n=0, x1=72 + 12 * 5),
             line("全面完成了农村社区建设任务，得到了群众的认可。", page=1, n=1),
             line("下一步，我们将继续深化改革。", page=1, n=2)]
    assert rejoin(lines) == ["我县根据县小人密和群居生活的特点，统筹推进城乡社区建设。",
                             "全面完成了农村社区建设任务，得到了群众的认可。", "下一步，我们将继续深化改革。"]


def test_where_paragraphs_open_indented_a_sentence_ending_at_the_margin_runs_on():
    lines = [
        line("深入推进教育改革发展。新增中小学学位两万个，持续", x0=96, n=0),
        line("深化双减工作，完善空中课堂全学段数字课程体系，", n=1),
        line("提高学校教育教学能力。", n=2),                                  # a sentence ends at the margin
        line("推动普通高中优质特色多样化发展，优化职业教育专业", n=3),
        line("布局。", n=4, x1=72 + 12 * 3),
        line("加速提升创新体系效能。落实国际科技创新中心建设", x0=96, n=5),
        line("条例，持续加大基础科学发展支持力度，保障国家实验", n=6),
        line("室运行。", n=7, x1=72 + 12 * 4),
        line("全力打造高水平人才高地。实施战略科学家特殊引才", x0=96, n=8),
        line("计划。", n=9, x1=72 + 12 * 3),
        line("深化健康建设。推动公立医院高质量发展。", x0=96, n=10, x1=96 + 12 * 19),
    ]
    assert rejoin(lines) == [
        "深入推进教育改革发展。新增中小学学位两万个，持续深化双减工作，完善空中课堂全学段数字课程体系，提高学校教育教学能力。"
        "推动普通高中优质特色多样化发展，优化职业教育专业布局。",
        "加速提升创新体系效能。落实国际科技创新中心建设条例，持续加大基础科学发展支持力度，保障国家实验室运行。",
        "全力打造高水平人才高地。实施战略科学家特殊引才计划。",
        "深化健康建设。推动公立医院高质量发展。",
    ]


def spaced(text, n, x0=90, x1=505, pitch=31.2, height=14, extra=0.0):
    """A line of an official document: 16-point type set 28-30 points apart (the gap between two
    lines is wider than a line), paragraphs ``extra`` further apart where the layout adds space."""
    return Line(text, x0, x1, 80 + pitch * n + extra, 80 + pitch * n + extra + height, 0)


def test_lines_set_wide_apart_still_join_and_a_wider_gap_still_parts():
    indented = [spaced("过去一年，在自治区党委带领下，我们深入贯彻落实习近平总", 0, x0=118),
                spaced("书记对内蒙古的重要指示精神，紧扣铸牢中华民族共同体意识工作", 1),
                spaced("主线，统筹做好经济社会发展各项工作。", 2, x1=342),
                spaced("一年来，我们牢记习近平总书记殷殷嘱托，推动全方位建设模", 3, x0=118),
                spaced("范自治区取得新成效。", 4, x1=240)]
    assert rejoin(indented) == [
        "过去一年，在自治区党委带领下，我们深入贯彻落实习近平总书记对内蒙古的重要指示精神，紧扣铸牢中华民族共同体意识工作主线，"
        "统筹做好经济社会发展各项工作。",
        "一年来，我们牢记习近平总书记殷殷嘱托，推动全方位建设模范自治区取得新成效。"]
    # Not indented, no line stopping short: only the wider gap tells where the second paragraph opens.
    flush = [spaced("文化润疆工作加快推进。深入开展文化润疆工作，着力培育", 0, pitch=15.6, height=10.5),
             spaced("和践行社会主义核心价值观，红色资源在爱国主义教育中发挥作用", 1, pitch=15.6, height=10.5),
             spaced("重点领域风险有效防范化解。坚持开源节流，积极争取政策，", 2, pitch=15.6, height=10.5, extra=15.6),
             spaced("建立风险预警机制，及时偿还到期的各类债务，防范化解风险", 3, pitch=15.6, height=10.5, extra=15.6)]
    assert rejoin(flush) == [
        "文化润疆工作加快推进。深入开展文化润疆工作，着力培育和践行社会主义核心价值观，红色资源在爱国主义教育中发挥作用",
        "重点领域风险有效防范化解。坚持开源节流，积极争取政策，建立风险预警机制，及时偿还到期的各类债务，防范化解风险"]


def test_a_real_government_work_report_reads_as_whole_paragraphs():
    # tests/fixtures/pdf/SOURCES.md: 13 pages written by WPS, paragraphs opening indented.
    data = (FIXTURES / "2024年北京市政府工作报告.pdf").read_bytes()
    paragraphs = file_paragraphs(data, "2024年北京市政府工作报告.pdf")
    assert paragraphs[0].report_title == "2024年北京市政府工作报告" and paragraphs[0].meta["place"] == "北京市"
    # The file's name says it; under another name the text does (现在，我代表北京市人民政府…; 一、2023年工作回顾).
    assert file_paragraphs(data, "report.pdf")[0].report_title == "2024年北京市政府工作报告"
    assert all(p.text.rstrip("”）)").endswith(("。", "！", "？", "：")) for p in paragraphs)
    opening = next(p.text for p in paragraphs if p.text.startswith("同时，我们也清醒地认识到"))
    assert "经济持续回升基础不牢固" in opening                     # the page broke after 提升空间；
    assert {p.section for p in paragraphs} >= {"一、2023年工作回顾",
                                               "二、2024年重点任务 › （二）聚力建设国际科技创新中心，进一步壮大发展新动能新优势"}


def test_characters_a_pdf_maps_to_radicals_read_as_the_characters():
    # tests/fixtures/pdf/SOURCES.md: printed by Chromium, whose text layer says ⼈⺠ for 人民.
    data = (FIXTURES / "2024年三亚市政府工作报告（节选）.pdf").read_bytes()
    paragraphs = file_paragraphs(data, "2024年三亚市政府工作报告（节选）.pdf")
    text = "".join(p.text for p in paragraphs)
    assert "现在，我代表市人民政府向大会报告工作，请予审议" in text
    assert not any("\u2e80" <= c <= "\u2fdf" for c in text + paragraphs[0].report_title)


@pytest.mark.parametrize("text", ["3", "- 3 -", "第 3 页", "第3页 共10页", "3/10", "Page 3 of 10"])
def test_page_numbers(text):
    assert is_page_number(text)


@pytest.mark.parametrize("text", ["2024年", "3个社区", "一、基本情况"])
def test_not_page_numbers(text):
    assert not is_page_number(text)


def test_running_headers_and_page_numbers_are_dropped():
    bodies = ["全县建成农村社区服务中心三十三个。", "民调排名跃升为全省第九位。", "下一步将继续推进城乡一体化。"]
    pages = [[line("嘉禾县民政局工作简报", n=0, page=p), line(body, n=1, page=p), line(f"- {p + 1} -", n=2, page=p)]
             for p, body in enumerate(bodies)]
    assert [l.text for l in drop_furniture(pages)] == bodies


PARAS = ["嘉禾县农村社区建设工作情况汇报",
         "嘉禾县围绕建设城乡一体化示范县的总体目标，按照就地城镇化、就近市民化的总体思路，把农村社区建设与城乡一体化建设同步推进，"
         "着力推动基础设施、公共服务向乡村延伸，促进城乡公共资源均衡配置。",
         "一、主要做法",
         "全县建成农村社区服务中心三十三个，实现了公共服务全覆盖，群众满意度明显提升，民调排名由全省第一百二十八位跃升为第九位。"]


def test_a_real_pdf_reads_back_as_paragraphs():
    data = make_pdf(PARAS, header="嘉禾县人民政府办公室", lines_per_page=6)
    doc = read_pdf(data, "a.pdf")
    assert doc.blocks == PARAS                   # header, page numbers and line breaks gone
    paragraphs = file_paragraphs(data, "a.pdf")
    assert paragraphs[0].report_title == "嘉禾县农村社区建设工作情况汇报"
    assert paragraphs[-1].section == "一、主要做法"
    assert paragraphs[0].meta["place"] == "嘉禾县"


def test_pdf_title_from_metadata():
    doc = read_pdf(make_pdf(PARAS, title="Microsoft Word - 嘉禾县农村社区建设工作情况汇报.docx"), "a.pdf")
    assert doc.title == "嘉禾县农村社区建设工作情况汇报" and doc.blocks[0] == PARAS[1]


@pytest.mark.parametrize("data, reason", [
    (make_scanned_pdf(), "没有文字层"),
    (make_pdf(PARAS)[:600], "损坏"),
    (b"<html>not a pdf</html>", "不是有效的 PDF"),
])
def test_unreadable_pdfs_are_refused_with_a_reason(data, reason):
    with pytest.raises(UnreadableFile, match=reason):
        read_pdf(data, "bad.pdf")


def chars(*placed: tuple[str, float]) -> list[dict]:
    """12-point characters, each (text, x0), 12 points wide (a Latin one 6)."""
    return [{"text": t, "x0": x, "x1": x + (6 if t.isascii() else 12), "size": 12.0} for t, x in placed]


def test_the_layouts_spacing_between_chinese_and_digits_is_no_space():
    # 压 减 then 80 set 3.4 points apart (autospace), 80 then ％ touching: pdfplumber wrote a space.
    line = chars(("压", 0), ("减", 12), ("8", 27.4), ("0", 33.4), ("％", 39.4))
    assert closed_gaps("压减 80％", line) == "压减80％"
    # A Latin word's space stays, and so does a gap of a character's width or more (a form's columns).
    assert closed_gaps("GDP growth", chars(*[(c, 6 * i) for i, c in enumerate("GDP")],
                                               *[(c, 22 + 6 * i) for i, c in enumerate("growth")])) == "GDP growth"
    assert closed_gaps("完成率 108", chars(("完", 0), ("成", 12), ("率", 24), ("1", 50), ("0", 56), ("8", 62))) == "完成率 108"
    # Between two Chinese characters the gap is not the layout's spacing: kept.
    assert closed_gaps("单位 某县", chars(("单", 0), ("位", 12), ("某", 27), ("县", 39))) == "单位 某县"
    # Text and characters that do not line up: the text as it was.
    assert closed_gaps("压减 80％", line[:3]) == "压减 80％"


def indexed(tmp_path, fixture: str) -> Searcher:
    """A searcher over an index of the fixture alone."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURES / fixture, corpus / fixture)
    update_index(tmp_path / "index", corpus)
    return Searcher(tmp_path / "index")


def test_a_pdf_with_the_layouts_spacing_is_found_by_the_words_as_typed(tmp_path):
    # tests/fixtures/pdf/SOURCES.md: LibreOffice set 2024年 with a gap that pdfplumber reads as a space.
    searcher = indexed(tmp_path, "2025年吉林省政府工作报告（节选，两栏）.pdf")
    for query in ("2024年是实现", "数量压减80％"):
        assert searcher.search(query).exact_total == 1, query


def test_a_pdf_with_radicals_is_found_by_the_words_a_user_types(tmp_path):
    searcher = indexed(tmp_path, "2024年三亚市政府工作报告（节选）.pdf")
    for query in ("人民政府", "⼈⺠政府"):                    # typed, or pasted from the PDF viewer
        results = searcher.search(query)
        assert results.exact_total == 1 and "<mark>人民政府</mark>" in results.hits[0].snippet
