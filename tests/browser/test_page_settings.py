"""The playground page's settings, in headless Chromium: changes that apply at
once, changes that start a new model, bad values, divergence, and the URL hash.

The `page` fixture (conftest.py) already fails every test on console errors and
on requests that leave the local server.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pagekit import set_value, snapshot, wait_snapshot  # noqa: E402

from ganlab.state import DEFAULTS  # noqa: E402

pytestmark = pytest.mark.browser


def test_settings_changes_take_effect(page, site_url, open_ready):
    open_ready(page, site_url)
    assert page.evaluate("() => window.ganlab.train(5)") == 5

    # A learning rate applies at once; training goes on.
    set_value(page, "#set-lr_d", "0.05")
    wait_snapshot(page, "s.settings.lr_d === 0.05")
    s = snapshot(page)
    assert s["epoch"] == 5, "changing lr_d must not reset the model"
    expect(page.locator("#message")).to_contain_text("D learning rate is now 0.05; training goes on.")
    assert "lr_d=0.05" in page.evaluate("() => location.hash")

    # A bad value changes nothing: it stays in its field, marked and explained there
    # in the page's words, until Esc puts the value in use back.
    field = page.locator("#set-lr_d")
    set_value(page, "#set-lr_d", "100")
    expect(page.locator("#set-lr_d-msg")).to_contain_text(
        "D learning rate must be between 0.00001 and 10; you typed 100.")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value("100")
    s = snapshot(page)
    assert s["settings"]["lr_d"] == 0.05 and s["epoch"] == 5
    assert "lr_d=0.05" in page.evaluate("() => location.hash")
    msg, box = page.locator("#set-lr_d-msg").bounding_box(), field.bounding_box()
    assert 0 <= msg["y"] - (box["y"] + box["height"]) < 40, "the message sits under its field"
    assert "lr_d" not in page.locator("#set-lr_d-msg").inner_text()
    field.focus()
    page.keyboard.press("Escape")
    expect(field).to_have_value("0.05")
    expect(field).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#set-lr_d-msg")).to_have_text("")

    # An architecture change starts a new model.
    set_value(page, "#set-g_units", "16")
    wait_snapshot(page, "s.settings.g_units === 16")
    s = snapshot(page)
    assert s["epoch"] == 0 and s["d_steps"] == 0
    expect(page.locator("#epoch")).to_have_text("0")
    expect(page.locator("#message")).to_contain_text("Generator units is now 16: a new model.")
    assert s["settings"]["lr_d"] == 0.05, "the earlier change is kept"
    h = page.evaluate("() => location.hash")
    assert "lr_d=0.05" in h and "g_units=16" in h

    # A choice control works the same way.
    page.get_by_role("combobox", name="Loss").select_option("hinge")
    wait_snapshot(page, "s.settings.loss === 'hinge'")
    assert "loss=hinge" in page.evaluate("() => location.hash")


def test_divergence_is_reported_and_reset_recovers(page, site_url, open_ready):
    open_ready(page, site_url)
    page.get_by_role("combobox", name="Loss").select_option("least_squares")
    set_value(page, "#set-lr_d", "10")
    set_value(page, "#set-lr_g", "10")
    wait_snapshot(page, "s.settings.loss === 'least_squares' && s.settings.lr_d === 10 && s.settings.lr_g === 10")
    diverged = page.locator("#diverged")
    expect(diverged).to_be_hidden()

    page.get_by_role("button", name="Play", exact=True).click()
    expect(diverged).to_be_visible(timeout=20000)
    expect(diverged).to_contain_text("D learning rate")
    expect(page.locator("#play")).to_have_accessible_name("Play")
    s = snapshot(page)
    assert s["diverged"] is True and s["playing"] is False and "learning rate" in s["reason"] and "lr_" not in s["reason"]
    epoch = s["epoch"]
    # Play cannot restart a diverged model.
    page.get_by_role("button", name="Play", exact=True).click()
    expect(page.locator("#message")).to_contain_text("Reset")
    assert snapshot(page)["playing"] is False and snapshot(page)["epoch"] == epoch

    page.get_by_role("button", name="Reset").click()
    expect(diverged).to_be_hidden()
    expect(page.locator("#epoch")).to_have_text("0")
    s = snapshot(page)
    assert s["epoch"] == 0 and s["diverged"] is False and s["reason"] is None

    # Training works again (one epoch is fine even at these rates) ...
    page.get_by_role("button", name="Step both").click()
    expect(page.locator("#epoch")).to_have_text("1")
    # ... and, with sane rates, keeps working.
    set_value(page, "#set-lr_d", "0.1")
    set_value(page, "#set-lr_g", "0.03")
    wait_snapshot(page, "s.settings.lr_d === 0.1 && s.settings.lr_g === 0.03")
    assert page.evaluate("() => window.ganlab.train(50)") == 51   # returns the epoch reached
    s = snapshot(page)
    assert s["epoch"] == 51 and s["diverged"] is False
    expect(diverged).to_be_hidden()


def test_url_hash_loads_settings(page, site_url, open_ready):
    open_ready(page, site_url + "#preset=ring&g_units=16")
    s = snapshot(page)
    assert s["settings"]["preset"] == "ring" and s["settings"]["g_units"] == 16
    expect(page.locator("#set-preset")).to_have_value("ring")
    expect(page.locator("#set-g_units")).to_have_value("16")
    assert page.locator("#message").inner_text().strip() == ""


def test_bad_url_hash_opens_with_defaults_and_says_why(page, site_url, open_ready):
    open_ready(page, site_url + "#lr_d=abc")
    s = snapshot(page)
    assert s["settings"] == DEFAULTS
    expect(page.locator("#set-lr_d")).to_have_value(str(DEFAULTS["lr_d"]))
    expect(page.locator("#message")).to_contain_text("D learning rate (lr_d) must be a number")


@pytest.mark.parametrize("preset", ["gaussians", "ring"])
def test_recommended_settings_button_applies_the_data_sets_recipe(page, site_url, open_ready, preset):
    from ganlab.state import RECIPES, recipe
    open_ready(page, site_url + f"#preset={preset}")
    page.evaluate("() => window.ganlab.train(5)")
    page.get_by_role("button", name="Use recommended settings").click()
    wait_snapshot(page, "s.settings.optimizer_d === 'adam'")
    s = snapshot(page)
    assert s["epoch"] == 0, "a new model"
    for name, value in recipe(preset).items():
        assert s["settings"][name] == value, name
        expect(page.locator(f"#set-{name}")).to_have_value(str(value))
    expect(page.locator("#message")).to_contain_text(RECIPES[preset].about)
    assert "optimizer_d=adam" in page.evaluate("() => location.hash")
    page.get_by_role("button", name="Use recommended settings").click()
    expect(page.locator("#message")).to_contain_text("Already using this data set's recipe")


def test_metrics_readout_follows_training(page, site_url, open_ready):
    open_ready(page, site_url)
    expect(page.locator("#metrics-now")).to_contain_text("At epoch 0:")
    # At epoch 0 the readout gives no false comfort: no mode is covered yet.
    expect(page.locator("#metrics-now")).to_contain_text("(0 of 2 modes covered)")
    expect(page.locator("#metrics-now")).to_contain_text("% of fakes look real; they cover")
    page.evaluate("() => window.ganlab.train(100)")
    expect(page.locator("#metrics-now")).to_contain_text("At epoch 100:")
    s = snapshot(page)
    expect(page.locator("#metrics-now")).to_contain_text(f"JS {s['js']:.3f} bits")
    # A preset without known modes says nothing about modes.
    page.select_option("#set-preset", "ring")
    expect(page.locator("#metrics-now")).to_contain_text("At epoch 0:")
    expect(page.locator("#metrics-now")).not_to_contain_text("Modes")


def test_metrics_readout_is_readable_while_playing_and_current_on_pause(page, site_url, open_ready):
    # Playing at full speed a KL/JS row comes every frame: the sentence is rewritten at
    # most every METRICS_TEXT_S seconds, and Pause brings it up to date at once.
    app = ast.parse((Path(__file__).resolve().parents[2] / "ganlab" / "ui" / "app.py").read_text())
    METRICS_TEXT_S = next(ast.literal_eval(n.value) for n in app.body if isinstance(n, ast.Assign)
                          and getattr(n.targets[0], "id", "") == "METRICS_TEXT_S")
    open_ready(page, site_url)
    page.evaluate("""() => {
        window.__rewrites = 0;
        new MutationObserver(() => window.__rewrites++).observe(
            document.getElementById("metrics-now"), {childList: true, characterData: true, subtree: true});
        window.__since = performance.now();
    }""")
    page.click("#play")
    wait_snapshot(page, "s.epoch > 300")
    page.wait_for_timeout(1500)
    rewrites, seconds = page.evaluate("[window.__rewrites, (performance.now() - window.__since) / 1000]")
    assert 2 <= rewrites <= seconds / METRICS_TEXT_S + 2, (rewrites, seconds)
    page.click("#play")
    wait_snapshot(page, "!s.playing")
    s = snapshot(page)
    # The last KL/JS row (every 10 epochs) is the one the sentence reads.
    expect(page.locator("#metrics-now")).to_contain_text(f"At epoch {s['epoch'] // 10 * 10:,}: ")


def test_save_then_load_a_model_continues_exactly(page, site_url, open_ready, tmp_path):
    open_ready(page, site_url)
    set_value(page, "#set-lr_g", "0.05")
    page.evaluate("() => window.ganlab.train(40)")
    with page.expect_download() as info:
        page.get_by_role("button", name="Save model").click()
    path = tmp_path / "model.json"
    info.value.save_as(path)
    assert info.value.suggested_filename == "ganlab-gaussians-epoch40.json"
    expect(page.locator("#message")).to_contain_text("Saved")
    page.evaluate("() => window.ganlab.train(10)")
    after_50 = snapshot(page)

    # Something else entirely, then load the file: the saved state comes back, with
    # its settings in the controls, and it continues exactly as it would have.
    page.select_option("#set-preset", "ring")
    wait_snapshot(page, "s.settings.preset === 'ring'")
    page.set_input_files("#load-model", str(path))
    wait_snapshot(page, "s.epoch === 40 && s.settings.preset === 'gaussians'")
    expect(page.locator("#message")).to_contain_text("Loaded model.json: epoch 40")
    expect(page.locator("#set-lr_g")).to_have_value("0.05")
    expect(page.locator("#set-preset")).to_have_value("gaussians")
    page.evaluate("() => window.ganlab.train(10)")
    again = snapshot(page)
    assert again["fake"] == after_50["fake"]
    assert again["d_loss"] == after_50["d_loss"] and again["g_loss"] == after_50["g_loss"]


def test_loading_a_bad_model_file_changes_nothing(page, site_url, open_ready, tmp_path):
    open_ready(page, site_url)
    page.evaluate("() => window.ganlab.train(7)")
    before = snapshot(page)
    bad = tmp_path / "notes.json"
    bad.write_text('{"format": "something else"}')
    page.set_input_files("#load-model", str(bad))
    expect(page.locator("#message")).to_contain_text("Model not loaded: notes.json: not a ganlab model file")
    expect(page.locator("#message")).to_contain_text("unchanged")
    junk = tmp_path / "junk.json"
    junk.write_text("<html>")
    page.set_input_files("#load-model", str(junk))
    # In plain words, with where the file goes wrong (as the issue puts it: "not valid JSON (line 1)").
    expect(page.locator("#message")).to_contain_text(
        "Model not loaded: junk.json: not a ganlab model file: it is not valid JSON (line 1, column 1")
    assert snapshot(page)["fake"] == before["fake"] and snapshot(page)["epoch"] == 7


def test_a_diverged_model_is_not_saved(page, site_url, open_ready):
    open_ready(page, site_url)
    for name, value in (("loss", "least_squares"), ("lr_d", "10"), ("lr_g", "10")):
        if name == "loss":
            page.select_option("#set-loss", value)
        else:
            set_value(page, f"#set-{name}", value)
    page.evaluate("() => window.ganlab.train(50)")
    wait_snapshot(page, "s.diverged")
    page.get_by_role("button", name="Save model").click()
    expect(page.locator("#message")).to_contain_text("Not saved: the model has diverged")
