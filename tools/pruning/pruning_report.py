# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The pruning report on MNIST: FLOPs, parameters and top-1 of pruned
width-16 ResNet_CIFAR-18 students, with/without DCCD, with/without cascade.

    python tools/pruning/pruning_report.py --work-dir work_dirs/pruning_report \\
        --update-docs      # -> docs/results/pruning.csv + pruning_acc_vs_flops.png
    ... --quick            # tiny data and schedule (smoke test)

FLOPs / parameters: MMRazor's ResourceEstimator on a (1, 1, 28, 28) input.
Top-1: the 10k MNIST test set (--quick: 100 images).
"""
import argparse
import csv
import os
import os.path as osp
import shutil
import sys
import time

from common import REPO, add_common_args, budget, teacher

from mmrazor_dccd.pruning.pipeline import cascade, finetune, prune

FIELDS = [
    'method', 'pruning', 'distill_while_pruning', 'finetune', 'cascade',
    'flops_M', 'params_M', 'flops_ratio', 'top1', 'seconds'
]


def row(method, pruning, dwp, ft, casc, res, ref, seconds):
    return dict(method=method,
                pruning=pruning,
                distill_while_pruning=dwp,
                finetune=ft,
                cascade=casc,
                flops_M=f"{res['flops']:.3f}",
                params_M=f"{res['params']:.4f}",
                flops_ratio=f"{res['flops'] / ref:.3f}",
                top1=f"{res['top1']:.2f}",
                seconds=f'{seconds:.0f}')


def plot(rows, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 5))
    for r in rows:
        dccd = 'dccd' in (r['finetune'], r['distill_while_pruning'])
        marker = '*' if r['pruning'] == 'none' else (
            's' if r['cascade'] == 'yes' else 'o')
        color = 'black' if r['pruning'] == 'none' else (
            'tab:red' if dccd else 'tab:blue')
        x, y = float(r['flops_M']), float(r['top1'])
        ax.scatter(x, y, marker=marker, color=color, s=70, zorder=3)
        ax.annotate(r['method'], (x, y),
                    textcoords='offset points',
                    xytext=(4, 4),
                    fontsize=7)
    ax.set_xlabel('FLOPs (M, MMRazor ResourceEstimator, 1x1x28x28)')
    ax.set_ylabel('MNIST test top-1 (%)')
    ax.set_title(
        'Pruned ResNet_CIFAR-18 (w16): red = DCCD, blue = CE; '
        'square = cascade',
        fontsize=9)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--update-docs', action='store_true')
    add_common_args(parser)
    args = parser.parse_args()
    b, t = budget(args), teacher(args)
    w = args.work_dir
    os.makedirs(w, exist_ok=True)
    start = time.time()
    from mmrazor.registry import MODELS
    from mmrazor_dccd.pruning.export import count_resources
    from mmrazor_dccd.utils import load_config
    arch = load_config(
        osp.join(
            REPO,
            'configs/_base_/models/resnet18-cifar_mnist.py')).mnist_teacher
    ref = count_resources(MODELS.build(arch))
    csv_path, png_path = (osp.join(w, 'pruning.csv'),
                          osp.join(w, 'pruning_acc_vs_flops.png'))

    def save():  # after every row: a partial run still leaves its table
        with open(csv_path, 'w', newline='') as f:
            writer = csv.DictWriter(f, FIELDS)
            writer.writeheader()
            writer.writerows(rows)
        plot(rows, png_path)

    rows = [
        row('teacher (w16)', 'none', '-', '-', 'no',
            dict(ref, top1=t.get('top1', float('nan'))), ref['flops'], 0)
    ]
    kw = dict(budget=b, repo=REPO)

    def single(method, target, dwp, fts):
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
            name = {
                'l1': 'L1',
                'groupfisher': 'GF'
            }[method] + ('+DCCD-prune'
                         if dwp == 'dccd' else '') + f' -> {ft.upper()}'
            rows.append(
                row(name, method, dwp, ft, 'no', tuned, ref['flops'],
                    pruned['seconds'] + tuned['seconds']))
            print(rows[-1], flush=True)
            save()

    single('l1', 0.25, 'ce', ['ce', 'dccd'])
    single('groupfisher', 0.25, 'ce', ['ce', 'dccd'])
    single('groupfisher', 0.25, 'dccd', ['dccd'])
    for dccd in (False, True):
        stages = cascade(t,
                         osp.join(w, f'cascade_{int(dccd)}'),
                         b,
                         dccd=dccd,
                         repo=REPO)
        ft = 'dccd' if dccd else 'ce'
        for i, s in enumerate(stages):
            name = ('cascade ' + ('TA' if i == 0 else 'student') +
                    (' DCCD' if dccd else ' CE'))
            rows.append(
                row(name, 'groupfisher', ft, ft, 'yes', s['finetuned'],
                    ref['flops'],
                    s['pruned']['seconds'] + s['finetuned']['seconds']))
            print(rows[-1], flush=True)
            save()

    total = time.time() - start
    print(f'Command: python tools/pruning/pruning_report.py '
          f"{' '.join(sys.argv[1:])}\nBudget: {b}\nTotal {total:.0f} s")
    with open(osp.join(w, 'command.txt'), 'w') as f:
        f.write(f"python tools/pruning/pruning_report.py "
                f"{' '.join(sys.argv[1:])}\n{b}\ntotal_seconds={total:.0f}\n")
    if args.update_docs:
        out = osp.join(REPO, 'docs', 'results')
        os.makedirs(out, exist_ok=True)
        shutil.copy(csv_path, osp.join(out, 'pruning.csv'))
        shutil.copy(png_path, osp.join(out, 'pruning_acc_vs_flops.png'))


if __name__ == '__main__':
    main()
