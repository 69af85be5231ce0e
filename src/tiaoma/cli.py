"""The ``tiaoma`` command: explain, check and bulk-validate codes.

    tiaoma info 6936983800013            what a code is, part by part
    tiaoma check CODE... | -f FILE | -   validate codes (exit status 1 if any is invalid)
    tiaoma check-digit 977167121601      the GS1 mod-10 check digit (``--price`` for price fields)
    tiaoma bulk FILE [-o invalid.csv]    validate millions of lines, report the invalid ones
    tiaoma scan IMAGE...                 read the barcodes in photos, scans and PDFs
    tiaoma verify IMAGE [--report R]     grade print quality (ISO/IEC 15416; 2D: 15415)

Every command takes ``--json``; ``--lang zh`` gives messages in Chinese. Exit status: 0 all
valid, 1 something invalid, 2 bad usage or unreadable file. No traceback reaches a user
(set ``TIAOMA_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import decimal
import enum
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

from tiaoma import __version__, checksum
from tiaoma.errors import TiaomaError
from tiaoma.identify import Identified, identify

if TYPE_CHECKING:
    from tiaoma.render import Format

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70


class UsageError(Exception):
    """A problem with the command line or its files, reported without a traceback."""


# --- Output helpers --------------------------------------------------------------------------


def to_jsonable(value: Any) -> Any:  # noqa: PLR0911 - one return per kind of value
    """Dataclasses, enums, dates and decimals as plain JSON values."""
    as_dict = getattr(value, "as_dict", None)
    if callable(as_dict) and not isinstance(value, type):
        return to_jsonable(as_dict())
    if isinstance(value, tuple) and hasattr(value, "_asdict"):  # a named tuple
        return {str(k): to_jsonable(v) for k, v in value._asdict().items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def shown(value: str) -> str:
    """``value`` safe to echo on a terminal: control characters (a GS, an escape sequence in a
    line of binary garbage) appear as ``\\x1d``-style escapes instead of acting on the screen."""
    if value.isprintable():
        return value
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in value)


def _print_json(data: Any, out: TextIO) -> None:
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _message(error: TiaomaError, lang: str) -> str:
    return error.message_zh if lang == "zh" else error.message


def _error_json(value: str, error: TiaomaError) -> dict[str, Any]:
    return {"value": value, "valid": False, "error": error.as_dict()}


# --- info ------------------------------------------------------------------------------------


def describe(found: Identified) -> list[tuple[str, str]]:
    """Label/value rows explaining a code, for people."""
    from tiaoma import describe as describers  # noqa: PLC0415 - only `info` needs it

    return describers.rows(found)


def cmd_info(args: argparse.Namespace, out: TextIO) -> int:
    status = EXIT_OK
    results = []
    for code in args.codes:
        try:
            found = identify(code)
        except TiaomaError as error:
            status = EXIT_INVALID
            results.append(_error_json(code, error))
            if not args.json:
                out.write(f"{shown(code)}: invalid: {_message(error, args.lang)}\n")
            continue
        results.append(
            {
                "value": code,
                "valid": True,
                "kind": found.kind,
                "canonical": found.canonical,
                "parsed": to_jsonable(found.parsed),
            }
        )
        if not args.json:
            rows = describe(found)
            width = max(len(label) for label, _ in rows)
            out.write(f"{shown(found.canonical)}\n")
            out.writelines(f"  {label.ljust(width)}  {text}\n" for label, text in rows)
    if args.json:
        _print_json(results, out)
    return status


# --- check -----------------------------------------------------------------------------------


def _codes_from(args: argparse.Namespace, stdin: TextIO) -> Iterator[str]:
    """Codes from ``--file``, then the arguments, where ``-`` (or no argument and no file)
    stands for standard input."""
    if args.file is not None:
        yield from _lines(_open_text(args.file))
    codes = args.codes or ([] if args.file is not None else ["-"])
    for code in codes:
        if code == "-":
            yield from _lines(stdin)
        else:
            yield code


def _open_text(path: str) -> TextIO:
    try:
        return open(path, encoding="utf-8", errors="replace")
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror}") from error


def _lines(stream: Iterable[str]) -> Iterator[str]:
    for line in stream:
        if code := line.strip():
            yield code


def cmd_check(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    status = EXIT_OK
    results = []
    for code in _codes_from(args, stdin):
        try:
            found = identify(code)
        except TiaomaError as error:
            status = EXIT_INVALID
            entry = _error_json(code, error)
            line = f"{shown(code)}\tinvalid\t{_message(error, args.lang)}"
        else:
            entry = {"value": code, "valid": True, "kind": found.kind, "canonical": found.canonical}
            line = f"{shown(code)}\tvalid\t{found.kind}"
        if args.json:
            results.append(entry)
        else:
            out.write(line + "\n")
    if args.json:
        _print_json(results, out)
    return status


# --- check-digit -----------------------------------------------------------------------------


def cmd_check_digit(args: argparse.Namespace, out: TextIO) -> int:
    calculate = checksum.price_check_digit if args.price else checksum.calc_check_digit
    results = []
    status = EXIT_OK
    for body in args.bodies:
        try:
            digit = calculate(body)
        except TiaomaError as error:
            status = EXIT_INVALID
            results.append(_error_json(body, error))
            if not args.json:
                out.write(f"{shown(body)}: invalid: {_message(error, args.lang)}\n")
            continue
        compact = checksum.compact(body)
        results.append(
            {
                "body": compact,
                "check_digit": digit,
                "number": None if args.price else compact + digit,
            }
        )
        if not args.json:
            out.write(f"{digit}\n")
    if args.json:
        _print_json(results, out)
    return status


# --- bulk ------------------------------------------------------------------------------------


class _ProgressBar:
    """A one-line progress bar on a terminal's standard error; silent elsewhere."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.done, self.stream = max(total, 1), 0, stream
        self.shown = -1

    def __call__(self, count: int) -> None:
        self.done += count
        percent = min(100, self.done * 100 // self.total)
        if percent != self.shown:
            self.shown = percent
            bar = "#" * (percent // 4)
            self.stream.write(f"\r[{bar:<25}] {percent:3d}%")
            self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")


def cmd_bulk(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from tiaoma import bulk  # noqa: PLC0415 - numpy is only loaded for bulk work

    source = Path(args.file)
    try:
        stream: IO[bytes] = open(source, "rb")  # noqa: SIM115 - closed below
    except OSError as error:
        raise UsageError(f"cannot read {args.file}: {error.strerror}") from error
    report_path = Path(args.output) if args.output else source.with_suffix(".invalid.csv")
    if report_path.resolve() == source.resolve():
        stream.close()
        raise UsageError(f"the report {report_path} would overwrite the file being checked")
    try:
        report = open(report_path, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as error:
        stream.close()
        raise UsageError(f"cannot write {report_path}: {error.strerror}") from error
    bar = _ProgressBar(source.stat().st_size, err) if err.isatty() and not args.quiet else None
    with stream, report:
        result = bulk.validate_stream(stream, report, progress=bar)
    if bar is not None:
        bar.close()
    summary = {**result.as_dict(), "report": str(report_path)}
    if args.json:
        _print_json(summary, out)
    else:
        out.write(
            f"{result.lines} lines: {result.valid} valid, {result.invalid} invalid, "
            f"{result.blank} blank; invalid lines written to {report_path}\n"
        )
    return EXIT_INVALID if result.invalid else EXIT_OK


# --- encode and render ------------------------------------------------------------------------

RENDER_FORMATS: tuple[Format, ...] = ("svg", "pdf", "eps", "png")


def _symbology(name: str | None) -> Any:
    from tiaoma.symbols import Symbology  # noqa: PLC0415 - symbols are only loaded to draw

    if name is None:
        return None
    wanted = name.replace("-", "").replace("_", "").lower()
    for member in Symbology:
        if member.name.replace("_", "").lower() == wanted:
            return member
    names = ", ".join(m.name.lower().replace("_", "-") for m in Symbology)
    raise UsageError(f"unknown symbology {name!r}: choose one of {names}")


def _encode(args: argparse.Namespace) -> Any:
    from tiaoma.symbols.choose import encode  # noqa: PLC0415

    if args.commodity is not None:
        if args.symbology or args.ratio is not None:
            raise UsageError("--commodity chooses the symbol itself: leave out --symbology/--ratio")
        from tiaoma import commodity2d  # noqa: PLC0415

        return commodity2d.encode(args.data, args.commodity)
    symbology = _symbology(args.symbology)
    if args.ratio is None:
        return encode(args.data, symbology)
    chosen = symbology or encode(args.data).symbology
    if chosen.name not in _RATIO_SYMBOLOGIES:
        raise UsageError(f"--ratio is for Code 39 and ITF (wide and narrow elements), not "
                         f"{chosen.label}")  # fmt: skip
    return encode(args.data, chosen, ratio=args.ratio)


def _commodity_x(data: str) -> Any:
    from tiaoma import commodity2d  # noqa: PLC0415

    return commodity2d.parse(data).x_dimensions


def _warn_commodity_x(allowed: Any, module_mm: float, err: TextIO) -> None:
    """A commodity 2D code printed outside its X range still scans, but not everywhere."""
    if not allowed.minimum <= module_mm <= allowed.maximum:
        span = f"{allowed.minimum}-{allowed.maximum}"
        err.write(f"tiaoma: warning: X {module_mm:.3f} mm is outside the commodity 2D code's "
                  f"{span} mm (GS1's figures for the point of sale; "
                  f"商品二维码的模块宽度应在 {span} 毫米之间)\n")  # fmt: skip


# The symbologies of wide and narrow elements, whose encoders take a wide:narrow ratio.
_RATIO_SYMBOLOGIES = frozenset({"CODE39", "CODE39_EXTENDED", "ITF", "ITF14"})
_RATIO_HELP = ("Code 39, ITF: wide:narrow ratio 2.0-3.0, at least 2.2 when X is under 0.50 mm "
               "(ITF-14 2.25-3.0; default 3)")  # fmt: skip


def cmd_encode(args: argparse.Namespace, out: TextIO) -> int:
    symbol = _encode(args)
    if args.json:
        _print_json({"symbology": symbol.symbology.label,
                     "symbology_identifier": symbol.symbology_identifier, "data": symbol.data,
                     "rows": [{"modules": row.modules, "height": row.height}
                              for row in symbol.rows],
                     "quiet_zone": to_jsonable(symbol.quiet_zone),
                     "guards": [list(guard) for guard in symbol.guards],
                     "text": [to_jsonable(item) for item in symbol.text]}, out)  # fmt: skip
    else:
        out.writelines(row.modules + "\n" for row in symbol.rows)
    return EXIT_OK


def _render_format(args: argparse.Namespace) -> Format:
    chosen = (args.format or Path(args.output).suffix.lstrip(".")).lower()
    for known in RENDER_FORMATS:
        if chosen == known:
            return known
    raise UsageError(f"cannot tell the format of {args.output!r}: give a .svg, .pdf, .eps "
                     "or .png name, or --format")  # fmt: skip


def cmd_render(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import warnings  # noqa: PLC0415

    from tiaoma.render import artwork, geometry_for, layout, png  # noqa: PLC0415

    kind = _render_format(args)
    if args.bwr_px is not None and (kind != "png" or not 0 <= args.bwr_px <= 50):
        raise UsageError("--bwr-px is a whole number of pixels from 0 to 50, for PNG output")
    symbol = _encode(args)
    module_mm = args.module
    if args.commodity is not None and module_mm is None and args.magnification is None:
        module_mm = _commodity_x(args.data).target  # the X the code is meant to be printed at
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        geometry = geometry_for(symbol, magnification=args.magnification, module_mm=module_mm,
                                bar_height_mm=args.height, bwr_mm=args.bwr,
                                show_text=not args.no_text, adjust_digits=args.adjust_digits,
                                bearer=args.bearer,
                                allow_any_magnification=args.any_magnification)  # fmt: skip
    for warning in caught:
        err.write(f"tiaoma: warning: {warning.message}\n")
    if args.commodity is not None:
        _warn_commodity_x(_commodity_x(args.data), geometry.module_mm, err)
    drawing = layout(symbol, geometry)
    try:
        Path(args.output).write_bytes(artwork(symbol, geometry, kind, dpi=args.dpi,
                                              bwr_px=args.bwr_px))  # fmt: skip
    except OSError as error:
        raise UsageError(f"cannot write {args.output}: {error.strerror}") from error
    size = (
        f"{drawing.width * geometry.module_mm:.2f} x {drawing.height * geometry.module_mm:.2f} mm"
    )
    facts = {"output": args.output, "symbology": symbol.symbology.label, "data": symbol.data,
             "size_mm": [round(drawing.width * geometry.module_mm, 3),
                         round(drawing.height * geometry.module_mm, 3)],
             "module_mm": round(geometry.module_mm, 4)}  # fmt: skip
    per_x = symbol.modules_per_x  # a 5:2 ratio draws X as 2 modules
    line = (f"wrote {args.output}: {symbol.symbology.label} {symbol.data}, {size}, "
            f"X = {geometry.module_mm * per_x:.3f} mm")  # fmt: skip
    if kind == "png":
        pixels, actual = png.pixels_per_module(drawing, dpi=args.dpi)
        facts |= {"pixels_per_module": pixels, "actual_module_mm": actual}
        line += (f"; {pixels * per_x} px per X at {args.dpi:g} dpi, so X is really "
                 f"{round(pixels * per_x * 25.4 / args.dpi, 4)} mm")  # fmt: skip
        if pixels != round(geometry.module_mm * args.dpi / 25.4):  # moved into GB 12904's range
            magnification = round(actual / geometry.module_mm * geometry.magnification, 3)
            facts["actual_magnification"] = magnification
            line += (f" (magnification {magnification:g}: the nearest whole-pixel X within "
                     "GB 12904's 0.80-2.00)")  # fmt: skip
    if args.json:
        _print_json(facts, out)
    else:
        out.write(line + "\n")
    return EXIT_OK


# --- labels ---------------------------------------------------------------------------------


def cmd_labels(args: argparse.Namespace, out: TextIO) -> int:
    from tiaoma.render import labels  # noqa: PLC0415

    if not (1 <= args.columns <= 20 and 1 <= args.rows <= 40):
        raise UsageError("--columns must be 1-20 and --rows 1-40")
    try:
        text = Path(args.file).read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise UsageError(f"cannot read {args.file}: {error.strerror}") from error
    codes, bad = labels.read_codes(text)
    if bad:  # a sheet with a bad code is refused whole: reprinting costs more than fixing
        for row in bad:
            out.write(f"line {row.line}: {shown(row.value)}: {_message(row.error, args.lang)}\n")
        out.write(f"{len(bad)} code(s) cannot be printed; no sheet written\n")
        return EXIT_INVALID
    if not codes:
        raise UsageError(f"{args.file} holds no codes")
    sheet = labels.SheetLayout(crop_marks=not args.no_crop_marks)
    pdf = labels.label_sheet(codes, sheet=sheet, columns=args.columns, rows=args.rows,
                             magnification=args.magnification)  # fmt: skip
    try:
        Path(args.output).write_bytes(pdf)
    except OSError as error:
        raise UsageError(f"cannot write {args.output}: {error.strerror}") from error
    pages = -(-len(codes) // (args.columns * args.rows))
    out.write(f"wrote {args.output}: {len(codes)} labels on {pages} page(s), "
              f"{args.columns} x {args.rows} per A4 page\n")  # fmt: skip
    return EXIT_OK


def cmd_gallery(args: argparse.Namespace, out: TextIO) -> int:
    from tiaoma.render.gallery import write_gallery  # noqa: PLC0415

    try:
        page = write_gallery(Path(args.folder))
    except OSError as error:
        raise UsageError(f"cannot write to {args.folder}: {error.strerror}") from error
    out.write(f"wrote {page}: every symbology as PNG and SVG\n")
    return EXIT_OK


# --- Parser and entry point ------------------------------------------------------------------


def cmd_scan(args: argparse.Namespace, out: TextIO) -> int:
    """Read every file; exit 1 if one holds no barcode or cannot be read."""
    from tiaoma.scan import ITF_LENGTHS, ScanError, read_all  # noqa: PLC0415

    if not 1 <= args.pages <= 100:
        raise UsageError("--pages is a whole number from 1 to 100")
    itf_lengths = args.itf_length or ITF_LENGTHS
    if any(length < 2 or length % 2 for length in itf_lengths):
        raise UsageError("--itf-length is an even number of digits, 2 or more (ITF takes pairs)")
    status, report = EXIT_OK, []
    for name in args.images:
        try:
            reads = read_all(Path(name), pages=args.pages, itf_lengths=itf_lengths)
        except ScanError as error:
            status = EXIT_INVALID
            report.append({"file": name, **_error_json(name, error)})
            if not args.json:
                out.write(_message(error, args.lang) + "\n")  # the message names the file
            continue
        found = reads.found
        if not found:
            status = EXIT_INVALID
        unread = [{"symbology": item.symbology, "page": item.page,
                   **_error_json(name, item.reason)} for item in reads.unread]  # fmt: skip
        report.append({"file": name, "found": [to_jsonable(item) for item in found],
                       "unread": unread})  # fmt: skip
        if not args.json:
            out.writelines(_scan_line(name, item, args.lang) for item in found)
            out.writelines(f"{shown(name)}: {item.symbology}: {_message(item.reason, args.lang)}\n"
                           for item in reads.unread)  # fmt: skip
            if not found:
                out.write(f"{shown(name)}: " + ("未找到条码" if args.lang == "zh" else
                                               "no barcode found") + "\n")  # fmt: skip
    if args.json:
        _print_json(report, out)
    return status


def _scan_line(name: str, found: Any, lang: str) -> str:
    x, y = found.corners[0]
    where = f"page {found.page + 1}, " if found.page else ""
    line = f"{shown(name)}: {found.symbology} {found.data}  ({where}at {x},{y})"
    if found.gs1_error is not None:  # GS1 data that breaks a GS1 rule: say which
        line += f"\n  GS1: {_message(found.gs1_error, lang)}"
    return line + "\n"


def _calibration(text: str | None) -> Any:
    """``--calibration 245=85,18=5``: the grey levels of a light and a dark surface of known
    reflectance (%)."""
    if text is None:
        return None
    from tiaoma.verify.image import Calibration  # noqa: PLC0415

    try:
        (light_grey, light), (dark_grey, dark) = (
            (float(grey), float(percent))
            for grey, percent in (pair.split("=") for pair in text.split(","))
        )
        return Calibration(light_grey, light, dark_grey, dark)
    except ValueError:
        raise UsageError(
            "--calibration is LIGHT_GREY=PERCENT,DARK_GREY=PERCENT, e.g. 245=85,18=5 "
            "(grey levels 0-255 of two surfaces of known reflectance, the light one first)"
        ) from None


def cmd_verify(args: argparse.Namespace, out: TextIO) -> int:
    """Grade the symbols in one image; exit 0 if each reaches 1.5 (GB/T 18348), 1 if not."""
    from tiaoma.scan import ScanError  # noqa: PLC0415
    from tiaoma.verify import report  # noqa: PLC0415
    from tiaoma.verify.grading import VerifyError, verify  # noqa: PLC0415

    if args.index is not None and args.index < 1:
        raise UsageError("--index counts the symbols from 1")
    try:
        graded = verify(Path(args.image), dpi=args.dpi, aperture=args.aperture or "06",
                        wavelength=args.wavelength or 670,
                        calibration=_calibration(args.calibration), index=args.index)  # fmt: skip
    except VerifyError as error:
        if error.code not in _MAYBE_MATRIX:
            return _verify_failed(args, error, out)
        return _verify_matrix(args, out, error)
    except ScanError as error:
        return _verify_failed(args, error, out)
    if args.report:
        _write_report(args.report, graded, report.html)
    if args.json:
        _print_json([report.as_json(item) for item in graded], out)
    else:
        out.writelines(_verify_lines(item, args.lang) for item in graded)
    return EXIT_OK if all(item.grade.value >= 1.5 for item in graded) else EXIT_INVALID


def _verify_failed(args: argparse.Namespace, error: TiaomaError, out: TextIO) -> int:
    if args.json:
        _print_json(_error_json(args.image, error), out)
    else:
        out.write(_message(error, args.lang) + "\n")
    return EXIT_INVALID


#: The linear grader's refusals after which the image may hold a 2D symbol: zxing-cpp read
#: only non-linear symbols, or nothing (Han Xin Code, which only tiaoma's reader reads).
_MAYBE_MATRIX = ("verify-not-linear", "verify-no-symbol", "verify-undecodable")


def _verify_matrix(args: argparse.Namespace, out: TextIO, linear: TiaomaError) -> int:
    """Grade the image's QR Code, Data Matrix or Han Xin Code (ISO/IEC 15415, GB/T 23704);
    exit 0 if it reaches 1.5 (GB/T 33993, our reading), 1 if not. No 2D symbol either: the
    linear grader's reason is the one given."""
    from tiaoma.scan import ScanError  # noqa: PLC0415
    from tiaoma.verify import matrix_report  # noqa: PLC0415
    from tiaoma.verify.grading import VerifyError  # noqa: PLC0415
    from tiaoma.verify.matrix import grade_matrix  # noqa: PLC0415

    try:
        graded = grade_matrix(Path(args.image), dpi=args.dpi, aperture=args.aperture,
                              wavelength=args.wavelength or 660,
                              calibration=_calibration(args.calibration))  # fmt: skip
    except (ScanError, VerifyError) as error:
        shown_error = linear if error.code == "verify-no-matrix" else error
        return _verify_failed(args, shown_error, out)
    if args.report:
        _write_report(args.report, [graded], matrix_report.html)
    if args.json:
        _print_json([matrix_report.as_json(graded)], out)
    else:
        out.write(_matrix_lines(graded, args.lang))
    return EXIT_OK if graded.grade.value >= 1.5 else EXIT_INVALID


def _matrix_lines(graded: Any, lang: str) -> str:
    zh = lang == "zh"
    verdicts = _verdicts_line(graded.verdicts, zh)
    lines = [f"{shown(graded.source)}: {graded.symbology} {graded.data}  {graded.result} "
             f"({graded.grade.letter})  {graded.size}  X {graded.x_mm:.3f} mm\n",
             f"  {verdicts}\n"]  # fmt: skip
    lines.extend(f"  - {chinese if zh else english}\n" for english, chinese in graded.advice)
    return "".join(lines)


def _verdicts_line(verdicts: Any, zh: bool) -> str:
    """The verdicts on one line: each requirement's name and whether the symbol meets it."""
    said = {True: "合格" if zh else "pass", False: "不合格" if zh else "FAIL",
            None: "不适用" if zh else "n/a"}  # fmt: skip
    return "; ".join(f"{v.name_zh if zh else v.name} {said[v.passed]}" for v in verdicts)


def _write_report(name: str, graded: list[Any], page: Callable[[Any], str]) -> None:
    pages = [page(item) for item in graded]
    path = Path(name)
    try:
        if len(pages) == 1:
            path.write_text(pages[0], encoding="utf-8")
        for number, text in enumerate(pages if len(pages) > 1 else [], start=1):
            path.with_name(f"{path.stem}-{number}{path.suffix}").write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {name}: {error.strerror}") from None


def _verify_lines(item: Any, lang: str) -> str:
    zh = lang == "zh"
    verdicts = _verdicts_line(item.verdicts, zh)
    x = "" if item.x_mm is None else f"  X {item.x_mm:.3f} mm"
    lines = [f"{shown(item.source)} #{item.index}: {item.symbology} {item.data}  "
             f"{item.result} ({item.grade.letter}){x}\n", f"  {verdicts}\n"]  # fmt: skip
    lines.extend(f"  - {chinese if zh else english}\n" for english, chinese in item.advice)
    return "".join(lines)


def _add_verify(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "verify", parents=[common],
        help="grade a barcode's print quality from an image (ISO/IEC 15416, 15415; tiaoma[scan])",
    )  # fmt: skip
    parser.add_argument("image", metavar="IMAGE", help="a scan of the print proof")
    parser.add_argument("--dpi", type=float, help="the image's resolution, if it does not say")
    parser.add_argument("--aperture", help="aperture reference number (linear 06; 2D 80 %% of X)")
    parser.add_argument("--wavelength", type=int, help="nm, recorded (linear 670; 2D 660)")
    parser.add_argument("--calibration", help="LIGHT_GREY=PERCENT,DARK_GREY=PERCENT")
    parser.add_argument("--index", type=int, help="grade only the Nth symbol (from 1)")
    parser.add_argument("--report", metavar="OUT.html", help="write the report page")


def _add_render(commands: Any, parents: list[argparse.ArgumentParser]) -> None:
    render = commands.add_parser(
        "render", parents=parents, help="draw a symbol as SVG, PDF, EPS or PNG at exact size"
    )
    render.add_argument("-o", "--output", required=True, help="out.svg, out.pdf, out.eps, out.png")
    render.add_argument("--format", choices=RENDER_FORMATS, help="instead of the file's suffix")
    render.add_argument("--magnification", type=float, help="EAN/UPC: 0.80-2.00 (default 1.00)")
    render.add_argument("--module", type=float, metavar="MM", help="module width X in mm")
    render.add_argument("--height", type=float, metavar="MM", help="bar height in mm")
    render.add_argument(
        "--bwr",
        type=float,
        default=0.0,
        metavar="MM",
        help="bar width reduction for print gain, in mm",
    )
    render.add_argument(
        "--bwr-px",
        type=int,
        metavar="PX",
        help="PNG: bar width reduction in whole pixels (instead of --bwr)",
    )
    render.add_argument("--dpi", type=float, default=600, help="PNG resolution (default 600)")
    render.add_argument("--no-text", action="store_true", help="no human-readable text")
    render.add_argument(
        "--any-magnification",
        action="store_true",
        help="allow a magnification outside 0.80-2.00, with a warning",
    )
    render.add_argument(
        "--bearer",
        choices=("frame", "horizontal"),
        default="frame",
        help="ITF-14 bearer bars: a frame (default) or bars above and below only",
    )
    render.add_argument(
        "--adjust-digits",
        action="store_true",
        help="EAN/UPC: bars of digits 1, 2, 7, 8 adjusted by 1/13 module (GB 12904 table 4)",
    )


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="machine-readable output")
    common.add_argument(
        "--lang",
        choices=("en", "zh"),
        default="en",
        help="language of error messages (default en; zh: 简体中文)",
    )
    parser = argparse.ArgumentParser(
        prog="tiaoma", description="China's commodity barcode numbers: explain, check, validate."
    )
    parser.add_argument("--version", action="version", version=f"tiaoma {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    info = commands.add_parser("info", parents=[common], help="explain codes part by part")
    info.add_argument("codes", nargs="+", metavar="CODE")

    check = commands.add_parser(
        "check", parents=[common], help="validate codes from arguments, a file or standard input"
    )
    check.add_argument("codes", nargs="*", metavar="CODE", help="codes, or - for standard input")
    check.add_argument("-f", "--file", help="a file with one code per line")

    digit = commands.add_parser(
        "check-digit", parents=[common], help="compute the GS1 mod-10 check digit of a body"
    )
    digit.add_argument("bodies", nargs="+", metavar="BODY")
    digit.add_argument(
        "--price", action="store_true", help="the 4- or 5-digit price/weight check digit instead"
    )

    bulk = commands.add_parser(
        "bulk", parents=[common], help="validate a file of millions of codes, one per line"
    )
    bulk.add_argument("file", metavar="FILE")
    bulk.add_argument("-o", "--output", help="CSV of the invalid lines (default FILE.invalid.csv)")
    bulk.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    symbol = argparse.ArgumentParser(add_help=False)  # what encode and render draw
    symbol.add_argument("data", metavar="DATA")
    symbol.add_argument("--symbology", help="e.g. ean13, upce, gs1-128 (default: from the data)")
    symbol.add_argument("--ratio", type=float, help=_RATIO_HELP)
    symbol.add_argument(
        "--commodity", choices=("qr", "hanxin", "datamatrix"),
        help="a commodity 2D code (GB/T 33993-2024) in this symbol, checked as the standard asks "
             "and drawn at its target X",
    )  # fmt: skip
    commands.add_parser(
        "encode", parents=[common, symbol],
        help="print the module pattern of a symbol (1 dark, 0 light)",
    )  # fmt: skip
    _add_render(commands, [common, symbol])

    sheet = commands.add_parser(
        "labels", parents=[common], help="a PDF sheet of labels from a CSV of code[,caption]"
    )
    sheet.add_argument("file", metavar="CSV")
    sheet.add_argument("-o", "--output", required=True, help="sheet.pdf")
    sheet.add_argument("--columns", type=int, default=3, help="labels across (default 3)")
    sheet.add_argument("--rows", type=int, default=8, help="labels down (default 8)")
    sheet.add_argument("--magnification", type=float, help="EAN/UPC magnification (0.80-2.00)")
    sheet.add_argument("--no-crop-marks", action="store_true", help="leave out the crop marks")

    scan = commands.add_parser(
        "scan", parents=[common], help="read barcodes from images and PDFs (tiaoma[scan])"
    )
    scan.add_argument("images", nargs="+", metavar="IMAGE", help="PNG, JPEG, BMP, TIFF, GIF, PDF")
    scan.add_argument("--pages", type=int, default=3, help="pages or frames read (default 3)")
    scan.add_argument("--itf-length", type=int, action="append", metavar="N",
                      help="digits an ITF may have, repeated for several (default 14 and 16); "
                           "shorter reads are parts of a longer symbol")  # fmt: skip
    _add_verify(commands, common)
    gallery = commands.add_parser("gallery", help="every symbology drawn, with an index.html")
    gallery.add_argument("folder", metavar="FOLDER")
    return parser


def run(argv: Sequence[str], out: TextIO, err: TextIO, stdin: TextIO) -> int:
    args = build_parser().parse_args(argv)
    commands: dict[str, Callable[[], int]] = {
        "info": lambda: cmd_info(args, out),
        "check": lambda: cmd_check(args, out, stdin),
        "check-digit": lambda: cmd_check_digit(args, out),
        "bulk": lambda: cmd_bulk(args, out, err),
        "encode": lambda: _reporting_errors(lambda: cmd_encode(args, out), args, out),
        "render": lambda: _reporting_errors(lambda: cmd_render(args, out, err), args, out),
        "labels": lambda: _reporting_errors(lambda: cmd_labels(args, out), args, out),
        "gallery": lambda: cmd_gallery(args, out),
        "scan": lambda: cmd_scan(args, out),
        "verify": lambda: cmd_verify(args, out),
    }
    return commands[args.command]()


def _reporting_errors(command: Any, args: argparse.Namespace, out: TextIO) -> int:
    """Run ``command``; a refused value is reported like `check` does, exit status 1."""
    try:
        result: int = command()
    except TiaomaError as error:
        subject = str(getattr(args, "data", None) or getattr(args, "file", ""))
        if args.json:
            _print_json(_error_json(subject, error), out)
        else:
            out.write(f"{shown(subject)}: invalid: {_message(error, args.lang)}\n")
        return EXIT_INVALID
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tiaoma`` command."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    # Whatever the locale, bytes that are not UTF-8 become U+FFFD (reported as invalid codes)
    # instead of an exception, and output stays valid UTF-8 for --json consumers.
    for stream in (sys.stdin, sys.stdout):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8", errors="replace")
    try:
        return run(arguments, sys.stdout, sys.stderr, sys.stdin)
    except UsageError as error:
        sys.stderr.write(f"tiaoma: {error}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # the promise: no traceback reaches a user
        if os.environ.get("TIAOMA_DEBUG"):
            raise
        sys.stderr.write(
            f"tiaoma: internal error ({type(error).__name__}: {error}); "
            "please report it (TIAOMA_DEBUG=1 shows the details)\n"
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
