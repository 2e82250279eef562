# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Tables and plots of the detection benchmark: per initialisation (or
method) mean +- sample std over seeds of val and test AP, AP50, AP75, and
DCCD's paired per-seed difference to every other row; the tuning grids;
bars and AP-vs-iteration curves."""
import os.path as osp
from collections import OrderedDict
from typing import Dict, List

import numpy as np

from ..common.report import pyplot, write_markdown
from ..common.stats import mean_std, paired_difference
from . import grids as G
from .grids import DET_DISTILL, TRANSFER
from .sources import best_baseline
from .tune import chosen_weights

COLUMNS = (('val_ap', 'val AP'), ('test_ap', 'test AP'),
           ('test_ap50', 'test AP50'), ('test_ap75', 'test AP75'))


def by_row(rows: List[dict], experiment: str) -> 'OrderedDict':
    """``{init_or_method: {column: {seed: value}}}`` of one experiment."""
    out = OrderedDict()
    for r in rows:
        if r['experiment'] != experiment:
            continue
        entry = out.setdefault(r['init_or_method'], {})
        for column, _ in COLUMNS + (('seconds', ''), ):
            entry.setdefault(column, {})[int(r['seed'])] = float(r[column])
    return out


def table(rows: List[dict], experiment: str, title: str,
          labels: Dict[str, str], ours: str = 'dccd') -> List[str]:
    """Markdown: every row's mean +- std and ``ours`` minus it, paired per
    seed, on val AP and test AP."""
    data = by_row(rows, experiment)
    if not data:
        return [f'### {title}', '', 'No finished runs yet.', '']
    heads = ' | '.join(h for _, h in COLUMNS)
    lines = [f'### {title}', '',
             'COCO AP, AP50, AP75 (CocoMetric), mean +- sample std over '
             f'seeds; `{ours} minus it`: mean +- sample std of the per-seed '
             'difference (seeds both have).', '',
             f'| {experiment.split("_")[0]} | {heads} | seeds | {ours} '
             'minus it, val AP | test AP | train s/run |',
             '| --- |' + ' --- |' * (len(COLUMNS) + 4)]
    for name, cols in data.items():
        cells = []
        for column, _ in COLUMNS:
            mean, std = mean_std(cols[column].values())
            cells.append(f'{mean:.3f} +- {std:.3f}')
        diffs = []
        for column in ('val_ap', 'test_ap'):
            diff = None if name == ours or ours not in data else \
                paired_difference(data[ours][column], cols[column])
            diffs.append('' if diff is None else
                         f'{diff[0]:+.3f} +- {diff[1]:.3f} (n={diff[2]})')
        seconds = mean_std(cols['seconds'].values())[0]
        label = labels.get(name, name)
        if name == ours:
            label = f'**{label}**'
        lines.append(f"| {label} | {' | '.join(cells)} | "
                     f"{len(cols['test_ap'])} | {' | '.join(diffs)} | "
                     f'{seconds:.0f} |')
    return lines + ['']


def tune_table(rows: List[dict], chosen: Dict[str, float]) -> List[str]:
    lines = ['### Loss weights on the validation split', '',
             'Mean val AP over the tuning seeds per weight; the chosen one '
             'in bold (an edge winner extended its grid).', '',
             '| method | weight: val AP |', '| --- | --- |']
    for method in G.DISTILL:
        vals = {}
        for r in rows:
            if r['method'] == method:
                vals.setdefault(float(r['setting'][1:]), []).append(
                    float(r['val_ap']))
        if not vals:
            continue
        cells = []
        for weight in sorted(vals):
            cell = f'{weight:g}: {np.mean(vals[weight]):.3f}'
            cells.append(f'**{cell}**' if chosen.get(method) == weight
                         else cell)
        lines.append(f"| {method} | {', '.join(cells)} |")
    return lines + ['']


def plot_bars(rows: List[dict], experiments: Dict[str, str],
              path: str) -> None:
    """Test AP, mean with sample-std error bars, one panel per table."""
    plt = pyplot()
    fig, axes = plt.subplots(1, len(experiments), squeeze=False,
                             figsize=(5.5 * len(experiments), 4))
    for ax, (experiment, title) in zip(axes[0], experiments.items()):
        data = by_row(rows, experiment)
        names = list(data)
        stats = [mean_std(data[n]['test_ap'].values()) for n in names]
        ax.bar(names, [m for m, _ in stats], yerr=[s for _, s in stats],
               capsize=3, color=['tab:red' if n == 'dccd' else 'tab:gray'
                                 if n in ('random', 'none', 'teacher')
                                 else 'tab:blue' for n in names])
        ax.set_title(title, fontsize=9)
        ax.set_ylabel('test AP')
        plt.setp(ax.get_xticklabels(), rotation=30, ha='right')
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_curves(curves: List[dict], experiments: Dict[str, str],
                path: str) -> None:
    """Validation AP against iteration, mean over seeds."""
    plt = pyplot()
    fig, axes = plt.subplots(1, len(experiments), squeeze=False,
                             figsize=(5.5 * len(experiments), 4))
    for ax, (experiment, title) in zip(axes[0], experiments.items()):
        series = OrderedDict()
        for r in curves:
            if r['experiment'] == experiment:
                series.setdefault(r['init_or_method'], {}).setdefault(
                    int(r['iter']), []).append(float(r['val_ap']))
        for name, points in series.items():
            steps = sorted(points)
            ax.plot(steps, [np.mean(points[i]) for i in steps], marker='o',
                    label=name)
        ax.set_xlabel('iteration')
        ax.set_ylabel('val AP')
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(s: dict, st: dict) -> str:
    out = s['results']
    transfer, distill = st['transfer'].rows(), st['distill'].rows()
    chosen = chosen_weights(s, st)
    best, _ = best_baseline(s['cls_results'], G.TRANSFER_PAIR)
    labels = {'random': 'random init', 'student': 'student alone',
              'kd': 'KD student', 'dccd': 'DCCD student',
              'teacher': 'teacher backbone (width 16, reference)'}
    if best:
        labels[best] = f'{best} student (best baseline)'
    titles = {TRANSFER: f'Backbone transfer, pair ({G.TRANSFER_PAIR})',
              DET_DISTILL: 'Detector-to-detector, RetinaNet width 16 -> 4'}
    distill_labels = {m: f'{m} (weight {chosen[m]:g})' for m in chosen}
    parts = ['# Detection benchmark (Fashion-MNIST canvases)', '',
             *table(transfer, TRANSFER, titles[TRANSFER], labels),
             *table(distill, DET_DISTILL, titles[DET_DISTILL], distill_labels),
             *tune_table(st['tune'].rows(), chosen)]
    path = osp.join(out, 'detection_benchmark.md')
    write_markdown(path, parts)
    rows = transfer + distill
    if rows:
        plot_bars(rows, {e: t for e, t in titles.items()
                         if by_row(rows, e)},
                  osp.join(out, 'detection_ap.png'))
    curves = st['curves'].rows()
    if curves:
        plot_curves(curves, {e: t for e, t in titles.items()
                             if any(r['experiment'] == e for r in curves)},
                    osp.join(out, 'detection_curves.png'))
    print(f'Report: {path}', flush=True)
    return path
