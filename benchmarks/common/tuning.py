# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The one grid-extension rule of every benchmark's tuning.

A grid is a list of axes (the values tried of each hyper-parameter). Every
point of it is scored on validation; the best point wins (ties: the first
in grid order). A winner on an edge of an axis extends that axis by one
value beyond it (the edge times or divided by the axis's factor), up to
``max_extensions`` times per axis; the rule runs again on the grown grid
until the winner is interior or the axes are spent. Every method of a
benchmark is tuned by it alike.
"""
import itertools
from typing import Callable, List, Optional, Sequence, Tuple


def round_value(value: float) -> float:
    """A grid value with 6 significant digits (``3 * 0.1`` is 0.3)."""
    return float(f'{value:.6g}')


def extend_grid(axes: Sequence[Sequence[float]],
                factors: Sequence[float],
                score: Callable[[tuple], Optional[float]],
                max_extensions: int) -> Tuple[List[list], Optional[tuple]]:
    """The grid with the extensions its scores asked for, and its winner.

    Args:
        axes (Sequence[Sequence[float]]): The starting values of each axis.
        factors (Sequence[float]): Per axis, the factor between values.
        score (Callable): ``score(point)`` of a point (a tuple, one value
            per axis): its validation score, or None while it is not run.
        max_extensions (int): Extensions allowed per axis.

    Returns:
        tuple: ``(axes, winner)``; the winner is None while a point of the
        current grid has no score (the caller runs those points).
    """
    axes = [list(values) for values in axes]
    extensions = [0] * len(axes)
    while True:
        points = list(itertools.product(*axes))
        scores = {p: score(p) for p in points}
        if any(v is None for v in scores.values()):
            return axes, None
        best = max(points, key=lambda p: (scores[p], -points.index(p)))
        grew = False
        for i, factor in enumerate(factors):
            if extensions[i] >= max_extensions:
                continue
            if best[i] == axes[i][0]:
                axes[i].insert(0, round_value(axes[i][0] / factor))
            elif best[i] == axes[i][-1]:
                axes[i].append(round_value(axes[i][-1] * factor))
            else:
                continue
            extensions[i] += 1
            grew = True
        if not grew:
            return axes, best
