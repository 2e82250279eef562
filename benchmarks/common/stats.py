# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The statistics of every table: mean +- sample std, paired per-seed
differences, their 95% confidence interval and paired t-test, and Holm's
correction over a table's comparisons."""
from typing import Dict, Optional, Sequence, Tuple

import numpy as np


def mean_std(values: Sequence[float]) -> Tuple[float, float]:
    """Mean and sample standard deviation (ddof=1; 0.0 for one value).

    The one definition of "mean +- std" used by every table of the project.
    """
    values = np.asarray(list(values), dtype=float)
    if values.size == 0:
        raise ValueError('mean_std needs at least one value.')
    std = float(values.std(ddof=1)) if values.size > 1 else 0.0
    return float(values.mean()), std


def paired_difference(a: Dict[int, float],
                      b: Dict[int, float]) -> Optional[tuple]:
    """Mean +- sample std of ``a[s] - b[s]`` over the seeds both have, and
    their count; None without common seeds."""
    seeds = sorted(set(a) & set(b))
    if not seeds:
        return None
    mean, std = mean_std([a[s] - b[s] for s in seeds])
    return mean, std, len(seeds)


def paired_stats(ours: Dict[int, float],
                 other: Dict[int, float]) -> Optional[dict]:
    """Mean paired difference (ours - other), its 95% CI (t), the paired
    t-test's two-sided p and n, over the seeds both have; None if n < 2."""
    from scipy import stats  # scipy is slow to import; only reports use it
    seeds = sorted(set(ours) & set(other))
    if len(seeds) < 2:
        return None
    diffs = [ours[s] - other[s] for s in seeds]
    mean, std = mean_std(diffs)
    half = stats.t.ppf(0.975, len(diffs) - 1) * std / len(diffs) ** 0.5
    p = 1.0 if std == 0 else float(stats.ttest_1samp(diffs, 0.0).pvalue)
    return dict(mean=mean, low=mean - half, high=mean + half, p=p,
                n=len(diffs))


def holm(pvalues: Dict[tuple, float]) -> Dict[tuple, float]:
    """Holm-Bonferroni adjusted p-values (monotone)."""
    order = sorted(pvalues, key=pvalues.get)
    adjusted, running = {}, 0.0
    for i, key in enumerate(order):
        running = max(running, min(1.0, (len(order) - i) * pvalues[key]))
        adjusted[key] = running
    return adjusted
