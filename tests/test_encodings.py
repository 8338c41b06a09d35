"""ganlab.encodings: the gradient lines' length scale, the charts' smoothing and y range."""
from __future__ import annotations

import math

import numpy as np
import pytest

from ganlab import encodings as enc


# ----- the arrows ---------------------------------------------------------------------------
def test_arrow_length_is_monotone_and_capped():
    sizes = np.geomspace(1e-6, 1e6, 400)
    length = enc.arrow_length(sizes)
    assert np.all(np.diff(length) >= 0)
    assert length.max() == enc.ARROW_MAX
    assert np.all(length <= enc.ARROW_MAX)
    assert length[0] > 0                        # a tiny pull still draws a (tiny) line


def test_arrow_length_at_a_known_gradient():
    # |g| = ARROW_G0: ARROW_LOG * ln 2
    assert enc.arrow_length(np.array([enc.ARROW_G0]))[0] == pytest.approx(enc.ARROW_LOG * math.log(2))
    # |g| = 10 * ARROW_G0: ARROW_LOG * ln 11 (0.06), under the cap
    assert enc.arrow_length(np.array([5.0]))[0] == pytest.approx(0.025 * math.log(11))


def test_a_ten_times_weaker_pull_still_shows_shorter():
    """Minimax's weak pull against the non-saturating loss's: shorter, but not 10x shorter."""
    strong, weak = enc.arrow_length(np.array([2.0, 0.2]))
    assert 0 < weak < strong
    assert weak > strong / 10


def test_arrow_offsets_keep_direction_and_zero_stays_zero():
    grad = np.array([[0.0, 0.0], [3.0, 4.0], [0.0, -1000.0], [-1e-12, 0.0], [np.nan, 1.0], [np.inf, 0.0]])
    off = enc.arrow_offsets(grad)
    assert off.shape == grad.shape
    np.testing.assert_array_equal(off[0], [0, 0])
    # Same direction as the gradient, length from the scale.
    np.testing.assert_allclose(off[1] / np.hypot(*off[1]), [0.6, 0.8])
    assert np.hypot(*off[1]) == pytest.approx(enc.ARROW_LOG * math.log1p(5.0 / enc.ARROW_G0))
    np.testing.assert_allclose(off[2], [0.0, -enc.ARROW_MAX])
    np.testing.assert_array_equal(off[3], [0, 0])       # below ARROW_MIN_GRAD: no line
    np.testing.assert_array_equal(off[4], [0, 0])       # not a number: no line
    assert np.isfinite(off).all()


# ----- the smoothing ------------------------------------------------------------------------
def test_smoothing_of_a_known_series():
    # The first SMOOTH_SPAN + 1 values are shown as they are (alpha = 1: a series that
    # short has no trend to pull out); from then on alpha = 2 / (i / 40 + 1).
    ys = np.arange(60, dtype=float)
    out, last = enc.smooth(ys)
    np.testing.assert_array_equal(out[:41], ys[:41])
    ema = 40.0
    for i in range(41, 60):
        alpha = 2 / (i / 40 + 1)
        ema += alpha * (ys[i] - ema)
        assert out[i] == pytest.approx(ema)
    assert last == out[-1]
    assert out[-1] < ys[-1]                     # a rising series: the average lags behind


def test_smoothing_a_constant_gives_the_constant():
    out, _ = enc.smooth(np.full(500, 2.5))
    np.testing.assert_allclose(out, 2.5)


def test_smoothing_skips_gaps_and_goes_on_from_before_them():
    """As the chart always did: a missing value has no smoothed value, and the average
    carries over the gap unchanged."""
    ys = np.array([1.0] * 100 + [math.nan] * 5 + [3.0])
    out, last = enc.smooth(ys)
    assert np.isnan(out[100:105]).all()
    alpha = 2 / (105 / 40 + 1)
    assert out[105] == pytest.approx(1.0 + alpha * (3.0 - 1.0))
    # A series that starts with gaps starts its average at its first value.
    out, _ = enc.smooth([math.nan, math.inf, 7.0, 7.0])
    assert np.isnan(out[:2]).all() and list(out[2:]) == [7.0, 7.0]


def test_smoothing_in_pieces_equals_smoothing_at_once():
    ys = np.random.default_rng(0).normal(size=300)
    ys[[17, 150, 151]] = math.nan
    whole, last = enc.smooth(ys)
    a, ema = enc.smooth(ys[:123])
    b, ema = enc.smooth(ys[123:], 123, ema)
    np.testing.assert_array_equal(np.concatenate((a, b)), whole)
    assert ema == last


# ----- the y range --------------------------------------------------------------------------
def test_range_includes_the_data_from_zero_with_room_above():
    ys = np.linspace(0.5, 2.0, 101)
    low, high = enc.y_range(ys)
    assert low == 0.0
    assert high >= ys.max()
    assert high == pytest.approx(2.0 + enc.HEAD_ROOM * 2.0)


def test_range_of_two_series_covers_both():
    low, high = enc.y_range([0.2, 0.3], [1.5, 1.4])
    assert low == 0 and high >= 1.5


def test_range_lets_a_few_spikes_go_off_the_top():
    ys = np.ones(1000)
    ys[:10] = 1000.0                            # 1%: early spikes
    low, high = enc.y_range(ys)
    assert low == 0 and 1.0 <= high < 2.0


def test_range_goes_below_zero_for_negative_values():
    low, high = enc.y_range([-3.0, -1.0, 2.0])
    assert low == -3.0 and high > 2.0


def test_range_of_a_flat_series_or_no_data():
    assert enc.y_range([0.0, 0.0]) == (0.0, 1.0)
    assert enc.y_range([math.nan, math.inf]) is None
    assert enc.y_range([]) is None
    low, high = enc.y_range([math.nan, 1.0, 2.0])
    assert low == 0 and high > 1.0
