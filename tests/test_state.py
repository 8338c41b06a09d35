"""ganlab.state: the settings table, validation, URL query round trip."""
from __future__ import annotations

import pytest

from ganlab import state
from ganlab.state import (BY_NAME, DEFAULTS, RECOMMENDED, SETTINGS, SettingsError, from_query,
                          make_settings, shown, summarise, to_query, validate)


def test_names_are_unique_and_indexed():
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))
    assert set(BY_NAME) == set(names) == set(DEFAULTS)


@pytest.mark.parametrize("s", SETTINGS, ids=lambda s: s.name)
def test_every_default_validates_to_itself(s):
    assert s.validate(s.default) == s.default
    assert validate(s.name, s.default) == s.default
    assert s.kind in (int, float, str)
    if s.kind is str:
        assert s.choices and s.default in s.choices
    else:
        assert s.lo <= s.default <= s.hi
        assert isinstance(s.default, s.kind)


@pytest.mark.parametrize("s", SETTINGS, ids=lambda s: s.name)
def test_every_default_validates_from_its_text(s):
    text = repr(s.default) if isinstance(s.default, float) else str(s.default)
    assert s.validate(text) == s.default


def test_make_settings_defaults_base_then_changes():
    assert make_settings() == DEFAULTS
    s = make_settings({"lr_d": "0.5", "preset": "ring"}, lr_d=0.25)
    assert s["lr_d"] == 0.25 and s["preset"] == "ring"
    assert make_settings(RECOMMENDED)["optimizer_d"] == "adam"
    with pytest.raises(SettingsError, match="unknown setting 'nope'"):
        make_settings(nope=1)


def test_recommended_settings_are_valid():
    s = make_settings(RECOMMENDED)
    for k, v in RECOMMENDED.items():
        assert s[k] == v


def test_message_shape():
    with pytest.raises(SettingsError) as err:
        validate("lr_d", "abc")
    assert str(err.value) == "D learning rate (lr_d) must be a number between 1e-05 and 10, got 'abc'"
    with pytest.raises(SettingsError) as err:
        validate("k_d", 1.5)
    assert str(err.value) == "D steps per epoch (k_D) must be a whole number between 0 and 20, got 1.5"
    with pytest.raises(SettingsError) as err:
        validate("loss", "l2")
    assert str(err.value) == ("Loss must be one of log, minimax, least_squares, hinge, "
                              "wasserstein, got 'l2'")


@pytest.mark.parametrize("name, raw", [
    ("lr_d", "abc"), ("lr_d", ""), ("lr_d", None), ("lr_d", [0.1]), ("lr_d", 0.0),
    ("lr_d", 10.5), ("lr_d", -1), ("lr_d", float("nan")), ("lr_d", "nan"),
    ("lr_d", float("inf")), ("lr_d", "inf"), ("lr_d", True), ("lr_d", 10 ** 400),
    ("k_d", 1.5), ("k_d", "1.5"), ("k_d", True), ("k_d", False), ("k_d", 21), ("k_d", -1),
    ("batch", 0), ("g_layers", 7), ("seed", -1), ("seed", 2 ** 32),
    ("loss", "L2"), ("loss", 1), ("loss", None), ("preset", "circle"), ("noise", ""),
])
def test_bad_values_raise_settings_error_naming_the_setting(name, raw):
    with pytest.raises(SettingsError) as err:
        validate(name, raw)
    msg = str(err.value)
    # The page's words for it (and the name a link or file spells it with, unless
    # those words hold it already): "Batch size must be", "Adam β1 (beta1) must be".
    setting = BY_NAME[name]
    spelt = "" if name in setting.title.lower() else f" ({name})"
    assert msg.startswith(f"{setting.title}{spelt} must be ")
    assert setting.title.lower().startswith(setting.group) or setting.group not in (
        "generator", "discriminator")
    assert msg.endswith(f", got {shown(raw)}")


def test_ints_reject_fractions_and_bools_but_accept_whole_floats_and_text():
    assert validate("k_d", 3) == 3
    assert validate("k_d", " 3 ") == 3
    assert validate("k_d", 3.0) == 3 and isinstance(validate("k_d", 3.0), int)
    assert validate("seed", 2 ** 32 - 1) == 2 ** 32 - 1
    assert validate("seed", 0) == 0
    for bad in (1.5, True, False, "1.5"):
        with pytest.raises(SettingsError):
            validate("k_g", bad)


def test_floats_accept_numbers_and_text_and_their_limits():
    assert validate("lr_d", "1e-3") == 0.001
    assert validate("lr_d", 1) == 1.0 and isinstance(validate("lr_d", 1), float)
    assert validate("lr_d", 1e-5) == 1e-5 and validate("lr_d", 10) == 10.0   # limits included
    assert validate("jitter", 0) == 0.0


def test_choices_are_case_insensitive_and_trimmed():
    assert validate("optimizer_d", "ADAM") == "adam"
    assert validate("preset", "  Eight_Gaussians ") == "eight_gaussians"
    assert validate("preset", "points") == "points"


def test_unknown_setting():
    with pytest.raises(SettingsError, match="unknown setting 'colour'"):
        validate("colour", "red")


def test_flags_and_limits_text():
    assert BY_NAME["lr_d"].flag == "--lr-d"
    assert BY_NAME["noise_dim"].flag == "--noise-dim"
    assert BY_NAME["optimizer_g"].describe_limits() == "one of sgd, momentum, adam"
    assert BY_NAME["batch"].describe_limits() == "a whole number between 1 and 2000"


def test_resets_flags():
    resets = {s.name for s in SETTINGS if s.resets}
    assert {"preset", "seed", "g_layers", "d_units", "noise", "noise_dim"} <= resets
    assert not resets & {"lr_d", "lr_g", "loss", "k_d", "k_g", "batch", "optimizer_d"}


# ----- URL query ----------------------------------------------------------------------------
def test_to_query_of_defaults_is_empty():
    assert to_query(DEFAULTS) == ""
    assert from_query("") == ({}, [])


def test_to_query_only_lists_changes():
    q = to_query(make_settings(lr_d=0.001, preset="ring"))
    assert q == "preset=ring&lr_d=0.001"


def _non_default_settings():
    out = {}
    for s in SETTINGS:
        if s.kind is str:
            out[s.name] = next(c for c in s.choices if c != s.default)
        elif s.kind is int:
            out[s.name] = s.default + 1 if s.default + 1 <= s.hi else s.default - 1
        else:
            out[s.name] = s.lo if s.lo != s.default else s.hi
    out["lr_d"] = 0.1 + 0.2          # a float whose text must be exact
    out["seed"] = 2 ** 32 - 1
    return make_settings(out)


def test_query_round_trip_of_every_setting():
    s = _non_default_settings()
    changes, problems = from_query(to_query(s))
    assert problems == []
    assert set(changes) == {x.name for x in SETTINGS}
    assert make_settings(changes) == s
    assert changes["lr_d"] == 0.1 + 0.2


@pytest.mark.parametrize("prefix", ["", "#", "?"])
def test_query_round_trip_with_hash_or_question_mark(prefix):
    s = make_settings(RECOMMENDED, preset="moons")
    changes, problems = from_query(prefix + to_query(s))
    assert problems == [] and make_settings(changes) == s


def test_from_query_keeps_good_pairs_and_reports_bad_ones():
    changes, problems = from_query("#preset=ring&lr_d=abc&colour=red&k_d=1.5&loss=HINGE&batch=")
    assert changes == {"preset": "ring", "loss": "hinge"}
    assert problems == [
        "D learning rate (lr_d) must be a number between 1e-05 and 10, got 'abc'",
        "unknown setting 'colour'",
        "D steps per epoch (k_D) must be a whole number between 0 and 20, got '1.5'",
        "Batch size must be a whole number between 1 and 2000, got ''",
    ]
    assert all("\n" not in p for p in problems)


def test_from_query_decodes_percent_escapes():
    changes, problems = from_query("preset=%20ring%20&lr_g=1e-4")
    assert changes == {"preset": "ring", "lr_g": 1e-4} and problems == []


def test_tables_match_the_engine():
    from ganlab import data, losses, optim
    assert set(state.OPTIMIZERS) == set(optim.KINDS)
    assert set(state.PRESETS) == set(data.PRESETS)
    assert tuple(BY_NAME["preset"].choices) == state.PRESETS + ("points",)
    assert tuple(BY_NAME["loss"].choices) == state.LOSSES == tuple(losses.REGISTRY)


# ----- numbers as text: plain decimal and scientific notation only --------------------------
@pytest.mark.parametrize("text", ["0_5", "0_1", "1_000", "\u0660.\u0661", "\uff10.5", "inf", "nan",
                                  "0x10", "1e", "e3", "--1", "1.2.3", "", " ", "½", "1,5"])
def test_settings_refuse_anything_but_plain_numbers(text):
    with pytest.raises(SettingsError):
        validate("lr_d", text)
    changes, problems = from_query(f"lr_d={text}")
    assert "lr_d" not in changes and len(problems) == 1


@pytest.mark.parametrize("text, value", [("0.5", 0.5), (".5", 0.5), ("5.", 5.0), ("+0.5", 0.5),
                                         ("1e-3", 1e-3), ("1E-3", 1e-3), (" 0.25 ", 0.25)])
def test_settings_accept_decimal_and_scientific_notation(text, value):
    assert validate("lr_d", text) == value


def test_int_settings_accept_scientific_whole_numbers():
    assert validate("batch", "1e3") == 1000
    with pytest.raises(SettingsError):
        validate("batch", "1_000")


def test_a_link_with_thousands_of_bad_pairs_gives_a_short_message():
    changes, problems = from_query("&".join(f"bad{i}=1" for i in range(25_000)))
    assert changes == {} and len(problems) == 25_000
    text = summarise(problems)
    assert text == "unknown setting 'bad0'; unknown setting 'bad1'; unknown setting 'bad2'; and 24,997 more"
    assert summarise(problems[:2]) == "unknown setting 'bad0'; unknown setting 'bad1'"


def test_messages_quote_long_values_shortened():
    with pytest.raises(SettingsError) as err:
        validate("lr_d", "x" * 10_000)
    assert len(str(err.value)) < 120 and str(err.value).endswith("…'")
    assert shown("ab") == "'ab'" and len(shown(10 ** 100)) == 40


def test_the_defaults_are_gan_labs():
    """GAN Lab's defaults as its source sets them (demo/ganlab.ts, demo/ganlab.html): the
    gaussians, 1 hidden layer of 8 ReLU units in G and D, SGD with learning rate 0.1
    for both, k_D 2, k_G 1, batch 150, 2D uniform noise, log (non-saturating) loss."""
    from ganlab.state import make_settings
    d = make_settings({})
    assert (d["preset"], d["noise"], d["noise_dim"], d["loss"]) == ("gaussians", "uniform", 2, "log")
    for net in "gd":
        assert (d[f"{net}_layers"], d[f"{net}_units"], d[f"{net}_activation"]) == (1, 8, "relu")
        assert (d[f"optimizer_{net}"], d[f"lr_{net}"]) == ("sgd", 0.1)
    assert (d["k_d"], d["k_g"], d["batch"]) == (2, 1, 150)
