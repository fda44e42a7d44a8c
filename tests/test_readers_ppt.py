"""PowerPoint 97–2003 (.ppt): the slides' current text in presentation order, as a .pptx reads."""
import struct
from pathlib import Path

import pytest
from fixture_files import damaged_copies

from indexer.errors import UnreadableFile
from indexer.ingest.readers import OLE_MAGIC, read_document
from indexer.ingest.readers.ppt import slides_document

OFFICE = Path(__file__).parent / "fixtures" / "office"


def test_a_report_given_as_slides_saved_by_libreoffice():
    doc = read_document((OFFICE / "汇报.ppt").read_bytes(), "汇报.ppt")
    assert doc.title == "某县2024年农村饮水安全工作汇报"
    # A table is a group of text boxes in this format: each cell is a block.
    assert doc.blocks == ["县水利局", "2024年3月", "一、基本情况", "全县共有农村供水工程326处，覆盖人口41.2万人",
                          "农村自来水普及率达到92%", "二、工程建设", "项目", "数量", "投资（万元）", "水厂", "2座", "5600",
                          "管网改造", "138公里", "2310", "解决了3.6万人的季节性缺水问题"]
    assert doc.headings == {2, 5}
    assert read_document((OFFICE / "汇报.ppt").read_bytes(), "汇报.pptx").blocks == doc.blocks   # misnamed


# --- records as PowerPoint writes them ---------------------------------------------------------

def record(kind: int, body: bytes = b"", instance: int = 0) -> bytes:
    return struct.pack("<HHI", instance << 4, kind, len(body)) + body


def container(kind: int, *children: bytes, instance: int = 0) -> bytes:
    return struct.pack("<HHI", (instance << 4) | 0xF, kind, sum(map(len, children))) + b"".join(children)


def text(text_type: int, value: str, wide: bool = True) -> bytes:
    atom = record(0x0FA0, value.encode("utf-16-le")) if wide else record(0x0FA8, value.encode("latin-1"))
    return record(0x0F9F, struct.pack("<I", text_type)) + atom


def box(*content: bytes) -> bytes:
    """A shape's text box (OfficeArt ClientTextbox) inside its shape container."""
    return container(0xF004, container(0xF00D, *content))


def outline_ref(index: int) -> bytes:
    return record(0x0F9E, struct.pack("<i", index))


def slide_persist(object_id: int) -> bytes:
    return record(0x03F3, struct.pack("<IIiI", object_id, 0, 0, 256 + object_id) + b"\0" * 4)


def presentation() -> tuple[bytes, bytes]:
    """Two slides whose placeholder text is in the document's slide list; the second saved twice
    (a fast save appends the new version and a new edit; the old one stays in the stream)."""
    document = container(0x03E8, container(
        0x0FF0,
        slide_persist(2), text(0, "一站式服务工作汇报"), text(1, "县政务服务中心\r2024年5月"),
        slide_persist(3), text(0, "一、主要做法"), text(1, "设立综合窗口24个\x0b实行一窗受理"),
        instance=0),
        container(0x0FF0, slide_persist(9), text(2, "备注页的文字"), instance=2))
    slide1 = container(0x03EE, container(0x040C, box(outline_ref(0)), box(outline_ref(1)),
                                         box(text(4, "*", wide=False)),            # a slide-number field
                                         box(text(4, "Q&A: 12345", wide=False))))   # 8-bit text
    old_slide2 = container(0x03EE, container(0x040C, box(text(4, "旧版本的文字"))))
    new_slide2 = container(0x03EE, container(0x040C, box(text(4, "新加的文本框")), box(outline_ref(0)),
                                             box(outline_ref(1))))
    stream = bytearray()
    at = {}
    for name, part in (("document", document), ("slide1", slide1), ("old", old_slide2)):
        at[name] = len(stream)
        stream += part

    def directory(entries: dict[int, int]) -> bytes:
        body = b"".join(struct.pack("<II", (1 << 20) | pid, offset) for pid, offset in entries.items())
        return record(0x1772, body)

    def user_edit(last: int, directory_at: int) -> bytes:
        return record(0x0FF5, struct.pack("<IHBBIIIIHH", 0, 0, 0, 3, last, directory_at, 1, 4, 1, 0))

    at["dir1"] = len(stream)
    stream += directory({1: at["document"], 2: at["slide1"], 3: at["old"]})
    at["edit1"] = len(stream)
    stream += user_edit(0, at["dir1"])
    at["new"] = len(stream)
    stream += new_slide2
    at["dir2"] = len(stream)
    stream += directory({3: at["new"]})
    at["edit2"] = len(stream)
    stream += user_edit(at["edit1"], at["dir2"])
    current_user = record(0x0FF6, struct.pack("<IIIHHBBH", 20, 0xE391C05F, at["edit2"], 0, 0, 3, 0, 0))
    return bytes(stream), current_user


def test_placeholder_text_comes_from_the_slide_list_and_old_versions_are_passed_over():
    # (The second slide's title is drawn after a text box: it still comes first, as in a .pptx.)
    stream, current_user = presentation()
    doc = slides_document(stream, current_user, "a.ppt")
    assert doc.title == "一站式服务工作汇报"
    assert doc.blocks == ["县政务服务中心", "2024年5月", "Q&A: 12345", "一、主要做法", "新加的文本框", "设立综合窗口24个",
                          "实行一窗受理"]
    assert doc.headings == {3}


def test_without_usable_pointers_the_slides_are_read_as_stored():
    stream, _ = presentation()
    assert "旧版本的文字" in slides_document(stream, b"", "a.ppt").blocks


def test_broken_files_get_one_reason():
    data = (OFFICE / "汇报.ppt").read_bytes()
    with pytest.raises(UnreadableFile, match="已损坏或不完整"):
        read_document(data[:3000], "a.ppt")
    with pytest.raises(UnreadableFile, match="已损坏或不完整"):
        read_document(OLE_MAGIC + b"\0" * 600, "a.ppt")
    with pytest.raises(UnreadableFile, match="不是可识别的演示文稿"):
        read_document((Path(__file__).parent / "fixtures" / "doc" / "税务局拟录用公示（第一批）.doc").read_bytes(), "a.ppt")
    for damaged in damaged_copies(data, seed=5, copies=200, most=30):
        try:
            read_document(damaged, "a.ppt")
        except UnreadableFile:
            pass
    stream, current_user = presentation()
    for damaged in damaged_copies(stream, seed=6, copies=300, most=8):
        slides_document(damaged, current_user, "a.ppt")       # pure: no exception at all


@pytest.mark.parametrize("fixture, name", [("汇报.ppt", "汇报.pps"), ("汇报.pptx", "汇报.ppsx"),
                                           ("汇报.ppt", "汇报.dps"), ("汇报.pptx", "汇报.dps")])
def test_shows_and_wps_presentations_read_as_the_format_they_hold(fixture, name):
    # A PowerPoint show (.pps, .ppsx) is the presentation format saved to open as a show; WPS 演示
    # saves PowerPoint's 97–2003 format as .dps (a .pptx's zip under that name is read too).
    data = (OFFICE / fixture).read_bytes()
    own, other = read_document(data, fixture), read_document(data, name)
    assert (other.title, other.blocks, other.headings) == (own.title, own.blocks, own.headings) and own.blocks


def test_a_dps_in_another_format_is_refused_with_the_way_out():
    with pytest.raises(UnreadableFile, match="另存为 .pptx"):
        read_document("WPS 演示的早期专有格式".encode("gbk"), "旧.dps")
