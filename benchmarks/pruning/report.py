# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The pruning report on MNIST: FLOPs, parameters and top-1 of pruned
width-16 ResNet_CIFAR-18 students, with/without DCCD, with/without cascade.

    # -> docs/results/pruning{,_runs}.csv + .png
    python tools/pruning/pruning_report.py \\
        --work-dir work_dirs/pruning_report --seeds 0 1 2 --update-docs
    # the table and plot again from recorded runs, without training:
    python tools/pruning/pruning_report.py \\
        --work-dir work_dirs/pruning_table \\
        --from-runs docs/results/pruning_runs.csv --update-docs
    ... --quick            # tiny data and schedule (smoke test)

FLOPs / parameters: MMRazor's ResourceEstimator on a (1, 1, 28, 28) input.
Top-1: the 10k MNIST test set (--quick: 20 images).
"""
import argparse
import copy
import csv
import os
import os.path as osp
import shutil
import sys
import time

from mmrazor_dccd.engine.fileio import atomic_write
from ..common.report import pyplot, write_csv
from ..common.results_store import ResultsStore, WorkDirLock
from ..common.stats import mean_std
from .cli import REPO, add_common_args, budget, experiment, teacher
from .pipeline import cascade, finetune, prune

FIELDS = [
    'method', 'pruning', 'distill_while_pruning', 'finetune', 'cascade',
    'seed', 'flops_M', 'params_M', 'flops_ratio', 'top1', 'seconds'
]
SUMMARY = [
    'method', 'pruning', 'distill_while_pruning', 'finetune', 'cascade',
    'flops_M', 'params_M', 'flops_ratio', 'top1_mean', 'top1_std', 'seeds',
    'seconds_mean'
]


def row(method, pruning, dwp, ft, casc, seed, res, ref, seconds):
    return dict(method=method,
                pruning=pruning,
                distill_while_pruning=dwp,
                finetune=ft,
                cascade=casc,
                seed=seed,
                flops_M=f"{res['flops']:.3f}",
                params_M=f"{res['params']:.4f}",
                flops_ratio=f"{res['flops'] / ref:.3f}",
                top1=f"{res['top1']:.2f}",
                seconds=f'{seconds:.0f}')


def summarize(rows):
    """Mean over seeds per method (FLOPs differ by seed for GroupFisher);
    top-1 as mean +- sample std (``mean_std``, like every table here)."""
    out = []
    for method in dict.fromkeys(r['method'] for r in rows):
        rs = [r for r in rows if r['method'] == method]

        def mean(key):
            return mean_std(float(r[key]) for r in rs)[0]

        top1_mean, top1_std = mean_std(float(r['top1']) for r in rs)
        out.append(
            dict({k: rs[0][k]
                  for k in SUMMARY[1:5]},
                 method=method,
                 flops_M=f"{mean('flops_M'):.3f}",
                 params_M=f"{mean('params_M'):.4f}",
                 flops_ratio=f"{mean('flops_ratio'):.3f}",
                 top1_mean=f'{top1_mean:.2f}',
                 top1_std=f'{top1_std:.2f}',
                 seeds=len(rs),
                 seconds_mean=f"{mean('seconds'):.0f}"))
    return out


def plot(summary, path):
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 5))
    for r in summary:
        dccd = 'dccd' in (r['finetune'], r['distill_while_pruning'])
        marker = '*' if r['pruning'] == 'none' else (
            's' if r['cascade'] == 'yes' else 'o')
        color = 'black' if r['pruning'] == 'none' else (
            'tab:red' if dccd else 'tab:blue')
        x, y = float(r['flops_M']), float(r['top1_mean'])
        ax.errorbar(x,
                    y,
                    yerr=float(r['top1_std']),
                    marker=marker,
                    color=color,
                    ms=8,
                    capsize=3,
                    zorder=3)
        ax.annotate(r['method'], (x, y),
                    textcoords='offset points',
                    xytext=(4, 4),
                    fontsize=7)
    seeds = max(int(r['seeds']) for r in summary)
    ax.set_xlabel('FLOPs (M, MMRazor ResourceEstimator, 1x1x28x28)')
    ax.set_ylabel(f'MNIST test top-1 (%), mean +- sample std of {seeds} '
                  'seed(s)')
    ax.set_title(
        'Pruned ResNet_CIFAR-18 (w16): red = DCCD, blue = CE; '
        'square = cascade',
        fontsize=9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _single_name(method, dwp, ft):
    return {'l1': 'L1', 'groupfisher': 'GF'}[method] + (
        '+DCCD-prune' if dwp == 'dccd' else '') + f' -> {ft.upper()}'


def _cascade_name(i, dccd):
    return ('cascade ' + ('TA' if i == 0 else 'student') +
            (' DCCD' if dccd else ' CE'))


def run_seed(t, b, e, w, ref, store, save):
    """Every pipeline of the report for one seed (``b.seed``); a pipeline
    whose rows are all in ``store`` is skipped (the report resumes)."""
    kw = dict(budget=b, experiment=e)

    def add(*args):
        store.append(row(*args[:5], b.seed, *args[5:]))
        print(store.rows()[-1], flush=True)
        save()

    def done(*names):
        return all(store.has(method=n, seed=b.seed) for n in names)

    def single(method, target, dwp, fts):
        if done(*(_single_name(method, dwp, ft) for ft in fts)):
            return
        pruned = prune(method,
                       t,
                       target,
                       osp.join(w, f'{method}_{dwp}'),
                       teacher=t if dwp == 'dccd' else None,
                       **kw)
        for ft in fts:
            tuned = finetune(pruned,
                             osp.join(w, f'{method}_{dwp}_ft_{ft}'),
                             teacher=t if ft == 'dccd' else None,
                             **kw)
            add(_single_name(method, dwp, ft), method, dwp, ft, 'no', tuned,
                ref['flops'],
                pruned['seconds'] + tuned['seconds'])

    single('l1', 0.25, 'ce', ['ce', 'dccd'])
    single('groupfisher', 0.25, 'ce', ['ce', 'dccd'])
    single('groupfisher', 0.25, 'dccd', ['dccd'])
    for dccd in (False, True):
        if done(_cascade_name(0, dccd), _cascade_name(1, dccd)):
            continue
        stages = cascade(t,
                         osp.join(w, f'cascade_{int(dccd)}'),
                         b,
                         e,
                         dccd=dccd)
        ft = 'dccd' if dccd else 'ce'
        for i, s in enumerate(stages):
            add(_cascade_name(i, dccd), 'groupfisher', ft, ft, 'yes',
                s['finetuned'],
                ref['flops'],
                s['pruned']['seconds'] + s['finetuned']['seconds'])


def write_summary(rows, csv_path, png_path):
    """``pruning.csv`` (mean +- std per method) and its plot."""
    summary = summarize(rows)
    write_csv(csv_path, SUMMARY, summary, lineterminator='\r\n')
    plot(summary, png_path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--update-docs', action='store_true')
    parser.add_argument('--seeds',
                        type=int,
                        nargs='+',
                        help='run every pipeline once per seed (default: '
                        '--seed); the table reports mean and std')
    parser.add_argument('--from-runs',
                        metavar='RUNS_CSV',
                        help='train nothing: rebuild pruning.csv and the '
                        'plot in --work-dir from a pruning_runs.csv')
    add_common_args(parser)
    args = parser.parse_args(argv)
    w = args.work_dir
    os.makedirs(w, exist_ok=True)
    runs_path, csv_path, png_path = (osp.join(w, 'pruning_runs.csv'),
                                     osp.join(w, 'pruning.csv'),
                                     osp.join(w, 'pruning_acc_vs_flops.png'))
    if args.from_runs:
        with open(args.from_runs, newline='') as f:
            rows = list(csv.DictReader(f))
        if osp.abspath(args.from_runs) != osp.abspath(runs_path):
            shutil.copy(args.from_runs, runs_path)
        write_summary(rows, csv_path, png_path)
    else:
        with WorkDirLock(w, 'pruning report'):
            run_report(args, w, runs_path, csv_path, png_path)
    if args.update_docs:
        out = osp.join(REPO, 'docs', 'results')
        os.makedirs(out, exist_ok=True)
        for path in (runs_path, csv_path, png_path):
            dst = osp.join(out, osp.basename(path))
            if osp.abspath(path) != osp.abspath(dst):
                shutil.copy(path, dst)


def run_report(args, w, runs_path, csv_path, png_path):
    """Every pipeline once per seed; each finished pipeline's rows are
    stored at once and the tables rewritten, so a partial run leaves its
    table and a rerun resumes."""
    b, e, t = budget(args), experiment(args), teacher(args)
    start = time.time()
    from mmrazor.registry import MODELS
    from mmrazor_dccd.pruning import count_resources
    ref = count_resources(MODELS.build(copy.deepcopy(e.architecture)),
                          e.input_shape)

    # Every finished pipeline's rows are appended at once; a rerun with the
    # same --work-dir skips them.
    store = ResultsStore(runs_path, FIELDS, ['method', 'seed'])

    def save():
        write_summary(store.rows(), csv_path, png_path)

    if not store.has(method='teacher (w16)', seed='-'):
        store.append(row('teacher (w16)', 'none', '-', '-', 'no', '-',
                         dict(ref, top1=t.get('top1', float('nan'))),
                         ref['flops'], 0))
    for seed in args.seeds or [b.seed]:
        b.seed = seed
        run_seed(t, b, e, osp.join(w, f'seed{seed}'), ref, store, save)

    total = time.time() - start
    print(f'Command: python tools/pruning/pruning_report.py '
          f"{' '.join(sys.argv[1:])}\nBudget: {b}\nTotal {total:.0f} s")
    atomic_write(f"python tools/pruning/pruning_report.py "
                 f"{' '.join(sys.argv[1:])}\n{b}\ntotal_seconds={total:.0f}\n",
                 osp.join(w, 'command.txt'))


if __name__ == '__main__':
    main()
