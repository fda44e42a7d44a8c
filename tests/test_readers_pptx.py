"""Slides (.pptx): titles become the title and headings, text boxes and tables blocks, in slide order."""
from pathlib import Path

import pytest
from fixture_files import make_pptx, slide_shape

from indexer.errors import UnreadableFile
from indexer.ingest.readers import OLE_MAGIC, read_document

OFFICE = Path(__file__).parent / "fixtures" / "office"


@pytest.mark.parametrize("name", ["汇报.pptx", "汇报-libreoffice.pptx"])
def test_a_report_given_as_slides(name):
    doc = read_document((OFFICE / name).read_bytes(), name)
    assert doc.title == "某县2024年农村饮水安全工作汇报"
    assert doc.blocks == ["县水利局", "2024年3月",
                          "一、基本情况", "全县共有农村供水工程326处，覆盖人口41.2万人", "农村自来水普及率达到92%",
                          "二、工程建设", "项目 | 数量 | 投资（万元）\n水厂 | 2座 | 5600\n管网改造 | 138公里 | 2310",
                          "解决了3.6万人的季节性缺水问题"]
    assert doc.headings == {2, 5}
    assert "讲稿" not in "".join(doc.blocks)          # speaker notes are not read


def test_slides_follow_the_presentation_order_groups_are_opened_and_furniture_left():
    slides = {"slide1.xml": slide_shape(["二、存在问题"], "title") + slide_shape(["管护经费不足"]),
              "slide2.xml": slide_shape(["一站式服务工作汇报"], "ctrTitle") + slide_shape(["某县政务服务中心"], "ftr")
              + slide_shape(["1"], "sldNum") + slide_shape(["2024年5月"], "dt"),
              "slide3.xml": slide_shape(["设立综合窗口24个"]) + "<p:grpSp>" + slide_shape(["一窗受理"]) + slide_shape(["一次办结"])
              + "</p:grpSp>" + slide_shape(["一、主要做法"], "title")}
    doc = read_document(make_pptx(slides, ["slide2.xml", "slide3.xml", "slide1.xml"]), "a.pptx")
    assert doc.title == "一站式服务工作汇报"
    # the title first on each slide, wherever it stands among the shapes
    assert doc.blocks == ["一、主要做法", "设立综合窗口24个", "一窗受理", "一次办结", "二、存在问题", "管护经费不足"]
    assert doc.headings == {0, 4}


def test_a_slide_listed_but_missing_is_passed_over():
    doc = read_document(make_pptx({"slide1.xml": slide_shape(["正文"])}, ["slide1.xml", "slide9.xml"]), "a.pptx")
    assert doc.blocks == ["正文"]


def test_broken_presentations_get_one_reason():
    # A PowerPoint 97–2003 file under a .pptx name is read as one (tests/test_readers_ppt.py).
    with pytest.raises(UnreadableFile, match=r"演示文稿（\.ppt）已损坏或不完整"):
        read_document(OLE_MAGIC + b"\0" * 600, "a.pptx")
    with pytest.raises(UnreadableFile, match="损坏或不完整"):
        read_document((OFFICE / "汇报.pptx").read_bytes()[:4000], "a.pptx")
    with pytest.raises(UnreadableFile, match="presentation.xml"):
        read_document((OFFICE / "汇报.docx").read_bytes(), "a.pptx")
    broken = make_pptx({"slide1.xml": "<p:sp><a:p>"}, ["slide1.xml"])
    with pytest.raises(UnreadableFile, match="损坏或无法解析"):
        read_document(broken, "a.pptx")
