# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The report helpers of every benchmark: per-method summaries, paired
tables (statistics from :mod:`.stats`), Markdown, CSV and PNG plots
(accuracy with error bars, validation curves, accuracy vs cost)."""
import csv
import io
from collections import OrderedDict
from typing import Dict, List, Sequence

import numpy as np

from mmrazor_dccd.engine.fileio import atomic_write
from .stats import mean_std, paired_difference


def summarize(rows: List[dict], metric: str = 'top1') -> Dict[str, dict]:
    """Per method (in row order): mean, std, n and mean seconds."""
    by_method = OrderedDict()
    for row in rows:
        by_method.setdefault(row['method'], []).append(row)
    out = OrderedDict()
    for method, items in by_method.items():
        mean, std = mean_std([float(r[metric]) for r in items])
        out[method] = dict(mean=mean, std=std, n=len(items),
                           seconds=mean_std([float(r.get('seconds') or 0)
                                             for r in items])[0])
    return out


def pyplot():
    """matplotlib.pyplot on the file-only Agg backend."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def error_bars(ax, names, means, stds, margin: float = 2.0) -> None:
    """Bars of mean top-1 with sample-std error bars, coloured by kind
    (teacher/student grey, DCCD red, baselines blue)."""
    colors = ['tab:gray' if m in ('teacher', 'student') else
              'tab:red' if m.startswith('dccd') else 'tab:blue'
              for m in names]
    ax.bar(names, means, yerr=stds, capsize=3, color=colors)
    low = min(m - s for m, s in zip(means, stds))
    ax.set_ylim(max(0, low - margin), min(100, max(means) + 1))


def plot_bars(summary: Dict[str, dict], path: str, title: str) -> None:
    """One bar per method: mean with sample-std error bars."""
    plt = pyplot()
    names = list(summary)
    fig, ax = plt.subplots(figsize=(max(6, 0.9 * len(names)), 4))
    error_bars(ax, names, [summary[m]['mean'] for m in names],
               [summary[m]['std'] for m in names])
    ax.set_ylabel('top-1 (%)')
    ax.set_title(title)
    plt.setp(ax.get_xticklabels(), rotation=30, ha='right')
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_curves(curves: Dict[str, List[list]], path: str,
                title: str = 'Validation curves (mean over seeds)') -> None:
    """Validation top-1 against iteration, mean over each method's runs;
    ``curves[method]`` is a list of ``[(iteration, top-1), ...]``."""
    plt = pyplot()
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
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def per_method(rows: List[dict], metric: str = 'test_top1') -> OrderedDict:
    """``{method: {seed: value}}`` of one pair, in row order."""
    out = OrderedDict()
    for row in rows:
        if row.get(metric) in (None, ''):
            continue
        out.setdefault(row['method'], {})[int(row['seed'])] = float(
            row[metric])
    return out


def pair_table(rows: List[dict],
               ours: Sequence[str] = ('dccd', ),
               metric: str = 'test_top1') -> List[dict]:
    """One summary row per method: mean, std, n, seconds, and for each of
    ``ours`` the paired difference of it minus the method (> 0: ours is
    better), under ``minus[name]``."""
    values = per_method(rows, metric)
    seconds = per_method(rows, 'seconds')
    table = []
    for method, by_seed in values.items():
        mean, std = mean_std(by_seed.values())
        entry = dict(method=method, mean=mean, std=std, n=len(by_seed),
                     seconds=mean_std(seconds.get(method, {0: 0}).values())[0])
        entry['minus'] = {
            name: paired_difference(values[name], by_seed)
            for name in ours if name in values and name != method
        }
        table.append(entry)
    return table


def best_baseline(table: List[dict], baselines: Sequence[str]) -> str:
    """The baseline with the highest mean (of those in the table)."""
    present = [t for t in table if t['method'] in baselines]
    return max(present, key=lambda t: t['mean'])['method'] if present else ''


def markdown(table: List[dict], title: str,
             ours: Sequence[str] = ('dccd', )) -> str:
    heads = ''.join(f' {name} minus it (paired) |' for name in ours)
    lines = [
        f'### {title}', '',
        f'| method | top-1 (%) mean +- std | seeds |{heads} train s/run |',
        '| --- | --- | --- |' + ' --- |' * len(ours) + ' --- |'
    ]
    for t in table:
        cells = ''
        for name in ours:
            diff = t.get('minus', {}).get(name)
            cells += ' |' if diff is None else \
                f' {diff[0]:+.2f} +- {diff[1]:.2f} (n={diff[2]}) |'
        lines.append(f"| {t['method']} | {t['mean']:.2f} +- {t['std']:.2f} "
                     f"| {t['n']} |{cells} {t['seconds']:.0f} |")
    return '\n'.join(lines) + '\n'


def headline(tables: Dict[str, List[dict]]) -> str:
    """One row per method, one column per pair: mean +- std (seeds)."""
    methods = []
    for table in tables.values():
        methods += [t['method'] for t in table if t['method'] not in methods]
    lines = ['| method | ' + ' | '.join(tables) + ' |',
             '| --- |' + ' --- |' * len(tables)]
    for method in methods:
        cells = []
        for table in tables.values():
            t = next((t for t in table if t['method'] == method), None)
            cells.append('' if t is None else
                         f"{t['mean']:.2f} +- {t['std']:.2f} ({t['n']})")
        lines.append(f'| {method} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n'


def plot_pairs(tables: Dict[str, List[dict]], path: str,
               title: str) -> None:
    """Bars with error bars (sample std), one panel per pair."""
    plt = pyplot()
    fig, axes = plt.subplots(1, len(tables), squeeze=False,
                             figsize=(5.5 * len(tables), 4.2))
    for ax, (pair, table) in zip(axes[0], tables.items()):
        error_bars(ax, [t['method'] for t in table],
                   [t['mean'] for t in table], [t['std'] for t in table],
                   margin=1.0)
        ax.set_title(pair)
        ax.set_ylabel('test top-1 (%)')
        plt.setp(ax.get_xticklabels(), rotation=40, ha='right', fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_cost(tables: Dict[str, List[dict]], path: str, title: str) -> None:
    """Mean accuracy against mean training seconds per run."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for marker, (pair, table) in zip('osD^v', tables.items()):
        for t in table:
            if t['method'] == 'teacher':
                continue
            ax.errorbar(t['seconds'], t['mean'], yerr=t['std'], fmt=marker,
                        color='tab:red' if t['method'].startswith('dccd')
                        else 'tab:blue', capsize=2)
            ax.annotate(f"{pair}:{t['method']}", (t['seconds'], t['mean']),
                        fontsize=6, xytext=(3, 2),
                        textcoords='offset points')
    ax.set_xlabel('training seconds per run (1 CPU thread)')
    ax.set_ylabel('test top-1 (%)')
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_markdown(path: str, parts: Sequence[str]) -> None:
    """Join ``parts`` with newlines into ``path`` (atomically)."""
    atomic_write('\n'.join(parts), path)


def write_csv(path: str, fields: Sequence[str], rows: List[dict],
              lineterminator: str = '\n') -> None:
    """``rows`` under a ``fields`` header into ``path`` (atomically)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fields, lineterminator=lineterminator)
    writer.writeheader()
    writer.writerows(rows)
    atomic_write(buf.getvalue(), path)
