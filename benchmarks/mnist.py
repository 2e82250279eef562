# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The embedded default: DCCD against its baselines on real MNIST, on CPU.

    python tools/benchmark/mnist_benchmark.py           # teacher, student, KD,
                                                        # DCCD; 3 seeds
    python tools/benchmark/mnist_benchmark.py --full    # + DKD, CRD, ablations
    python tools/benchmark/mnist_benchmark.py --quick   # all methods, 1 seed,
                                                        # tiny schedule

Every method trains through MMEngine's Runner from this project's configs on
the same low-data split of MNIST (``--num-per-class`` images per class), with
the same schedule, and is tested on the full 10k test set. The teacher is
trained once and cached. Writes ``results.csv`` (method,seed,top1),
``summary.md``, ``accuracy.png`` and ``curves.png`` to the work dir.
"""
import argparse
import csv
import json
import os
import os.path as osp
import shutil
import sys
import time

import torch
from mmengine.config import DictAction
from tqdm import tqdm

import mmrazor_dccd  # noqa: F401
from mmrazor_dccd.benchmark import (cached_teacher, read_curve, set_options,
                                    train_and_evaluate)
from mmrazor_dccd.utils import load_config
from mmrazor_dccd.utils.results import summarize, write_plots, write_tables

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TEACHER = 'configs/mnist/resnet18-cifar-w16_mnist-teacher.py'
STUDENT = 'configs/mnist/resnet18-cifar-w4_mnist-student.py'
KD = 'configs/baselines/kd_logits_r18w16_r18w4_mnist.py'
DKD = 'configs/baselines/dkd_r18w16_r18w4_mnist.py'
CRD = 'configs/baselines/crd_r18w16_r18w4_mnist.py'
DCCD = 'configs/dccd/dccd_r18w16_r18w4_mnist.py'  # default: L_cc, 1 view
# Two views, beta 1: the config of every L_dd run (and of the former
# default, dccd_cc_2views).
DCCD_DD = 'configs/dccd/dccd-dd_r18w16_r18w4_mnist.py'
D = 'model.distiller.'
NO_DD = {D + 'dd_loss': None}
KD_LOSS = dict(type='KLDivergence', tau=4, loss_weight=1.0)


def dd(gamma=1.0, **kwargs):
    """L_dd as the MNIST runs had it (raw logits, mse) at weight gamma."""
    return dict(type='DynamicDifferenceLoss', distance='mse',
                loss_weight=gamma, **kwargs)


DD1 = {D + 'dd_loss': dd(1.0)}  # the MNIST-era default, L_dd at gamma 1

# name -> (config, cfg options). The main job runs BASE; --full adds FULL.
# 'dccd' is the config: L_cc only on one view, beta 3, the default chosen on
# Fashion-MNIST.
BASE = {
    'student': (STUDENT, {}),
    'kd': (KD, {}),
    'dccd': (DCCD, {}),
}
FULL = {
    'dkd': (DKD, {}),
    'crd': (CRD, {}),
    # L_cc alone on two views of 32 images, beta 1: the default before the
    # Fashion-MNIST safe-default study.
    'dccd_cc_2views': (DCCD_DD, NO_DD),
    'dccd_cc_dd': (DCCD_DD, DD1),  # L_cc + L_dd (gamma 1): the old default
    'dccd_dd_only': (DCCD_DD, dict(DD1, **{D + 'cc_loss': None})),
    # L_cc + L_dd + Hinton KD, and one change at a time to it.
    'dccd_kd': (DCCD_DD, dict(DD1, **{D + 'kd_loss': KD_LOSS})),
    'dccd_kd_per_sample': (DCCD_DD, dict(DD1, **{
        D + 'kd_loss': KD_LOSS,
        D + 'cc_loss.mode': 'per_sample'
    })),
    'dccd_kd_beta0.1': (DCCD_DD, dict(DD1, **{
        D + 'kd_loss': KD_LOSS,
        D + 'cc_loss.loss_weight': 0.1
    })),
    'dccd_kd_tau0.05': (DCCD_DD, dict(DD1, **{
        D + 'kd_loss': KD_LOSS,
        D + 'cc_loss.tau': 0.05
    })),
    'dccd_kd_tau0.5': (DCCD_DD, dict(DD1, **{
        D + 'kd_loss': KD_LOSS,
        D + 'cc_loss.tau': 0.5
    })),
}

# The L_dd study (docs/ablation.md): run with --methods; --quick runs them too.
STRONG_VIEWS = [
    dict(type='MultiView',
         num_views=2,
         transforms=[[
             dict(type='RandomResizedCrop',
                  scale=28,
                  crop_ratio_range=(0.5, 1.0)),
             dict(type='RandomCrop', crop_size=28, padding=2),
         ]]),
    dict(type='PackInputs'),
]
ABLATION = {
    'dccd_gamma0.1': (DCCD_DD, {D + 'dd_loss': dd(0.1)}),
    'dccd_gamma0.3': (DCCD_DD, {D + 'dd_loss': dd(0.3)}),
    'dccd_gamma3': (DCCD_DD, {D + 'dd_loss': dd(3.0)}),
    'dccd_dd_kl': (DCCD_DD, {D + 'dd_loss': dict(dd(1.0), distance='kl')}),
    'dccd_strong_views': (DCCD_DD, dict(DD1, **{
        'train_dataloader.dataset.pipeline': STRONG_VIEWS
    })),
    'dccd_cc_only_strong_views': (DCCD_DD, dict(NO_DD, **{
        'train_dataloader.dataset.pipeline': STRONG_VIEWS
    })),
}
ALL = dict(BASE, **FULL, **ABLATION)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument('--full', action='store_true',
                      help='add DKD, CRD and the DCCD ablations')
    mode.add_argument('--quick', action='store_true',
                      help='every method, 1 seed, a tiny schedule (what the '
                      'tests run)')
    parser.add_argument('--methods', nargs='+', help='run only these')
    parser.add_argument('--seeds', nargs='+', type=int)
    parser.add_argument('--iters', type=int, help='student iterations')
    parser.add_argument('--teacher-iters', type=int)
    parser.add_argument('--num-per-class', type=int)
    parser.add_argument('--work-dir', default='work_dirs/mnist_benchmark')
    parser.add_argument(
        '--jobs', type=int, default=1,
        help='run method subsets in this many processes (1 thread each) and '
        'merge them; 2 uses both cores of a 2-core machine best')
    parser.add_argument(
        '--merge', nargs='+', metavar='DIR',
        help='only combine the results of earlier runs (e.g. method subsets '
        'run in parallel, one per core) into --work-dir')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, default={},
        help='override settings of every student run (not the teacher)')
    parser.add_argument(
        '--teacher-only', action='store_true',
        help='train (or find) the cached teacher and print it as JSON '
        '{"checkpoint": ..., "top1": ...} on the last line (the pruning '
        'tools distil from it)')
    parser.add_argument('--update-docs', action='store_true',
                        help='copy the table to docs/results/')
    return parser.parse_args()


def settings(args) -> dict:
    if args.quick:
        s = dict(seeds=[0], iters=12, teacher_iters=30, num_per_class=10,
                 val_images=200, test_images=500, batch=32)
    else:
        s = dict(seeds=[0, 1, 2], iters=300, teacher_iters=600,
                 num_per_class=100, val_images=2000, test_images=None,
                 batch=64)
    for key in ('seeds', 'iters', 'teacher_iters', 'num_per_class'):
        if getattr(args, key) is not None:
            s[key] = getattr(args, key)
    return s


def build_cfg(config, options, s, work_dir, name, seed, iters, teacher_ckpt):
    cfg = load_config(osp.join(REPO, config))
    multi_view = cfg.model.get('type') == 'DCCDDistill'
    views = cfg.model.get('num_views', 1) if multi_view else 1
    dataset = 'train_dataloader.dataset'
    common = {}
    if cfg.train_dataloader.dataset.type.endswith('CRDDataset'):
        dataset += '.dataset'  # CRD wraps the dataset; its bank = its size
        common[D + 'distill_losses.loss_crd.sample_n'] = \
            10 * s['num_per_class']
    common.update({
        f'{dataset}.num_per_class': s['num_per_class'],
        # Equal images forwarded per step: DCCD's batch holds views.
        'train_dataloader.batch_size': s['batch'] // views,
        'train_cfg.max_iters': iters,
        'train_cfg.val_interval': max(iters // 5, 1),
        'param_scheduler.T_max': iters,
        'default_hooks.checkpoint.interval': iters,
        'default_hooks.logger.interval': max(iters // 5, 1),
        'val_dataloader.dataset.indices': s['val_images'],
        'test_dataloader.dataset.indices': s['test_images'],
        'randomness.seed': seed,
        'log_level': 'WARNING',
    })
    if 'teacher' in cfg.model:
        common['model.teacher_ckpt'] = teacher_ckpt
    cfg.merge_from_dict(common)
    set_options(cfg, options)  # a dict value replaces (e.g. a None loss)
    cfg.work_dir = osp.join(work_dir, name, f'seed{seed}')
    cfg.experiment_name = f'{name}_seed{seed}_{time.time_ns()}'
    return cfg


def train_and_test(cfg, desc) -> tuple:
    metrics, seconds = train_and_evaluate(cfg, ('test', ), desc=desc)
    return metrics['test'], read_curve(cfg.work_dir), seconds


def get_teacher(s, work_dir) -> tuple:
    """Train the teacher once per setting; later runs reuse the cached file."""
    cfg = build_cfg(TEACHER, {}, s, work_dir, 'teacher', 0,
                    s['teacher_iters'], None)
    ckpt, info = cached_teacher(cfg, 'mnist_teacher')
    return ckpt, dict(top1=info['test'], curve=info['curve'],
                      seconds=info['seconds'])


def merge(dirs):
    """Rows and curves of earlier benchmark work dirs; a (method, seed) run
    in a later dir replaces the same run of an earlier one."""
    runs = {}
    for d in dirs:
        with open(osp.join(d, 'results.csv')) as f:
            for row in csv.DictReader(f):
                runs[row['method'], row['seed']] = (d, row)
    rows, curves = [], {}
    for (method, seed), (d, row) in runs.items():
        if method != 'teacher':
            curves.setdefault(method, []).append(
                read_curve(osp.join(d, method, f'seed{seed}')))
        rows.append(dict(row, seed=int(seed), top1=float(row['top1']),
                         seconds=float(row['seconds'])))
    order = ['teacher', *ALL]
    rows.sort(key=lambda r: (order.index(r['method'])
                             if r['method'] in order else len(order),
                             r['seed']))
    return rows, curves


def write_outputs(rows, curves, work_dir, s, update_docs):
    command = 'python tools/benchmark/mnist_benchmark.py ' + ' '.join(
        sys.argv[1:])
    summary = summarize(rows)
    write_tables(rows, summary, work_dir, command.strip(), s)
    write_plots(summary, curves, work_dir)
    with open(osp.join(work_dir, 'summary.md')) as f:
        print(f.read())
    if update_docs:
        out = osp.join(REPO, 'docs', 'results')
        os.makedirs(out, exist_ok=True)
        shutil.copy(osp.join(work_dir, 'results.csv'),
                    osp.join(out, 'mnist_benchmark.csv'))
        shutil.copy(osp.join(work_dir, 'summary.md'),
                    osp.join(out, 'mnist_benchmark.md'))
        for png in ('accuracy.png', 'curves.png'):
            shutil.copy(osp.join(work_dir, png),
                        osp.join(out, f'mnist_{png}'))


def run_parallel(args, methods, work_dir):
    """Split the methods over ``args.jobs`` single-threaded processes."""
    import subprocess
    parts = [list(methods)[i::args.jobs] for i in range(args.jobs)]
    dirs = [osp.join(work_dir, f'part{i}') for i in range(args.jobs)]
    base = [sys.executable, osp.abspath(__file__)]
    for flag in ('quick', 'full'):
        if getattr(args, flag):
            base.append(f'--{flag}')
    for key in ('seeds', 'iters', 'teacher_iters', 'num_per_class'):
        value = getattr(args, key)
        if value is not None:
            base += [f"--{key.replace('_', '-')}"] + [
                str(v) for v in (value if isinstance(value, list) else [value])]
    if args.cfg_options:
        base += ['--cfg-options'] + [f'{k}={v}' for k, v in
                                     args.cfg_options.items()]
    # Train (or find) the cached teacher first, with every core.
    get_teacher(settings(args), work_dir)
    env = dict(os.environ, OMP_NUM_THREADS='1')
    procs = [
        subprocess.Popen(base + ['--methods', *part, '--work-dir', d],
                         env=env) for part, d in zip(parts, dirs)
    ]
    if any(p.wait() for p in procs):
        raise SystemExit('A benchmark job failed; see its output above.')
    return dirs


def main():
    args = parse_args()
    s = settings(args)
    if args.teacher_only:
        ckpt, info = get_teacher(s, osp.abspath(args.work_dir))
        print(json.dumps(dict(checkpoint=ckpt, top1=info['top1'])))
        return
    # --quick runs every method on a tiny schedule (what the tests check).
    methods = dict(BASE, **FULL) if args.full else dict(BASE)
    if args.quick:
        methods = dict(ALL)
    if args.methods:
        unknown = set(args.methods) - set(ALL)
        if unknown:
            raise SystemExit(f'Unknown methods {sorted(unknown)}; choose from '
                             f'{sorted(ALL)}.')
        methods = {m: ALL[m] for m in args.methods}
    work_dir = osp.abspath(args.work_dir)
    os.makedirs(work_dir, exist_ok=True)
    if args.jobs > 1:
        args.merge = run_parallel(args, methods, work_dir)
    if args.merge:
        rows, curves = merge(args.merge)
        with open(osp.join(args.merge[0], 'teacher_curve.json')) as f:
            curves['teacher'] = [json.load(f)]
        return write_outputs(rows, curves, work_dir, s, args.update_docs)
    if 'OMP_NUM_THREADS' not in os.environ:
        torch.set_num_threads(max(1, os.cpu_count() or 1))

    print(f'MNIST benchmark: {len(methods)} methods x {len(s["seeds"])} '
          f'seeds, {s["num_per_class"]} train images/class, {s["iters"]} '
          f'iterations; work dir {work_dir}', flush=True)
    teacher_ckpt, teacher = get_teacher(s, work_dir)
    rows = [dict(method='teacher', seed=0, top1=teacher['top1'],
                 seconds=teacher['seconds'])]
    with open(osp.join(work_dir, 'teacher_curve.json'), 'w') as f:
        json.dump(teacher['curve'], f)
    curves = {'teacher': [teacher['curve']]}
    jobs = [(m, seed) for m in methods for seed in s['seeds']]
    for method, seed in tqdm(jobs, desc='runs', position=0, unit='run'):
        config, options = methods[method]
        cfg = build_cfg(config, dict(options, **args.cfg_options), s,
                        work_dir, method, seed, s['iters'], teacher_ckpt)
        top1, curve, seconds = train_and_test(cfg, f'{method} seed {seed}')
        rows.append(dict(method=method, seed=seed, top1=top1,
                         seconds=seconds))
        curves.setdefault(method, []).append(curve)
        tqdm.write(f'{method:>16s} seed {seed}: top-1 {top1:.2f} '
                   f'({seconds:.0f} s)')

    write_outputs(rows, curves, work_dir, s, args.update_docs)


if __name__ == '__main__':
    main()
