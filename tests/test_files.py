"""ganlab.files and ganlab.textnum: bounded reads, safe writes, plain numbers."""
from __future__ import annotations

import os

import pytest

from ganlab import files
from ganlab.textnum import number, whole


def test_read_text_is_bounded(tmp_path):
    f = tmp_path / "big.txt"
    f.write_bytes(b"x" * 2049)
    assert files.read_text(str(f), 4096, "a test") == "x" * 2049
    with pytest.raises(files.FileProblem, match="larger than 0 MB, too large for a test"):
        files.read_text(str(f), 2048, "a test")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_that_never_end_are_refused(device):
    with pytest.raises(files.FileProblem, match=f"cannot read {device}"):
        files.read_text(device, 1024 * 1024, "a test")


def test_read_text_drops_a_bom_and_refuses_binary(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(b"\xef\xbb\xbfhello")
    assert files.read_text(str(f), 100, "a test") == "hello"
    f.write_bytes(b"ok\xff")
    with pytest.raises(files.FileProblem, match="it is not text .byte 3 is not UTF-8"):
        files.read_text(str(f), 100, "a test")


def test_check_writable_finds_problems_before_any_work(tmp_path):
    files.check_writable(str(tmp_path / "new.json"))              # fine: the folder exists
    with pytest.raises(files.FileProblem, match="does not exist"):
        files.check_writable(str(tmp_path / "nodir" / "m.json"))
    with pytest.raises(files.FileProblem, match="it is a folder"):
        files.check_writable(str(tmp_path))


def test_write_text_replaces_only_with_a_complete_file(tmp_path):
    f = tmp_path / "m.json"
    f.write_text("old")
    os.chmod(f, 0o640)
    files.write_text(str(f), "new")
    assert f.read_text() == "new"
    assert oct(os.stat(f).st_mode & 0o777) == oct(0o640)
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]     # no temporary file left


def test_write_text_to_a_device_writes_in_place(tmp_path):
    files.write_text("/dev/null", "anything")      # not renamed over, not refused
    assert os.path.exists("/dev/null")


@pytest.mark.parametrize("text, value", [("1", 1.0), ("-2.5", -2.5), (".5", 0.5), ("5.", 5.0),
                                         ("1e3", 1000.0), ("2.5E-2", 0.025), (" 7 ", 7.0)])
def test_number_accepts_decimal_and_scientific(text, value):
    assert number(text) == value


@pytest.mark.parametrize("text", ["0_5", "\u0661", "inf", "NaN", "0x1", "1e", ".", "", "1 2", "+-1"])
def test_number_refuses_everything_else(text):
    with pytest.raises(ValueError):
        number(text)


def test_whole_numbers():
    assert whole("30000") == 30000 and whole("-1") == -1
    for text in ("1_000", "1e3", "3.0", "\u0663", "9" * 31):
        with pytest.raises(ValueError):
            whole(text)
