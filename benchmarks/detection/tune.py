# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The loss-weight tuning of the detection benchmark: each
detector-to-detector method's weight grid grown by the one extension rule
(:mod:`benchmarks.common.tuning`), scored by the mean validation AP over
the tuning seeds."""
from typing import Dict, List, Tuple

from ..common.tuning import extend_grid
from . import grids as G


def setting_name(value: float) -> str:
    return f'w{value:g}'


def tune_axis(method: str, rows: List[dict], s) -> Tuple[list, object]:
    """The method's loss-weight grid with the extensions its results asked
    for, and its winner (None while a value lacks a tuning seed; ties: the
    smaller weight). ``s['values']`` (``--quick``) starts from that many
    values after the first."""
    _, _, values, factor = G.DISTILL[method]
    axis = list(values[1:1 + s['values']] if s['values'] else values)
    val = {}
    for r in rows:
        if r['method'] == method:
            val.setdefault(r['setting'], {})[int(r['seed'])] = float(
                r['val_ap'])

    def score(point):
        got = val.get(setting_name(point[0]), {})
        if set(s['tune_seeds']) - set(got):
            return None
        return sum(got[x] for x in s['tune_seeds']) / len(s['tune_seeds'])

    (axis, ), best = extend_grid([axis], [factor], score,
                                 s['max_extensions'])
    return axis, None if best is None else best[0]


def chosen_weights(s, st) -> Dict[str, float]:
    """The chosen weight of every tuned method whose tuning is finished."""
    rows = st['tune'].rows()
    out = {}
    for method, (_, keys, _, _) in G.DISTILL.items():
        if keys:
            _, best = tune_axis(method, rows, s)
            if best is not None:
                out[method] = best
    return out
