"""The whole stack, used (issue 12): CSV in and out of the page, and figures made with
matplotlib installed through micropip from the site's own wheels on first use.

- CSV import by the file chooser, a drop onto the view and the paste box; a malformed
  file's message names its line and the data and model stay as they were;
- export -> import round trip in the page, and through the command line
  (`train --points`), with the fakes equal to `sample`'s for the saved model;
- the Figure export: no matplotlib request before it, none leaving the origin, a PNG
  at least 900 px wide in the view's colours, then an SVG and a PDF.

The `page` fixture (conftest.py) fails every test on console errors and on requests
that leave the local server.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pagekit import FAKE, REAL, snapshot, wait_until  # noqa: E402

from ganlab import data, figure, modelfile  # noqa: E402

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
GOOD = "x,y\n" + "".join(f"{0.2 + 0.01 * i!r},{0.3 + 0.02 * (i % 7)!r}\n" for i in range(40))
BAD = "x,y\n0.2,0.3\n0.25,abc\n0.3,0.3\n"


def message(page) -> str:
    return page.inner_text("#message-text")


def wait_message(page, needle: str, timeout: float = 20000) -> str:
    wait_until(page, "(n) => document.getElementById('message-text').textContent.includes(n)",
               needle, timeout=timeout)
    return message(page)


def choose_file(page, text: str, name: str = "mine.csv") -> None:
    page.set_input_files("#import-csv", files=[{"name": name, "mimeType": "text/csv",
                                                "buffer": text.encode("utf-8")}])


def drop_file(page, text: str, name: str = "dropped.csv") -> None:
    page.evaluate("""([text, name]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], name, { type: "text/csv" }));
        const view = document.getElementById("view");
        for (const type of ["dragenter", "dragover", "drop"])
            view.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }""", [text, name])


def paste(page, text: str) -> None:
    if not page.evaluate("() => document.getElementById('paste-points').open"):
        page.click("#paste-points summary")
    page.fill("#paste-csv", text)
    page.click("#use-pasted")


def download(page, click: str, timeout: float = 120000):
    with page.expect_download(timeout=timeout) as info:
        page.click(click)
    d = info.value
    return d.suggested_filename, Path(d.path()).read_bytes()


def export_csv(page, what: str, n: int | None = None):
    page.select_option("#export-what", what)
    if n is not None:
        page.fill("#export-n", str(n))
    name, raw = download(page, "#export-csv")
    return name, raw.decode("utf-8")


# ----- import --------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["file", "drop", "paste"])
def test_csv_import_makes_your_points(page, site_url, open_ready, how):
    open_ready(page, site_url)
    page.evaluate("() => window.ganlab.train(20)")
    {"file": choose_file, "drop": drop_file, "paste": paste}[how](page, GOOD)
    wait_until(page, "() => JSON.parse(window.ganlab.snapshot()).points === 40")
    s = snapshot(page)
    assert s["settings"]["preset"] == "points" and s["epoch"] == 0     # a new model
    assert "40 imported points" in message(page)
    # trained on: the shown reals lie near the imported points
    pts = data.parse_csv(GOOD)
    real = np.array(s["real"])
    nearest = np.min(np.hypot(*(real[:, None, :] - pts[None, :, :]).transpose(2, 0, 1)), axis=1)
    assert np.median(nearest) < 0.05
    assert page.get_attribute("#tile-points", "aria-checked") == "true"


@pytest.mark.parametrize("how", ["file", "drop", "paste"])
def test_a_malformed_csv_names_its_line_and_keeps_the_data(page, site_url, open_ready, how):
    open_ready(page, site_url)
    page.evaluate("() => window.ganlab.train(30)")
    before = snapshot(page)
    {"file": choose_file, "drop": drop_file, "paste": paste}[how](page, BAD)
    text = wait_message(page, "Not imported")
    assert "line 3" in text and "'abc' is not a number" in text and "unchanged" in text
    after = snapshot(page)
    assert after["epoch"] == before["epoch"] == 30
    assert after["settings"] == before["settings"] and after["points"] is None
    assert after["fake"] == before["fake"]
    # nothing else went wrong: the same page still imports a good file
    {"file": choose_file, "drop": drop_file, "paste": paste}[how](page, GOOD)
    wait_until(page, "() => JSON.parse(window.ganlab.snapshot()).points === 40")


def test_values_outside_the_square_are_refused_like_the_cli(page, site_url, open_ready):
    open_ready(page, site_url)
    choose_file(page, "0.2,0.3\n0.5,0.5\n0.25,1.25\n", "outside.csv")
    text = wait_message(page, "Not imported")
    try:
        data.parse_csv("0.2,0.3\n0.5,0.5\n0.25,1.25\n")
    except data.DataError as err:
        assert str(err) in text          # the command line's own words
    assert "outside.csv" in text and snapshot(page)["points"] is None


# ----- export and round trips ------------------------------------------------------------------
def test_export_import_round_trip_in_the_page_and_the_cli(page, site_url, open_ready, tmp_path):
    open_ready(page, site_url + "#preset=ring")
    page.evaluate("() => window.ganlab.train(200)")

    # fakes: the same points as `python -m ganlab sample -n 150 --seed 0` of the saved model
    name, fakes = export_csv(page, "fake", 150)
    assert name.endswith("fake-150.csv") and fakes.startswith("x,y\n")
    _, model = download(page, "#save-model")
    trainer = modelfile.from_json(model.decode("utf-8"))
    # (the same noise; the last digits of a matmul differ: the browser's NumPy has no BLAS)
    page_fakes = data.parse_csv(fakes)
    assert np.allclose(page_fakes, trainer.sample_fakes(150, 0), rtol=0, atol=1e-12)
    (tmp_path / "model.json").write_bytes(model)
    cli = subprocess.run([sys.executable, "-m", "ganlab", "sample", "--model",
                          str(tmp_path / "model.json"), "-n", "150"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0
    assert np.allclose(data.parse_csv(cli.stdout), page_fakes, rtol=0, atol=1e-12)

    # real samples: n of them, every one in the square
    _, reals = export_csv(page, "real", 300)
    assert data.parse_csv(reals).shape == (300, 2)

    # the export imports back unchanged, and exports again byte for byte
    choose_file(page, fakes, name)
    wait_until(page, "() => JSON.parse(window.ganlab.snapshot()).points === 150")
    _, again = export_csv(page, "points")
    assert again == fakes

    # and the command line trains on it
    path = tmp_path / name
    path.write_text(fakes, encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "ganlab", "train", "--points", str(path),
                        "--epochs", "5", "--json"], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout.splitlines()[-1])["settings"]["preset"] == "points"


def test_the_drawing_exports_and_imports_back(page, site_url, open_ready):
    open_ready(page, site_url)
    page.click("#draw")
    view = page.locator("#view").bounding_box()
    page.mouse.move(view["x"] + view["width"] * 0.2, view["y"] + view["height"] * 0.5)
    page.mouse.down()
    page.mouse.move(view["x"] + view["width"] * 0.8, view["y"] + view["height"] * 0.4, steps=12)
    page.mouse.up()
    drawn = page.evaluate("() => window.ganlabView.drawnPoints().length / 2")
    assert drawn >= 10
    _, text = export_csv(page, "drawing")
    pts = data.parse_csv(text)
    assert pts.shape == (drawn, 2)
    assert pts.ravel().tolist() == page.evaluate("() => window.ganlabView.drawnPoints()")
    page.keyboard.press("Escape")
    choose_file(page, text, "drawing.csv")
    wait_until(page, "(n) => JSON.parse(window.ganlab.snapshot()).points === n", drawn)


def test_exports_with_nothing_to_export_say_why(page, site_url, open_ready):
    open_ready(page, site_url)
    page.select_option("#export-what", "points")
    assert page.is_disabled("#export-n")
    page.click("#export-csv")
    assert "no point set yet" in wait_message(page, "Nothing exported")
    page.select_option("#export-what", "fake")
    page.fill("#export-n", "0")
    page.click("#export-csv")
    assert "1 to 100,000" in wait_message(page, "How many points")


# ----- figures --------------------------------------------------------------------------------
def test_figure_export_installs_matplotlib_from_the_site_on_first_use(page, site_url, open_ready):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_ready(page, site_url + "#preset=ring")
    page.evaluate("() => window.ganlab.train(150)")
    assert not [u for u in requests if "matplotlib" in u or "micropip" in u], \
        "matplotlib or micropip requested before the first export"
    start = len(requests)

    name, png = download(page, "#export-figure")
    assert name.endswith(".png") and png[:8] == b"\x89PNG\r\n\x1a\n"
    wheels = [u for u in requests[start:] if u.endswith(".whl")]
    assert any("matplotlib-3.8.4" in u for u in wheels) and any("micropip" in u for u in wheels)
    assert all(u.startswith(site_url) for u in requests), "a request left the origin"
    assert "Saved" in message(page)

    from PIL import Image
    img = Image.open(io.BytesIO(png)).convert("RGB")
    assert img.width >= 900
    px = np.asarray(img).reshape(-1, 3).astype(int)

    def share(rgb, tol=10):
        return float(np.mean(np.all(np.abs(px - np.array(rgb)) <= tol, axis=1)))
    assert share(REAL) > 0.001 and share(FAKE) > 0.001          # the marks, in the page's colours
    # the background: the page's palette (light purple where fakes are caught, light green ...)
    lut = figure.lut()
    in_lut = np.zeros(len(px), bool)
    for c in lut[::8]:
        in_lut |= np.all(np.abs(px - c.astype(int)) <= 4, axis=1)
    assert in_lut.mean() > 0.15

    timings = json.loads(page.evaluate("() => window.ganlab.figureTimings()"))
    first = dict(timings)
    page.select_option("#figure-format", "svg")
    name, svg = download(page, "#export-figure")
    assert name.endswith(".svg") and b"<svg" in svg[:400] and b"looks real" in svg
    page.select_option("#figure-format", "png")
    download(page, "#export-figure")
    later = json.loads(page.evaluate("() => window.ganlab.figureTimings()"))
    page.select_option("#figure-format", "pdf")
    name, pdf = download(page, "#export-figure")
    assert name.endswith(".pdf") and pdf.startswith(b"%PDF-")
    page.select_option("#figure-format", "gif")
    name, gif = download(page, "#export-figure")
    assert name.endswith("-replay.gif") and gif[:6] == b"GIF89a"
    assert Image.open(io.BytesIO(gif)).n_frames == 8          # epochs 0, 20, ..., 140
    timings = json.loads(page.evaluate("() => window.ganlab.figureTimings()"))
    assert timings["renders"] == 5 and timings["install_s"] == first["install_s"]   # installed once
    assert all(u.startswith(site_url) for u in requests)
    print(f"\nfigure export in the page: micropip install of matplotlib (cold) "
          f"{first['install_s']:.2f} s, first PNG render {first['render_s']:.2f} s, "
          f"a later PNG render {later['render_s']:.2f} s, the replay GIF {timings['gif_s']:.2f} s")


def test_the_figure_has_the_layers_switched_on(page, site_url, open_ready):
    open_ready(page, site_url)
    page.evaluate("() => window.ganlab.train(50)")
    page.uncheck("#show-heat")
    page.uncheck("#show-grad")
    page.uncheck("#show-fake")
    page.select_option("#figure-format", "svg")
    _, svg = download(page, "#export-figure")
    assert b"looks real" not in svg           # no colour bar without the background
    assert b"real samples" in svg and b"fake samples" not in svg
