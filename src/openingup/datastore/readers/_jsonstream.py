"""A JSON text read in chunks: the items of a top-level array one at a time, with the line and column
of any syntax error, so arrays larger than memory can be read."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import IO, Any

from openingup.datastore.report import IngestError, Report

CHUNK = 1 << 20
_NON_WS = re.compile(r"[^ \t\r\n]")


def _finite(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None


DECODER = json.JSONDecoder(parse_float=_finite, parse_constant=lambda _: None)


def _invalid(report: Report, message: str, line: int, column: int) -> IngestError:
    return IngestError("format-error", f"invalid JSON at line {line} column {column}: {message}", report)


class Stream:
    """A JSON text read in chunks: whitespace skipping and value decoding with line/column tracking."""

    def __init__(self, fh: IO[str], report: Report) -> None:
        self.fh, self.report = fh, report
        self.buf, self.pos, self.eof = "", 0, False
        self.lines = self.column = self.dropped = 0  # for the text already dropped from ``buf``

    def more(self, size: int = 0) -> bool:
        if self.eof or not (data := self.fh.read(size or CHUNK)):
            self.eof = True
            return False
        gone = self.buf[: self.pos]
        newline = gone.rfind("\n")
        self.lines += gone.count("\n")
        self.column = self.column + len(gone) if newline < 0 else len(gone) - newline - 1
        self.dropped += len(gone)
        self.buf, self.pos = self.buf[self.pos :] + data, 0
        return True

    def error(self, message: str, at: int) -> IngestError:
        newline = self.buf.rfind("\n", 0, at)
        column = self.column + at + 1 if newline < 0 else at - newline
        return _invalid(self.report, message, self.lines + self.buf.count("\n", 0, at) + 1, column)

    def peek(self) -> str:
        """The next non-whitespace character ('' at the end), positioned on it."""
        while not (match := _NON_WS.search(self.buf, self.pos)):
            self.pos = len(self.buf)
            if not self.more():
                return ""
        self.pos = match.start()
        return self.buf[self.pos]

    def value(self) -> Any:
        if not self.peek():
            raise self.error("Expecting value", self.pos)
        size = CHUNK
        while True:
            try:
                value, end = DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                cut = exc.pos >= len(self.buf) - 8 or exc.msg.startswith("Unterminated string")
                if cut and self.more(size):
                    size *= 2
                    continue
                raise self.error(exc.msg, exc.pos) from None
            if end == len(self.buf) and self.more(size):  # a number may go on in the next chunk
                size *= 2
                continue
            self.pos = end
            return value

    def items(self) -> Iterator[Any]:
        """The items of the top-level array, one at a time; then nothing but whitespace may follow."""
        self.peek()
        self.pos += 1  # the caller saw '['
        if self.peek() == "]":
            self.pos += 1
        else:
            while True:
                yield self.value()
                sign = self.peek()
                self.pos += 1
                if sign == "]":
                    break
                if sign != ",":
                    raise self.error("Expecting ',' delimiter", self.pos - 1)
        if self.peek():
            raise self.error("Extra data", self.pos)
