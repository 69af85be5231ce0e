"""The tiaoma command: the issue's examples, every command, and no traceback for nonsense."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tiaoma import cli


def tiaoma(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        status = cli.run(list(argv), out, err, io.StringIO(stdin))
    except cli.UsageError as error:
        return cli.EXIT_USAGE, out.getvalue(), str(error)
    return status, out.getvalue(), err.getvalue()


def test_info_seed_001() -> None:
    # The acceptance example: GS1 China, company prefix 69369838 (8 digits), item 0001,
    # check digit 3 valid.
    status, out, _ = tiaoma("info", "6936983800013")
    assert status == 0
    assert "GS1 China" in out
    assert "69369838 (8 digits" in out
    assert "item reference  0001" in out
    assert "check digit     3 (valid" in out


def test_check_digit_seed_004() -> None:
    assert tiaoma("check-digit", "977167121601") == (0, "4\n", "")


def test_check_digit_json_and_price() -> None:
    _, out, _ = tiaoma("check-digit", "--json", "693698380001")
    # --json always gives a list, one entry per argument.
    assert json.loads(out) == [
        {"body": "693698380001", "check_digit": "3", "number": "6936983800013"}
    ]
    _status, out, _ = tiaoma("check-digit", "--price", "--json", "2875", "14685")
    assert [entry["check_digit"] for entry in json.loads(out)] == ["9", "6"]


def test_check_digit_bad_body() -> None:
    status, out, _ = tiaoma("check-digit", "12a")
    assert status == 1
    assert "Invalid character 'a'" in out


def test_info_json() -> None:
    status, out, _ = tiaoma("info", "--json", "6936983800013")
    [data] = json.loads(out)  # always a list, one entry per code
    assert status == 0
    assert data["parsed"]["company_prefix"] == "69369838"
    assert data["parsed"]["organisation_zh"] == "中国物品编码中心"


def test_info_invalid_in_both_languages() -> None:
    status, out, _ = tiaoma("info", "6936983800010")
    assert status == 1
    assert "expected 3, got 0" in out
    status, out, _ = tiaoma("info", "--lang", "zh", "6936983800010")
    assert "校验码应为 3" in out
    status, out, _ = tiaoma("info", "--json", "6936983800010", "6936983800013")
    data = json.loads(out)
    assert [entry["valid"] for entry in data] == [False, True]
    assert data[0]["error"]["code"] == "checksum"


def test_check_arguments_stdin_and_file(tmp_path: Path) -> None:
    assert tiaoma("check", "6936983800013")[0] == 0
    status, out, _ = tiaoma("check", "6936983800013", "123")
    assert status == 1
    assert out.splitlines()[1].startswith("123\tinvalid\t")
    status, out, _ = tiaoma("check", stdin="6936983800013\n\n6901234567892\n")
    assert status == 0
    assert out.count("\tvalid\t") == 2
    assert tiaoma("check", "-", stdin="x\n")[0] == 1
    listing = tmp_path / "codes.txt"
    listing.write_text("6936983800013\n6936983800010\n", encoding="utf-8")
    status, out, _ = tiaoma("check", "--json", "-f", str(listing))
    assert status == 1
    assert [entry["valid"] for entry in json.loads(out)] == [True, False]


def test_check_missing_file() -> None:
    status, _, message = tiaoma("check", "-f", "/no/such/file")
    assert status == cli.EXIT_USAGE
    assert "cannot read /no/such/file" in message


def test_bulk(tmp_path: Path) -> None:
    source = tmp_path / "codes.txt"
    source.write_text("6936983800013\n6936983800010\n", encoding="utf-8")
    status, out, _ = tiaoma("bulk", str(source))
    assert status == 1
    assert "2 lines: 1 valid, 1 invalid" in out
    assert (tmp_path / "codes.invalid.csv").read_text(encoding="utf-8").count("\n") == 2
    status, out, _ = tiaoma("bulk", "--json", str(source), "-o", str(tmp_path / "r.csv"))
    assert json.loads(out)["invalid"] == 1
    source.write_text("6936983800013\n", encoding="utf-8")
    assert tiaoma("bulk", "-q", str(source))[0] == 0


def test_bulk_unreadable_and_unwritable(tmp_path: Path) -> None:
    status, _, message = tiaoma("bulk", str(tmp_path / "missing.txt"))
    assert status == cli.EXIT_USAGE
    assert "cannot read" in message
    source = tmp_path / "codes.txt"
    source.write_text("6936983800013\n", encoding="utf-8")
    status, _, message = tiaoma("bulk", str(source), "-o", str(tmp_path / "no" / "dir.csv"))
    assert status == cli.EXIT_USAGE
    assert "cannot write" in message


def test_progress_bar() -> None:
    stream = io.StringIO()
    bar = cli._ProgressBar(200, stream)
    bar(100)
    bar(100)
    bar.close()
    assert stream.getvalue() == f"\r[{'#' * 12:<25}]  50%\r[{'#' * 25}] 100%\n"


def test_to_jsonable() -> None:
    import datetime
    import decimal

    assert cli.to_jsonable(
        {"d": datetime.date(2026, 12, 31), "n": decimal.Decimal("1.50"), "t": (1, 2)}
    ) == {"d": "2026-12-31", "n": "1.50", "t": [1, 2]}


def test_main_reports_usage_errors_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check", "-f", "/no/such/file"]) == cli.EXIT_USAGE
    assert capsys.readouterr().err.startswith("tiaoma: cannot read")


def test_main_hides_internal_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(*_: object) -> int:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(cli, "run", explode)
    monkeypatch.delenv("TIAOMA_DEBUG", raising=False)
    assert cli.main(["info", "1"]) == cli.EXIT_INTERNAL
    assert "internal error (ZeroDivisionError: boom)" in capsys.readouterr().err
    monkeypatch.setenv("TIAOMA_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        cli.main(["info", "1"])


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, BrokenPipeError])
def test_main_interruptions(
    monkeypatch: pytest.MonkeyPatch, interruption: type[BaseException]
) -> None:
    def stop(*_: object) -> int:
        raise interruption

    monkeypatch.setattr(cli, "run", stop)
    assert cli.main([]) in (130, 0)


def test_installed_command_runs() -> None:
    # The real console script, as a newcomer runs it; argparse errors exit 2 without traceback.
    command = Path(sys.executable).parent / "tiaoma"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [command, "info", "6936983800013"], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0
    assert "69369838" in done.stdout
    done = subprocess.run(
        [command, "no-such-command"], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_control_characters_are_escaped_when_echoed() -> None:
    # A line of binary garbage must not drive the user's terminal (escape sequences, GS).
    status, out, _ = tiaoma("check", "\x1b[31mred\x07")
    assert status == 1
    assert "\x1b" not in out
    assert "\\x1b[31mred\\x07" in out
    status, out, _ = tiaoma("check", "]C1010693698380001310ABC123\x1d17261231")
    assert out.startswith("]C1010693698380001310ABC123\\x1d17261231\tvalid")
    assert cli.shown("6936983800013") == "6936983800013"


def test_dash_among_codes_reads_stdin_in_its_place() -> None:
    status, out, _ = tiaoma("check", "6936983800013", "-", stdin="6901234567892\n")
    assert status == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == ["6936983800013", "6901234567892"]


def test_bulk_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    source = tmp_path / "s.txt"
    source.write_text("6936983800010\n", encoding="utf-8")
    status, _, message = tiaoma("bulk", str(source), "-o", str(source))
    assert status == cli.EXIT_USAGE
    assert "would overwrite" in message
    assert source.read_text(encoding="utf-8") == "6936983800010\n"


def test_info_escapes_control_characters() -> None:
    _, out, _ = tiaoma("info", "\x1b[31mRED")
    assert "\x1b" not in out


def test_invalid_utf8_and_bom_on_stdin_of_the_real_command(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "tiaoma"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    data = b"\xef\xbb\xbf6936983800013\n\xff\n6901234567892\n"
    done = subprocess.run(
        [command, "check", "--json"], input=data, capture_output=True, env=env, check=False
    )
    assert done.returncode == 1
    results = json.loads(done.stdout.decode("utf-8"))
    assert [entry["valid"] for entry in results] == [True, False, True]
    listing = tmp_path / "bom.txt"
    listing.write_bytes(b"\xef\xbb\xbf6936983800013\n")
    done = subprocess.run(
        [command, "check", "-f", str(listing)], capture_output=True, env=env, check=False
    )
    assert done.returncode == 0


def test_encode_prints_the_pattern() -> None:
    status, out, _ = tiaoma("encode", "6901234567892")
    assert status == 0
    assert out.startswith("10100010110100111011001100110110111101")
    _, out, _ = tiaoma("encode", "--json", "04252614")
    data = json.loads(out)
    assert data["symbology"] == "UPC-E"
    assert data["rows"][0]["modules"] == "101001110100100110111001001101101011110011001010101"
    assert data["quiet_zone"]["left"] == 9
    assert tiaoma("encode", "6901234567890")[0] == 1


@pytest.mark.parametrize("suffix", ["svg", "pdf", "eps", "png"])
def test_render_every_format(tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"code.{suffix}"
    status, out, _ = tiaoma("render", "6936983800013", "-o", str(target), "--dpi", "300")
    assert status == 0
    assert "37.29 x 26.26 mm" in out
    assert target.stat().st_size > 200
    if suffix == "png":
        assert "4 px per X at 300 dpi, so X is really 0.3387 mm" in out


def test_render_png_keeps_x_within_gb12904(tmp_path: Path) -> None:
    # Magnification 0.8 at 300 dpi rounded to 3 px (X 0.254 mm, 0.77) without a word: now the
    # nearest whole-pixel X inside 0.80-2.00, said on the output line (issue 24, item 5).
    target = str(tmp_path / "a.png")
    status, out, err = tiaoma("render", "6936983800013", "-o", target, "--magnification", "0.8",
                              "--dpi", "300")  # fmt: skip
    assert (status, err) == (0, "")
    assert "4 px per X at 300 dpi, so X is really 0.3387 mm (magnification 1.026:" in out
    with Image.open(target) as image:  # the file itself: 113 modules (quiet zones too) of 4 px
        assert image.width == 113 * 4
    _, out, _ = tiaoma("render", "--json", "6936983800013", "-o", target, "--magnification", "2",
                       "--dpi", "600")  # fmt: skip
    facts = json.loads(out)
    assert (facts["pixels_per_module"], facts["actual_magnification"]) == (15, 1.924)
    _, out, _ = tiaoma("render", "--json", "6936983800013", "-o", target, "--dpi", "600")
    assert "actual_magnification" not in json.loads(out)  # 8 px is plain rounding, in range


def test_render_ratio_for_code39_and_itf(tmp_path: Path) -> None:
    # Code 39 drew a 2.0 ratio at X 0.33 mm by default, which ISO/IEC 16388 forbids below
    # 0.50 mm: the default is 3, --ratio chooses, and what breaks the standard is refused.
    target = str(tmp_path / "a.png")
    status, out, _ = tiaoma("encode", "A", "--symbology", "code39")
    assert out.startswith("1000101110111010")  # the start character at ratio 3
    status, out, _ = tiaoma("render", "CODE39", "--symbology", "code39", "--ratio", "2.5",
                            "-o", target)  # fmt: skip
    assert status == 0
    assert "X = 0.330 mm; 8 px per X at 600 dpi, so X is really 0.3387 mm" in out
    status, out, _ = tiaoma("render", "CODE39", "--symbology", "code39", "--ratio", "2",
                            "-o", target)  # fmt: skip
    assert status == 1
    assert "ratio 2 is too small for X 0.330 mm: ISO/IEC 16388 asks for 2.2-3.0" in out
    status, out, _ = tiaoma("render", "CODE39", "--symbology", "code39", "--ratio", "2",
                            "--module", "0.5", "-o", target)  # fmt: skip
    assert status == 0
    status, out, _ = tiaoma("render", "16936983800010", "--ratio", "2.2", "-o", target)
    assert "expected 2.25-3.0 for ITF-14" in out
    status, out, _ = tiaoma("encode", "1234", "--symbology", "itf", "--ratio", "3.5")
    assert "ratio 3.5: expected 2.0-3.0" in out
    status, _, err = tiaoma("render", "6936983800013", "--ratio", "2.5", "-o", target)
    assert status == cli.EXIT_USAGE
    assert "--ratio is for Code 39 and ITF" in err


def test_render_an_addon(tmp_path: Path) -> None:
    # It drew a Code 128 of the text; now an EAN-13 with its add-on, or a clear refusal.
    target = str(tmp_path / "a.svg")
    status, out, _ = tiaoma("render", "6901234567892+12345", "-o", target)
    assert (status, out.split(",")[0]) == (0, f"wrote {target}: EAN-13 6901234567892+12345")
    status, out, _ = tiaoma("render", "6901234567892+123", "-o", target, "--lang", "zh")
    assert status == 1
    assert "“+”后应为 2 位或 5 位数字" in out


def test_render_options_and_refusals(tmp_path: Path) -> None:
    target = str(tmp_path / "a.svg")
    status, out, _ = tiaoma(
        "render",
        "--json",
        "6936983800013",
        "-o",
        target,
        "--magnification",
        "2",
        "--bwr",
        "0.02",
        "--no-text",
    )
    assert status == 0
    assert json.loads(out)["module_mm"] == 0.66
    status, out, _ = tiaoma("render", "6936983800013", "-o", target, "--magnification", "0.5")
    assert status == 1
    assert "outside 0.80-2.00" in out
    status, _, err = tiaoma(
        "render", "6936983800013", "-o", target, "--magnification", "0.7", "--any-magnification"
    )
    assert status == 0
    assert "warning: magnification 0.7" in err
    assert tiaoma("render", "6936983800013", "-o", str(tmp_path / "a.doc"))[0] == cli.EXIT_USAGE
    assert tiaoma("render", "6936983800013", "-o", target, "--symbology", "x")[0] == cli.EXIT_USAGE
    status, out, _ = tiaoma("render", "--json", "6936983800010", "-o", target)
    assert json.loads(out)["error"]["code"] == "checksum"
    status, _, message = tiaoma("render", "6936983800013", "-o", str(tmp_path / "no" / "a.svg"))
    assert status == cli.EXIT_USAGE
    assert "cannot write" in message
    status, out, _ = tiaoma("render", "hello", "-o", target, "--symbology", "pdf417")
    assert status == 0
    assert "PDF417 hello" in out


def test_labels_sheet(tmp_path: Path) -> None:
    listing = tmp_path / "codes.csv"
    listing.write_text(
        "code,caption\n6936983800013,示例商品\n6901234567892,Sample\n16936983800010\n",
        encoding="utf-8-sig",
    )
    target = tmp_path / "sheet.pdf"
    # An ITF-14 is 84 mm wide at magnification 0.8: two columns to an A4 page.
    status, out, _ = tiaoma("labels", str(listing), "-o", str(target), "--magnification", "0.8",
                            "--columns", "2")  # fmt: skip
    assert status == 0
    assert "3 labels on 1 page(s)" in out
    assert target.read_bytes().startswith(b"%PDF-1.4")


def test_labels_refuse_a_sheet_with_bad_codes(tmp_path: Path) -> None:
    listing = tmp_path / "codes.csv"
    listing.write_text("6936983800013\n6936983800010\nhello 条码\n", encoding="utf-8")
    target = tmp_path / "sheet.pdf"
    status, out, _ = tiaoma("labels", str(listing), "-o", str(target))
    assert status == 1
    assert "line 2: 6936983800010: Invalid check digit" in out
    assert "2 code(s) cannot be printed; no sheet written" in out
    assert not target.exists()


def test_labels_usage_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("\n", encoding="utf-8")
    assert tiaoma("labels", str(empty), "-o", str(tmp_path / "a.pdf"))[0] == cli.EXIT_USAGE
    assert tiaoma("labels", str(tmp_path / "none.csv"), "-o", "a.pdf")[0] == cli.EXIT_USAGE
    one = tmp_path / "one.csv"
    one.write_text("6936983800013\n", encoding="utf-8")
    assert tiaoma("labels", str(one), "-o", "a.pdf", "--columns", "0")[0] == cli.EXIT_USAGE
    # 20 x 40 cells are too small for an EAN-13: the limit and the value are named.
    status, out, _ = tiaoma(
        "labels", str(one), "-o", str(tmp_path / "a.pdf"), "--columns", "20", "--rows", "40"
    )
    assert status == 1
    assert "cannot hold the" in out
    status, _, message = tiaoma("labels", str(one), "-o", str(tmp_path / "no" / "a.pdf"))
    assert status == cli.EXIT_USAGE
    assert "cannot write" in message


def test_render_adjust_digits(tmp_path: Path) -> None:
    plain, adjusted = tmp_path / "plain.svg", tmp_path / "adjusted.svg"
    assert tiaoma("render", "6901234567892", "-o", str(plain))[0] == 0
    assert tiaoma("render", "6901234567892", "-o", str(adjusted), "--adjust-digits")[0] == 0
    assert plain.read_bytes() != adjusted.read_bytes()


def test_render_bar_width_reduction_in_pixels(tmp_path: Path) -> None:
    plain, reduced = tmp_path / "plain.png", tmp_path / "reduced.png"
    assert tiaoma("render", "6901234567892", "-o", str(plain), "--dpi", "300")[0] == 0
    assert tiaoma("render", "6901234567892", "-o", str(reduced), "--dpi", "300",
                  "--bwr-px", "1")[0] == 0  # fmt: skip
    assert plain.read_bytes() != reduced.read_bytes()
    status, _, err = tiaoma("render", "6901234567892", "-o", str(tmp_path / "a.svg"),
                            "--bwr-px", "1")  # fmt: skip
    assert status == 2
    assert "--bwr-px" in err
