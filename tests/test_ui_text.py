"""The page's generated text, under CPython: the settings controls (markup) and the
overview graph's labels and slow-motion explanations (overview)."""
from __future__ import annotations

from html.parser import HTMLParser

from ganlab.state import BY_NAME, DEFAULTS, SETTINGS, make_settings
from ganlab.ui import markup, overview


class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls, self.labels = {}, set()
        self.label_text, self.options = {}, {}     # control id -> label; setting -> options
        self._in = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("input", "select") and "data-setting" in a:
            self.controls[a["data-setting"]] = (tag, a)
            self._select = a["data-setting"]
        if tag == "label":
            self.labels.add(a.get("for"))
            self._in = ("label", a.get("for"))
        if tag == "option":
            self._in = ("option", a["value"], a.get("title"))

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in and self._in[0] == "label":
            self.label_text[self._in[1]] = data
        elif self._in:
            self.options.setdefault(self._select, []).append((self._in[1], data, self._in[2]))


def test_one_labelled_control_per_setting_with_its_limits():
    parser = _Controls()
    parser.feed(markup.controls_html())
    assert set(parser.controls) == {s.name for s in SETTINGS}
    for s in SETTINGS:
        tag, a = parser.controls[s.name]
        assert a["id"] == f"set-{s.name}" and a["id"] in parser.labels
        # The loss (its choices have help) is also described by the chosen one's help.
        choice = f" set-{s.name}-choice" if s.name == "loss" else ""
        assert a["aria-describedby"] == f"set-{s.name}-help{choice} set-{s.name}-msg"
        if s.choices:
            assert tag == "select"
        else:
            assert tag == "input" and a["type"] == "number"
            assert float(a["min"]) == s.lo and float(a["max"]) == s.hi
            assert a["value"] == str(s.default)


def test_the_chosen_losss_formulas_are_shown_under_it():
    """The loss's choices each have formulas (help): the chosen one's is a visible line
    under the field, not only an option's tooltip, which no touch screen or keyboard
    reaches; settings whose choices have no help get no such line."""
    from html import unescape
    from ganlab import losses
    html = markup.controls_html()
    start = html.index('id="set-loss-choice">') + len('id="set-loss-choice">')
    shown = unescape(html[start:html.index("</span>", start)])
    log = losses.get("log")
    assert shown == f"{log.label}: {log.help}" and shown.startswith("log loss (non-saturating): D: ")
    assert overview.chosen_help(BY_NAME["loss"], "hinge") == f"hinge: {losses.get('hinge').help}"
    assert overview.chosen_help(BY_NAME["optimizer_d"], "adam") is None
    assert html.count("choice-help") == 1


def test_labels_and_option_labels_come_from_the_settings_table():
    parser = _Controls()
    parser.feed(markup.controls_html())
    for s in SETTINGS:
        assert parser.label_text[f"set-{s.name}"] == s.label
        if s.choices:
            assert parser.options[s.name] == [(c.name, c.label, c.help or None)
                                              for c in s.choices.entries()]
    assert parser.label_text["set-g_layers"] == "Layers"
    assert parser.label_text["set-beta2"] == "Adam β2"
    assert ("eight_gaussians", "eight gaussians", None) in parser.options["preset"]
    assert parser.options["loss"][0][:2] == ("log", "log loss (non-saturating)")
    assert parser.options["loss"][0][2].startswith("D: -log D(x) - log(1 - D(G(z)))")


def test_the_controls_are_made_without_numpy():
    """build.py writes the controls into the page with whatever Python runs it, NumPy or not."""
    import subprocess
    import sys
    from pathlib import Path
    code = ("import sys\n"
            "class NoNumpy:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] == 'numpy': raise ModuleNotFoundError(name)\n"
            "sys.meta_path.insert(0, NoNumpy())\n"
            "from ganlab.ui.markup import controls_html\n"
            "print(len(controls_html()))\n")
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) > 5000


def test_help_text_is_shown_and_escaped():
    html = markup.controls_html()
    assert ('<span class="hint" id="set-noise_dim-help">Dimension of the generator&#x27;s '
            'input noise.') in html


def test_every_setting_but_the_seed_belongs_to_a_graph_part():
    placed = {name for _, names in overview.PARTS.values() for name in names}
    assert placed == {s.name for s in SETTINGS} - {"seed"}
    html = markup.controls_html()
    for s in SETTINGS:       # each row has a home slot to return to from a part's panel
        assert f'id="row-{s.name}"' in html and f'id="slot-{s.name}"' in html


def test_problem_messages_use_the_page_words():
    assert overview.problem("lr_d", "100") == ("D learning rate must be between 0.00001 and 10; "
                                               "you typed 100.")
    assert overview.problem("k_d", "") == ("D steps per epoch (k_D) must be a whole number from "
                                           "0 to 20; you typed nothing.")
    assert "lr_d" not in overview.problem("lr_d", "x" * 100)
    assert len(overview.problem("lr_d", "x" * 100)) < 90


def test_unused_settings_and_why():
    assert overview.unused(make_settings(optimizer_d="adam", loss="wasserstein", preset="ring")) == {
        "momentum": "Used only by the momentum optimiser; neither network uses it now.",
        "jitter": "Used only for your own points (a drawing or an imported set).",
    }
    both = overview.unused(make_settings(optimizer_d="adam", optimizer_g="momentum"))
    assert "beta1" not in both and "momentum" not in both and "clip" in both


def test_overview_labels_for_the_defaults():
    assert overview.labels(dict(DEFAULTS)) == {
        "ov-g": "1×8 ReLU", "ov-d": "1×8 ReLU",
        "ov-update-g": "update G: SGD, lr 0.1, 1 step",
        "ov-update-d": "update D: SGD, lr 0.1, 2 steps",
        "ov-loss": "log loss", "ov-noise": "2D uniform",
    }


def test_overview_labels_follow_settings():
    s = make_settings(g_layers=0, d_activation="leaky_relu", optimizer_d="momentum",
                      lr_d=0.005, k_d=1, loss="wasserstein")
    out = overview.labels(s)
    assert out["ov-g"] == "no hidden layer"
    assert out["ov-d"] == "1×8 leaky ReLU"
    assert out["ov-update-d"] == "update D: momentum, lr 0.005, 1 step"
    assert out["ov-loss"] == "Wasserstein"


def test_explanations_name_the_step_the_batch_and_the_loss():
    s = make_settings(batch=64, loss="hinge")
    assert overview.explanation("d", s, 1, 2).startswith("Discriminator step 1 of 2: 64 real and 64 fake")
    assert "Its hinge loss" in overview.explanation("d", s)
    assert overview.explanation("g", s, 1, 1).startswith("Generator step 1 of 1: 64 fresh noise vectors")
    assert overview.sr_sentence("d", 2, 2) == ("Discriminator step 2 of 2: the discriminator "
                                               "learned; the background changed.")


def test_explanations_name_every_loss_as_a_sentence_would():
    """"Its log loss pushes ...", never the settings label with its brackets ("Its log
    loss (non-saturating) loss")."""
    from ganlab import losses
    for name in losses.REGISTRY:
        loss = losses.get(name)
        for kind in ("d", "g"):
            text = overview.explanation(kind, make_settings(loss=loss.name))
            assert loss.noun in text and loss.noun.endswith(" loss")
            assert "loss loss" not in text and ") loss" not in text
            assert "(" not in loss.label or loss.label not in text


def test_explanations_say_probability_only_for_losses_that_have_one():
    for loss in ("log", "minimax"):
        assert "probability" in overview.explanation("d", make_settings(loss=loss))
    for loss in ("least_squares", "hinge", "wasserstein"):
        assert "probability" not in overview.explanation("d", make_settings(loss=loss))


def test_the_readout_counts_modes_from_the_records_own_fakes_and_skips_a_huge_pass():
    """The sentence under the charts pairs each precision/recall record with the mode
    count of the same epoch's fakes (those the KL/JS record made, no second pass); for
    a generator whose pass would hold the page up it leaves the mode count out."""
    import numpy as np
    from ganlab import data, metrics
    from ganlab.gan import Trainer
    from ganlab.ui import overview
    for seed in (1, 2, 3):
        t = Trainer({"preset": "gaussians", "seed": seed})
        t.train(50)
        epoch, fake = t.metric_fakes
        assert epoch == 50 == t.history.quality[-1][0]
        np.testing.assert_array_equal(fake, t.generate(t.metric_noise))
        quality = t.history.quality[-1]
        want = metrics.verdict(quality[1], quality[2], metrics.mode_coverage(fake, data.modes("gaussians")))
        # Both records of epoch 50: the epoch said once.
        assert overview.metrics_sentence(t) == (
            f"At epoch 50: KL {t.history.metrics[-1][1]:.2f} bits, "
            f"JS {t.history.metrics[-1][2]:.3f} bits. {want[0].upper() + want[1:]}.")
        t.train(10)         # KL/JS of epoch 60, precision/recall still of epoch 50
        assert overview.metrics_sentence(t).endswith(f" At epoch 50: {want}.")
    big = Trainer({"preset": "gaussians", "g_layers": 6, "g_units": 128, "seed": 1})
    assert overview._modes(big, 0) is not None            # the record's own fakes
    big.metric_fakes = None                               # e.g. a model just loaded
    assert overview._modes(big, 0) is None
    assert overview._modes(t, 50) is not None


def test_a_loaded_model_does_not_reuse_the_fresh_models_record_fakes():
    """Loading a model file starts from a fresh model (whose epoch-0 record made fakes
    of its own): those must not stand for the loaded model's."""
    from ganlab import modelfile
    from ganlab.gan import Trainer
    t = Trainer({"preset": "gaussians", "seed": 2})
    t.train(20)
    loaded = modelfile.from_json(modelfile.to_json(t))
    assert loaded.metric_fakes is None
