# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The one grid-extension rule (Fashion-MNIST's two-axis grids and the
detection benchmark's one-axis weights both run it)."""
import pytest

from benchmarks.common.tuning import extend_grid, round_value

pytestmark = pytest.mark.fast


def test_interior_winner_stops_and_ties_go_to_the_first_point():
    scores = {(1, 10): 5, (2, 10): 7, (3, 10): 7}
    assert extend_grid([[1, 2, 3], [10]], [2, 2], scores.get, 0) == (
        [[1, 2, 3], [10]], (2, 10))


def test_edge_winner_extends_each_axis_up_to_its_limit():
    runs = []

    def score(point):
        runs.append(point)
        return -abs(point[0] - 0.01)  # the best weight lies far below

    axes, best = extend_grid([[0.1, 0.3]], [3], score, 2)
    assert axes == [[round_value(0.1 / 9), round_value(0.1 / 3), 0.1, 0.3]]
    assert best == (round_value(0.1 / 9), )  # the limit: the edge stands
    assert round_value(0.1 / 3) == 0.0333333


def test_an_unscored_point_leaves_the_winner_open():
    scores = {(1, ): 1.0, (2, ): 3.0}
    axes, best = extend_grid([[1, 2]], [2], scores.get, 1)
    assert (axes, best) == ([[1, 2, 4.0]], None)  # (4,) must run first
