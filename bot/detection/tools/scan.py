"""``pasici scan``: score an exported comment thread (CSV/JSONL); write a CSV and an HTML summary.

All user text in the HTML goes through ``html.escape`` (exports contain anything, including markup)
and every CSV cell through ``spreadsheet_safe`` (a message can be a spreadsheet formula).
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from bot.detection.engine import DetectionEngine, Thresholds
from bot.detection.tools.jsonl import json_problem
from bot.detection.tools.verdict import Verdict, verdict_of
from bot.settings.detection_models import ModelOnlySettings

__all__ = [
    "DEFAULT_ENCODING",
    "ScanError",
    "ScanRow",
    "read_rows",
    "read_text",
    "scan",
    "sniff_delimiter",
    "spreadsheet_safe",
    "write_csv",
    "write_html",
]

BATCH = 256
DEFAULT_ENCODING = "utf-8-sig"  # UTF-8, with or without a byte order mark
DELIMITERS = ",;\t"  # what spreadsheets write (Excel under a Belgian locale: semicolon)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a cell starting so is read as a formula
RESULT_COLUMNS = ("row", "flagged", "category", "score", "lang", "reasons", "error")
csv.field_size_limit(10_000_000)


class ScanError(ValueError):
    """The input file cannot be scanned (missing column, unreadable file)."""


@dataclass(frozen=True, slots=True)
class ScanRow:
    number: int  # 1-based data row (CSV: after the header; JSONL: line number)
    fields: dict[str, str]
    text: str | None  # None: the row is unusable, see ``error``
    error: str | None = None


def read_rows(
    path: Path,
    text_column: str,
    file_format: str,
    encoding: str = DEFAULT_ENCODING,
    delimiter: str | None = None,
) -> tuple[list[str], Iterator[ScanRow]]:
    """Column names (empty for JSONL: taken from the rows later) and a row iterator.

    The whole file is decoded first, so bytes that are not ``encoding`` fail before any row is
    scored. A CSV's delimiter is sniffed from its header line unless ``delimiter`` is given.
    An unreadable file or a CSV without the text column raises ``ScanError``.
    """
    text = read_text(path, encoding)
    handle = io.StringIO(text, newline="")
    if file_format == "csv":
        header = next(io.StringIO(text, newline=""), "")
        reader = csv.DictReader(handle, delimiter=delimiter or sniff_delimiter(header))
        columns = list(reader.fieldnames or [])
        if text_column not in columns:
            raise ScanError(
                f"{path}: no column {text_column!r} (columns: {', '.join(columns) or 'none'})"
            )
        return columns, _csv_rows(reader, text_column)
    return [], _jsonl_rows(handle, text_column)


def read_text(path: Path, encoding: str) -> str:
    """The file's text; ``ScanError`` if it cannot be read or is not ``encoding``."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ScanError(f"cannot read {path}: {error.strerror}") from error
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ScanError(_decode_problem(path, data, encoding, error)) from error


def _decode_problem(path: Path, data: bytes, encoding: str, error: UnicodeDecodeError) -> str:
    """Where the bytes stop being ``encoding`` (file:line) and which encoding to try."""
    line = data[: error.start].decode(encoding, errors="replace").count("\n") + 1
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    suggestion = "utf-16" if utf16 else "latin-1"
    shown = "UTF-8" if encoding == DEFAULT_ENCODING else encoding
    return (
        f"{path}:{line}: not {shown} text (byte 0x{data[error.start]:02x}: {error.reason});"
        f" give the file's encoding, e.g. --encoding {suggestion}"
    )


def sniff_delimiter(header: str) -> str:
    """The header line's delimiter among comma, semicolon and tab (comma when unclear)."""
    try:
        return csv.Sniffer().sniff(header, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def _csv_rows(reader: csv.DictReader[str], column: str) -> Iterator[ScanRow]:
    for number, row in enumerate(reader, start=1):
        fields = {k: v if isinstance(v, str) else "" for k, v in row.items() if k is not None}
        yield ScanRow(number, fields, fields.get(column) or "")


def _jsonl_rows(handle: TextIO, column: str) -> Iterator[ScanRow]:
    for number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            yield ScanRow(number, {}, None, json_problem(error))
            continue
        if not isinstance(row, dict):
            yield ScanRow(number, {}, None, f"no string field {column!r}")
            continue
        fields = {k: v if isinstance(v, str) else json.dumps(v) for k, v in row.items()}
        text = row.get(column)
        if not isinstance(text, str):  # the other fields are kept: they say whose row it is
            yield ScanRow(number, fields, None, f"no string field {column!r}")
            continue
        yield ScanRow(number, fields, text)


def scan(
    rows: Iterator[ScanRow],
    engine: DetectionEngine,
    thresholds: Thresholds,
    progress: bool = True,
    gate: ModelOnlySettings | None = None,
) -> list[tuple[ScanRow, Verdict | None]]:
    results: list[tuple[ScanRow, Verdict | None]] = []
    batch: list[ScanRow] = []
    bar = tqdm(desc="scanning", unit="msg", disable=not progress)
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            results.extend(_score(batch, engine, thresholds, gate))
            bar.update(len(batch))
            batch = []
    results.extend(_score(batch, engine, thresholds, gate))
    bar.update(len(batch))
    bar.close()
    return results


def _score(
    batch: Sequence[ScanRow],
    engine: DetectionEngine,
    thresholds: Thresholds,
    gate: ModelOnlySettings | None = None,
) -> list[tuple[ScanRow, Verdict | None]]:
    texts = [row.text for row in batch if row.text is not None]
    verdicts = iter(engine.classify_many(texts))
    return [
        (row, verdict_of(next(verdicts), thresholds, gate) if row.text is not None else None)
        for row in batch
    ]


def spreadsheet_safe(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text: a leading quote when it would start a formula.

    OWASP's defence against CSV injection: a message such as ``=HYPERLINK(...)`` opened in Excel
    or LibreOffice would otherwise run as a formula.
    """
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def write_csv(
    path: Path, columns: Sequence[str], results: Sequence[tuple[ScanRow, Verdict | None]]
) -> None:
    """The input's columns then the verdict's; every cell is ``spreadsheet_safe``."""
    if not columns:  # JSONL: every key seen, in order of first appearance
        columns = list(dict.fromkeys(key for row, _ in results for key in row.fields))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([spreadsheet_safe(cell) for cell in [*columns, *RESULT_COLUMNS]])
        for row, verdict in results:
            cells = [row.fields.get(c, "") for c in columns] + _result_cells(row, verdict)
            writer.writerow([spreadsheet_safe(cell) for cell in cells])


def _result_cells(row: ScanRow, verdict: Verdict | None) -> list[str]:
    """The ``RESULT_COLUMNS`` of one row."""
    if verdict is None:
        return [str(row.number), "", "", "", "", "", row.error or ""]
    return [
        str(row.number),
        str(verdict.flagged),
        verdict.category or "",
        f"{verdict.score:.4f}",
        verdict.lang,
        " | ".join(verdict.reasons),
        "",
    ]


def write_html(path: Path, source: Path, results: Sequence[tuple[ScanRow, Verdict | None]]) -> None:
    flagged = [(r, v) for r, v in results if v is not None and v.flagged]
    by_category = Counter(v.category for _, v in flagged)
    by_lang = Counter(v.lang for _, v in results if v is not None)
    errors = [r for r, v in results if v is None]
    e = html.escape
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>pasici scan</title>",
        "<style>body{font-family:sans-serif}td,th{border:1px solid #ccc;padding:4px}"
        "table{border-collapse:collapse}</style></head><body>",
        f"<h1>Scan of {e(source.name)}</h1>",
        f"<p>{len(results)} rows, {len(flagged)} flagged, {len(errors)} unusable.</p>",
        "<h2>Flagged per category</h2><ul>",
        *(f"<li>{e(str(cat))}: {count}</li>" for cat, count in sorted(by_category.items())),
        "</ul><h2>Rows per language</h2><ul>",
        *(f"<li>{e(lang)}: {count}</li>" for lang, count in sorted(by_lang.items())),
        "</ul><h2>Flagged messages</h2><table><tr><th>row</th><th>category</th><th>score</th>"
        "<th>lang</th><th>text</th><th>reasons</th></tr>",
    ]
    for row, verdict in sorted(flagged, key=lambda item: -item[1].score if item[1] else 0.0):
        assert verdict is not None
        parts.append(
            f"<tr><td>{row.number}</td><td>{e(verdict.category or '')}</td>"
            f"<td>{verdict.score:.2f}</td>"
            f"<td>{e(verdict.lang)}</td><td>{e(row.text or '')}</td>"
            f"<td>{e(' | '.join(verdict.reasons))}</td></tr>"
        )
    parts.append("</table>")
    if errors:
        parts.append("<h2>Unusable rows</h2><ul>")
        parts.extend(f"<li>row {r.number}: {e(r.error or '')}</li>" for r in errors)
        parts.append("</ul>")
    parts.append("</body></html>\n")
    path.write_text("\n".join(parts), encoding="utf-8")
