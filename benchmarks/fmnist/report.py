# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Tables and plots of protocol v2: per pair and schedule, mean +- sample
std over the fresh seeds, DCCD's paired differences with 95% confidence
intervals, paired t-tests Holm-corrected over every headline comparison of
a table, validation curves, and the tuning budget of every method."""
import os.path as osp
from typing import List

from ..common.report import pyplot, write_csv, write_markdown
from ..common.stats import holm, mean_std, paired_stats
from .grids import BASELINES, PAIRS
from .redundancy import store as redundancy_store
from .redundancy import table as redundancy_table

OURS = 'dccd'


def table(rows: List[dict], title: str, baselines) -> List[str]:
    """Markdown: one block per pair, every method's mean +- std, and
    DCCD's paired difference to every other method (95% CI, Holm p)."""
    by = {}
    for r in rows:
        by.setdefault(r['pair'], {}).setdefault(r['method'], {})[
            int(r['seed'])] = float(r['test_top1'])
    tests = {}
    for pair, methods in by.items():
        for method in methods:
            if method not in ('teacher', OURS) and OURS in methods:
                st = paired_stats(methods[OURS], methods[method])
                if st is not None and method in baselines:
                    tests[(pair, method)] = st['p']
    adjusted = holm(tests)
    lines = [f'### {title}', '',
             'Test top-1 (%), mean +- sample std over seeds; `dccd minus '
             'it`: mean paired difference [95% CI], paired t-test p '
             f'Holm-corrected over the {len(tests)} comparisons of DCCD '
             'with the student and the baselines in this table.', '']
    for pair, methods in by.items():
        lines += [f"#### {PAIRS[pair]['title']}", '',
                  '| method | top-1 | seeds | dccd minus it | Holm p |',
                  '| --- | --- | --- | --- | --- |']
        for method, seeds in methods.items():
            mean, std = mean_std(seeds.values())
            st = paired_stats(methods.get(OURS, {}), seeds) \
                if method != OURS else None
            diff = '' if st is None else (
                f"{st['mean']:+.2f} [{st['low']:+.2f}, {st['high']:+.2f}]")
            p = adjusted.get((pair, method))
            lines.append(f'| {method} | {mean:.2f} +- {std:.2f} | '
                         f'{len(seeds)} | {diff} | '
                         f"{'' if p is None else f'{p:.3f}'} |")
        lines.append('')
    return lines


HEADLINE_ROWS = {
    'teacher': 'teacher', 'student': 'student alone', 'kd': 'kd',
    'dkd': 'dkd', 'dist': 'dist', 'crd': 'crd', 'cwd': 'cwd',
    OURS: f'**{OURS}**',
    'dccd_early_teacher': 'dccd, early teacher (3 seeds)',
    'dccd_random_teacher': 'dccd, random teacher (3 seeds)'}


def headline_table(short: List[dict], converged: List[dict]) -> List[str]:
    """The README's Fashion-MNIST table: test top-1, mean +- sample std,
    per pair at both schedules (``—`` where a method did not run)."""
    def cells(rows):
        out = {}
        for r in rows:
            out.setdefault((r['pair'], r['method']), []).append(
                float(r['test_top1']))
        return out

    def fmt(values, bold):
        if not values:
            return '—'
        mean, std = mean_std(values)
        text = f'{mean:.2f}' if len(values) == 1 else \
            f'{mean:.2f} +- {std:.2f}'
        return f'**{text}**' if bold else text

    pairs = sorted({r['pair'] for r in short} | {r['pair'] for r in converged})
    by = cells(short), cells(converged)
    head = ' | '.join(f'({p}) {its} its' for p in pairs
                      for its in ('400', '2,000'))
    lines = [f'| method | {head} |',
             '| --- |' + ' --- |' * (2 * len(pairs))]
    for method, name in HEADLINE_ROWS.items():
        row = [fmt(b.get((p, method)), method == OURS)
               for p in pairs for b in by]
        lines.append(f"| {name} | {' | '.join(row)} |")
    return lines


def _means(rows: List[dict]) -> dict:
    out = {}
    for r in rows:
        out.setdefault((r['pair'], r['method']), []).append(
            float(r['test_top1']))
    return {k: mean_std(v)[0] for k, v in out.items()}


def headline_reading(short: List[dict], converged: List[dict]) -> str:
    """The README's first sentence under the table, from the same rows:
    where DCCD ranks, and its lead over the best baseline run at 2,000
    iterations (a difference of test means; the paired CIs and Holm tests
    are in docs/benchmark.md)."""
    pairs = sorted({r['pair'] for r in converged})
    schedules = [_means(short), _means(converged)]
    best_everywhere = all(
        m[(p, OURS)] > max(v for (q, k), v in m.items()
                           if q == p and k not in (OURS, 'teacher'))
        for m in schedules for p in pairs)
    leads = []
    for p in pairs:
        m = schedules[1]
        name, value = max(((k, v) for (q, k), v in m.items()
                           if q == p and k in BASELINES), key=lambda kv: kv[1])
        leads.append(f'{m[(p, OURS)] - value:+.2f} over {name.upper()} '
                     f'on ({p})')
    rank = ('DCCD is the best student on every pair at both schedules'
            if best_everywhere else 'DCCD is not the best student everywhere')
    return (f'{rank}; at 2,000 iterations it leads the best baseline run '
            f'there by {", ".join(leads[:-1])} and {leads[-1]} (differences '
            'of the means).')


def budget(tune_rows: List[dict]) -> List[dict]:
    """``method, settings, runs``: the validation budget each method got."""
    out = {}
    for r in tune_rows:
        entry = out.setdefault(r['method'], [set(), 0])
        entry[0].add(r['setting'])
        entry[1] += 1
    return [dict(method=m, settings=len(s), runs=n)
            for m, (s, n) in out.items()]


def plot_curves(rows: List[dict], path: str) -> None:
    """Validation top-1 against iteration, mean over seeds, per method
    and pair."""
    plt = pyplot()
    pairs = sorted({r['pair'] for r in rows})
    fig, axes = plt.subplots(1, len(pairs), squeeze=False,
                             figsize=(5.5 * len(pairs), 4))
    for ax, pair in zip(axes[0], pairs):
        curves = {}
        for r in rows:
            if r['pair'] == pair:
                curves.setdefault(r['method'], {}).setdefault(
                    int(r['iter']), []).append(float(r['val_top1']))
        for method, points in curves.items():
            its = sorted(points)
            ax.plot(its, [sum(points[i]) / len(points[i]) for i in its],
                    marker='o', ms=3, label=method,
                    lw=2 if method == OURS else 1)
        ax.set_title(PAIRS[pair]['title'])
        ax.set_xlabel('iteration')
        ax.set_ylabel('validation top-1 (%)')
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_teacher_curve(curve, path: str, title: str) -> None:
    """The teacher's validation top-1 against iteration."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.8))
    ax.plot([c[0] for c in curve], [c[1] for c in curve], marker='o', ms=3)
    ax.set_xlabel('iteration')
    ax.set_ylabel('validation top-1 (%)')
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(s, st, work_dir) -> None:
    parts = ['# Fashion-MNIST, protocol v2', '']
    final = [r for r in st['final'].rows() if r['protocol'] == 'v2']
    converged = st['converged'].rows()
    others = ('student', *BASELINES)
    if final and converged:
        parts += ['### Headline (the README\'s table)', '',
                  *headline_table(final, converged), '']
    if final:
        parts += table(final, 'Short schedule (400 iterations), fresh '
                       'seeds', others)
    if converged:
        parts += table(converged, 'Converged schedule (2,000 iterations), '
                       'fresh seeds', others)
    long = st['long'].rows()
    if long:
        parts += table(long, 'Long schedule (4,000 iterations; added after '
                       'the converged table)', others)
        plot_curves(st['long_curves'].rows(),
                    osp.join(s['results'], 'fmnist_long_curves.png'))
    tune = st['tune'].rows()
    if tune:
        rows = budget(tune)
        write_csv(osp.join(s['results'], 'fmnist_budget.csv'),
                  ['method', 'settings', 'runs'], rows)
        parts += ['### Validation budget', '',
                  '| method | settings | runs |', '| --- | --- | --- |']
        parts += [f"| {r['method']} | {r['settings']} | {r['runs']} |"
                  for r in rows]
        parts.append('')
    dd_rows = st['ddstudy'].rows()
    if dd_rows:
        parts += ['### `L_dd` at equal distinct images per step '
                  '(validation, pair (a), converged schedule)', '',
                  '| method | images forwarded / step | val top-1 | seeds | '
                  'train s/run |', '| --- | --- | --- | --- | --- |']
        for method in dict.fromkeys(r['method'] for r in dd_rows):
            rs = [r for r in dd_rows if r['method'] == method]
            mean, std = mean_std(float(r['val_top1']) for r in rs)
            secs = mean_std(float(r['seconds']) for r in rs)[0]
            parts.append(f"| {method} | {rs[0]['images_per_step']} | "
                         f'{mean:.2f} +- {std:.2f} | {len(rs)} | '
                         f'{secs:.0f} |')
        parts.append('')
    redundancy = redundancy_store(s).rows()
    if redundancy:
        parts += ['### Feature redundancy of the students (validation)',
                  '', '`fmnist_redundancy.csv` also holds samples = images '
                  '(one pooled vector per image).', '']
        parts += redundancy_table(redundancy)
    curves = st['curves'].rows()
    if curves:
        plot_curves(curves, osp.join(s['results'], 'fmnist_curves.png'))
    write_markdown(osp.join(s['results'], 'fmnist_v2.md'), parts)
    print('\n'.join(parts))
