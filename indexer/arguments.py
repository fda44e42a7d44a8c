"""The command line's argument parser, speaking Chinese.

argparse writes its own words (``usage:``, ``options``, ``unrecognized arguments``, ``invalid
choice`` …) through ``gettext``; ``ArgumentParser`` here swaps argparse's two gettext functions
for ``translate`` while it builds, parses and formats, and restores them afterwards, so nothing
else in the process (pytest, say) is affected. A message missing from MESSAGES stays English;
tests/test_cli_messages.py runs each one a user can meet.
"""
from __future__ import annotations

import argparse
import contextlib
import sys

MESSAGES = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "没有这个选项：%(value)r（可选：%(choices)s）",
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)":
        "没有这个选项：%(value)r，是不是 %(closest)r？（可选：%(choices)s）",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "expected one argument": "后面需要一个值",
    "expected at most one argument": "后面最多一个值",
    "expected at least one argument": "后面至少需要一个值",
    "invalid %(type)s value: %(value)r": "值 %(value)r 无效，应为%(type)s",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是：%(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "须给出以下参数之一：%s",
    "ignored explicit argument %r": "多余的值 %r",
    "unexpected option string: %s": "意外的选项：%s",
}
PLURALS = {"expected %s argument": "后面需要 %s 个值"}
# The names argparse puts into "invalid %(type)s value" (the type function's __name__).
TYPE_NAMES = {"int": "整数", "float": "数字", "Path": "路径", "str": "文本"}


class _Typed(str):
    """A translated template that also translates the type name formatted into it."""

    def __mod__(self, args):
        if isinstance(args, dict) and "type" in args:
            args = dict(args, type=TYPE_NAMES.get(args["type"], args["type"]))
        return str.__mod__(self, args)


def translate(message: str) -> str:
    text = MESSAGES.get(message, message)
    return _Typed(text) if message.startswith("invalid %(type)s") else text


def translate_plural(singular: str, plural: str, n: int) -> str:
    return PLURALS.get(singular, singular if n == 1 else plural)


@contextlib.contextmanager
def chinese():
    """argparse speaks Chinese inside this block (re-entrant: restores what it found)."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = translate, translate_plural
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


class ArgumentParser(argparse.ArgumentParser):
    """argparse.ArgumentParser whose every message is Chinese; subparsers are of this class too."""

    def __init__(self, *args, **kwargs):
        with chinese():
            super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs):
        with chinese():
            return super().add_subparsers(**kwargs)

    def add_argument(self, *args, **kwargs):
        with chinese():
            return super().add_argument(*args, **kwargs)

    def parse_args(self, args=None, namespace=None):
        with chinese():
            return super().parse_args(args, namespace)

    def parse_known_args(self, args=None, namespace=None):
        with chinese():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with chinese():
            return super().format_usage()

    def format_help(self) -> str:
        with chinese():
            return super().format_help()

    def error(self, message: str):
        """Usage, the message, and where to read more; exit code 2 as argparse's."""
        with chinese():
            self.print_usage(sys.stderr)
            self.exit(2, translate("%(prog)s: error: %(message)s\n") % {"prog": self.prog, "message": message}
                      + f"运行 {self.prog} --help 查看说明。\n")
