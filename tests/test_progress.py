"""Progress by bytes with the time left: as log lines every few seconds, or as a bar at a terminal."""
import io

from indexer.progress import BYTES, LOG_EVERY, QUIET, Progress, duration


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_short_run_shows_nothing():
    out, clock = io.StringIO(), Clock()
    progress = Progress(1000, stream=out, clock=clock, unit=BYTES)
    clock.now = QUIET / 2
    progress.advance(1000)
    progress.close()
    assert out.getvalue() == ""


def test_log_lines_come_every_few_seconds_with_the_time_left_by_bytes():
    out, clock = io.StringIO(), Clock()
    progress = Progress(100_000_000, stream=out, clock=clock, unit=BYTES)
    for second in range(1, 31):          # 30 s, 3 MB a second
        clock.now = float(second)
        progress.advance(3_000_000)
    lines = out.getvalue().splitlines()
    assert len(lines) == 30 // LOG_EVERY
    assert lines[-1] == "索引中：90%（90.0 MB / 100.0 MB），已用 30 秒，预计还需 3 秒"
    assert lines[0].startswith("索引中：15%（15.0 MB / 100.0 MB），已用 5 秒，预计还需 28 秒")
    progress.close()
    assert out.getvalue().splitlines()[-1] == "索引中：完成（100.0 MB），用时 30 秒"


def test_one_large_file_moves_the_estimate_while_it_is_read():
    # Two files: 1 KB, then 99 MB advanced paragraph by paragraph. By files the run would be
    # "half done" after the first; by bytes it is not, and the estimate keeps moving inside the second.
    out, clock = io.StringIO(), Clock()
    progress = Progress(1_000 + 99_000_000, stream=out, clock=clock, unit=BYTES)
    clock.now = 0.1
    progress.advance(1_000)
    for tick in range(1, 100):
        clock.now = 0.1 + tick * 0.5
        progress.advance(990_000)
    shares = [int(line.split("：")[1].split("%")[0]) for line in out.getvalue().splitlines()]
    assert len(shares) >= 5 and shares == sorted(shares) and shares[0] < 50


def test_a_terminal_gets_a_bar_redrawn_in_place():
    out, clock = Terminal(), Clock()
    progress = Progress(10, stream=out, clock=clock)
    for second in range(1, 6):
        clock.now = float(second)
        progress.advance()
    progress.close()
    text = out.getvalue()
    assert text.count("\r") >= 3 and text.endswith("\n") and text.count("\n") == 1
    assert "[" in text and "5 / 10 个文件" in text and "预计还需 5 秒" in text


def test_a_server_asks_for_lines_at_a_terminal_too():
    out, clock = Terminal(), Clock()
    progress = Progress(10, stream=out, clock=clock, lines=True)
    clock.now = LOG_EVERY
    progress.advance(5)
    assert out.getvalue() == "索引中：50%（5 / 10 个文件），已用 5 秒，预计还需 5 秒\n"


def test_durations_read_as_words():
    assert [duration(s) for s in (4.4, 75, 3 * 3600 + 125)] == ["4 秒", "1 分 15 秒", "3 小时 2 分"]


# The indexer's own progress, on a real run over one large file.

def large_corpus(tmp_path, paragraphs=3000):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    body = "\n".join(f"第{n}段：甲县推进土地流转和一站式服务改革，群众办事只进一扇门，流转面积稳步增长。"
                     for n in range(paragraphs))
    (corpus / "large.txt").write_text("甲县综合改革工作汇报\n" + body + "\n", encoding="utf-8")
    (corpus / "small.txt").write_text("乙县工作汇报\n乙县推进社区建设。\n", encoding="utf-8")
    return corpus


def test_one_large_file_moves_the_progress_while_it_is_indexed(tmp_path, monkeypatch):
    from indexer import progress
    from indexer.update import update_index

    monkeypatch.setattr(progress, "QUIET", 0.0)
    monkeypatch.setattr(progress, "LOG_EVERY", 0.05)
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    update_index(tmp_path / "index", large_corpus(tmp_path), processes=1)
    lines = [line for line in err.getvalue().splitlines() if line.startswith("索引中：")]
    shares = [int(line.split("：")[1].split("%")[0]) for line in lines if "%" in line]
    # Several lines while the large file (nearly all the bytes) was written, each further on.
    assert len([s for s in shares if 0 < s < 100]) >= 2, lines
    assert shares == sorted(shares)
    assert "预计还需" in lines[0] and (" KB" in lines[0] or " MB" in lines[0])
    assert lines[-1].startswith("索引中：完成")


def test_a_server_logs_lines_even_at_a_terminal(tmp_path, monkeypatch):
    from indexer import progress
    from indexer.update import update_index

    monkeypatch.setattr(progress, "QUIET", 0.0)
    monkeypatch.setattr(progress, "LOG_EVERY", 0.05)
    monkeypatch.setattr(progress, "REDRAW_EVERY", 0.05)
    corpus = large_corpus(tmp_path, 1500)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    update_index(tmp_path / "bar", corpus, processes=1)
    assert "\r索引中 [" in terminal.getvalue()
    monkeypatch.setattr(progress, "_as_lines", False)
    progress.log_lines()
    log = Terminal()
    monkeypatch.setattr("sys.stderr", log)
    update_index(tmp_path / "lines", corpus, processes=1)
    assert "\r" not in log.getvalue() and "索引中：完成" in log.getvalue()
