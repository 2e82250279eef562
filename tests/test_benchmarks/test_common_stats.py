# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The one statistics module: sample std, paired differences, confidence
intervals, Holm's correction."""
import pytest

from benchmarks.common.stats import (holm, mean_std, paired_difference,
                                     paired_stats)

pytestmark = pytest.mark.fast


def test_mean_std_is_the_sample_std():
    assert mean_std([1.0, 2.0, 3.0]) == (2.0, 1.0)
    assert mean_std([4.0]) == (4.0, 0.0)
    with pytest.raises(ValueError, match='at least one'):
        mean_std([])


def test_paired_difference_over_common_seeds():
    assert paired_difference({0: 2.0, 1: 4.0, 2: 9.0},
                             {0: 1.0, 1: 1.0}) == (2.0, pytest.approx(
                                 2 ** 0.5), 2)
    assert paired_difference({0: 1.0}, {1: 1.0}) is None


def test_holm_adjusts_and_stays_monotone():
    adjusted = holm({'a': 0.01, 'b': 0.04, 'c': 0.03})
    assert adjusted['a'] == pytest.approx(0.03)
    assert adjusted['c'] == pytest.approx(0.06)
    assert adjusted['b'] == pytest.approx(0.06)  # not 0.04: monotone


def test_paired_stats_confidence_interval():
    st = paired_stats({1: 2.0, 2: 3.0, 3: 4.0}, {1: 1.0, 2: 1.0, 3: 1.0})
    assert st['mean'] == pytest.approx(2.0) and st['n'] == 3
    # mean +- t(0.975, 2) * 1 / sqrt(3)
    assert st['high'] - st['mean'] == pytest.approx(4.302653 / 3 ** 0.5,
                                                    rel=1e-5)
    assert paired_stats({1: 2.0}, {1: 1.0}) is None  # n < 2
