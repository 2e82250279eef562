# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Benchmark results: mean +- std tables (CSV, Markdown) and PNG plots."""
import csv
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Sequence, Tuple

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


def summarize(rows: List[dict]) -> Dict[str, dict]:
    """Per method: mean, std (ddof=1 when >1 seed), n, seconds."""
    by_method = OrderedDict()
    for row in rows:
        by_method.setdefault(row['method'], []).append(row)
    out = OrderedDict()
    for method, items in by_method.items():
        mean, std = mean_std([r['top1'] for r in items])
        out[method] = dict(
            mean=mean,
            std=std,
            n=len(items),
            seconds=float(np.mean([r.get('seconds', 0) for r in items])))
    return out


def write_tables(rows, summary, work_dir, command, settings) -> None:
    with open(osp.join(work_dir, 'results.csv'), 'w', newline='') as f:
        writer = csv.DictWriter(f, ['method', 'seed', 'top1', 'seconds'])
        writer.writeheader()
        for row in rows:
            writer.writerow(dict(row, top1=f"{row['top1']:.2f}",
                                 seconds=f"{row.get('seconds', 0):.1f}"))
    ref = summary.get('kd', {}).get('mean')
    lines = [
        f'Command: `{command}`  ',
        f"Settings: {settings['num_per_class']} train images per class, "
        f"{settings['iters']} iterations (teacher "
        f"{settings['teacher_iters']}), seeds {settings['seeds']}, "
        'top-1 on the MNIST test set.', '',
        '| method | top-1 (%) mean +- std | seeds | vs KD | train s/run |',
        '| --- | --- | --- | --- | --- |'
    ]
    for method, s in summary.items():
        delta = '' if ref is None or method == 'kd' else \
            f"{s['mean'] - ref:+.2f}"
        lines.append(f"| {method} | {s['mean']:.2f} +- {s['std']:.2f} | "
                     f"{s['n']} | {delta} | {s['seconds']:.0f} |")
    with open(osp.join(work_dir, 'summary.md'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


def error_bars(ax, names, means, stds, margin: float = 2.0) -> None:
    """Bars of mean top-1 with sample-std error bars, coloured by kind
    (teacher/student grey, DCCD red, baselines blue)."""
    colors = ['tab:gray' if m in ('teacher', 'student') else
              'tab:red' if m.startswith('dccd') else 'tab:blue'
              for m in names]
    ax.bar(names, means, yerr=stds, capsize=3, color=colors)
    low = min(m - s for m, s in zip(means, stds))
    ax.set_ylim(max(0, low - margin), min(100, max(means) + 1))


def write_plots(summary, curves, work_dir) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    names = list(summary)
    means = [summary[m]['mean'] for m in names]
    stds = [summary[m]['std'] for m in names]
    fig, ax = plt.subplots(figsize=(max(6, 0.9 * len(names)), 4))
    error_bars(ax, names, means, stds)
    ax.set_ylabel('top-1 (%)')
    ax.set_title('MNIST test accuracy (mean +- std over seeds)')
    plt.setp(ax.get_xticklabels(), rotation=30, ha='right')
    fig.tight_layout()
    fig.savefig(osp.join(work_dir, 'accuracy.png'), dpi=120)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4))
    for method, runs in curves.items():
        runs = [r for r in runs if r]
        if not runs:
            continue
        steps = [s for s, _ in runs[0]]
        length = min(len(r) for r in runs)
        acc = np.array([[a for _, a in r[:length]] for r in runs])
        ax.plot(steps[:length], acc.mean(0), marker='o', label=method)
    ax.set_xlabel('iteration')
    ax.set_ylabel('validation top-1 (%)')
    ax.set_title('Validation curves (mean over seeds)')
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(osp.join(work_dir, 'curves.png'), dpi=120)
    plt.close(fig)
