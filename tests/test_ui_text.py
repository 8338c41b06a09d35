"""The page's generated text, under CPython: the settings controls (markup) and the
overview graph's labels and slow-motion explanations (overview)."""
from __future__ import annotations

from html.parser import HTMLParser

from ganlab.state import DEFAULTS, SETTINGS, make_settings
from ganlab.ui import markup, overview


class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls, self.labels = {}, set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("input", "select") and "data-setting" in a:
            self.controls[a["data-setting"]] = (tag, a)
        if tag == "label":
            self.labels.add(a.get("for"))


def test_one_labelled_control_per_setting_with_its_limits():
    parser = _Controls()
    parser.feed(markup.controls_html())
    assert set(parser.controls) == {s.name for s in SETTINGS}
    for s in SETTINGS:
        tag, a = parser.controls[s.name]
        assert a["id"] == f"set-{s.name}" and a["id"] in parser.labels
        assert a["aria-describedby"] == f"set-{s.name}-help"
        if s.choices:
            assert tag == "select"
        else:
            assert tag == "input" and a["type"] == "number"
            assert float(a["min"]) == s.lo and float(a["max"]) == s.hi
            assert a["value"] == str(s.default)


def test_help_text_is_escaped():
    html = markup.controls_html()
    assert 'title="Training data: a preset shape, or &#x27;points&#x27; for' in html


def test_overview_labels_for_the_defaults():
    assert overview.labels(dict(DEFAULTS)) == {
        "ov-g": "1×8 ReLU", "ov-d": "1×8 ReLU",
        "ov-update-g": "update G: SGD, lr 0.03, 1 step",
        "ov-update-d": "update D: SGD, lr 0.1, 2 steps",
        "ov-loss": "log loss",
    }


def test_overview_labels_follow_settings():
    s = make_settings(g_layers=0, d_activation="leaky_relu", optimizer_d="momentum",
                      lr_d=0.005, k_d=1, loss="wasserstein")
    out = overview.labels(s)
    assert out["ov-g"] == "no hidden layer"
    assert out["ov-d"] == "1×8 leaky ReLU"
    assert out["ov-update-d"] == "update D: momentum, lr 0.005, 1 step"
    assert out["ov-loss"] == "Wasserstein"


def test_explanations_name_the_batch_and_the_loss():
    s = make_settings(batch=64, loss="hinge")
    assert overview.explanation("d", s).startswith("Discriminator step: 64 real and 64 fake")
    assert "(hinge)" in overview.explanation("d", s)
    assert overview.explanation("g", s).startswith("Generator step: 64 fresh noise vectors")
