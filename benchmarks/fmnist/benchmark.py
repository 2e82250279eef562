# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Protocol v2 of the Fashion-MNIST benchmark: equal tuning for every
method, fresh test seeds, a converged schedule with a stronger teacher and
knowledge controls (docs/benchmark.md, "Protocol v2").

    python tools/benchmark/fmnist_v2.py --stage teacher    # 9,000 its
    python tools/benchmark/fmnist_v2.py --stage tune       # val, grids
    python tools/benchmark/fmnist_v2.py --stage final      # 400 its, test
    python tools/benchmark/fmnist_v2.py --stage converged  # 2,000 its
    python tools/benchmark/fmnist_v2.py --stage ddstudy    # L_dd, val
    python tools/benchmark/fmnist_v2.py --stage long       # 4,000 its, (c)
    python tools/benchmark/fmnist_v2.py --stage redundancy # channels
    python tools/benchmark/fmnist_v2.py --stage report
    python tools/benchmark/fmnist_v2.py --quick            # all, tiny

The runs and their plans are in :mod:`.plan`, the data in :mod:`.grids`.

Every finished run is appended at once to its results store, which lives
in ``docs/results/`` (``--quick``: the work dir), so the benchmark resumes
on any machine from the committed files: a rerun skips what is stored.
"""
import argparse
import contextlib
import os
import os.path as osp

import torch
from tqdm import tqdm

import mmrazor_dccd  # noqa: F401
from ..common import workers
from ..common.results_store import WorkDirLock
from ..common.runs import read_curve, train_and_evaluate
from . import redundancy
from .plan import CURVED, build_run_cfg, get_teacher, plan, settings, stores
from .report import plot_teacher_curve, write_report


def execute(run, s, work_dir, teachers, st) -> None:
    cfg = build_run_cfg(run, s, work_dir, teachers)
    tuning = run['stage'] in ('tune', 'ddstudy')
    splits = ('val', ) if tuning else ('val', 'test')
    desc = f"{run['pair']} {run['method']} {run['setting']} s{run['seed']}"
    metrics, seconds = train_and_evaluate(cfg, splits, desc=desc)
    row = dict(pair=run['pair'], method=run['method'], seed=run['seed'],
               val_top1=f"{metrics['val']:.2f}", seconds=f'{seconds:.1f}')
    if run['stage'] == 'ddstudy':
        st['ddstudy'].append(dict(row, setting=run['setting'],
                                  images_per_step=run['batch']))
    elif tuning:
        st['tune'].append(dict(row, setting=run['setting']))
    else:
        row['test_top1'] = f"{metrics['test']:.2f}"
        if run['schedule'] in CURVED:
            table, curves = CURVED[run['schedule']]
            for it, top1 in read_curve(cfg.work_dir):
                st[curves].append(dict(
                    pair=run['pair'], method=run['method'], seed=run['seed'],
                    iter=it, val_top1=f'{top1:.2f}'))
            st[table].append(row)
        else:
            st['final'].append(dict(row, protocol='v2'))
    tqdm.write(f"{desc}: val {metrics['val']:.2f}" +
               ('' if tuning else f", test {metrics['test']:.2f}") +
               f' ({seconds:.0f} s)')


def add_teacher_rows(s, st, info, stage) -> None:
    for pair in s['pairs']:
        row = dict(pair=pair, method='teacher', seed=0,
                   val_top1=f"{info['val']:.2f}",
                   test_top1=f"{info['test']:.2f}",
                   seconds=f"{info['seconds']:.1f}")
        if not st['final'].has(protocol='v2', pair=pair, method='teacher',
                               seed=0):
            st['final'].append(dict(row, protocol='v2'))
        if not st['converged'].has(pair=pair, method='teacher', seed=0):
            st['converged'].append(row)
        if stage == 'long' and pair in s['long_pairs'] and \
                not st['long'].has(pair=pair, method='teacher', seed=0):
            st['long'].append(row)


def run_stage(stage, args, s, work_dir) -> None:
    st = stores(s)
    ckpt, early, info = get_teacher(s, work_dir)
    if stage == 'teacher':
        print(f"Teacher: val {info['val']:.2f}, test {info['test']:.2f} "
              f"({info['seconds']:.0f} s); early weights {early}")
        plot_teacher_curve(
            info['curve'], osp.join(s['results'], 'fmnist_teacher_v2.png'),
            f"Protocol v2 teacher: val {info['val']:.2f}, test "
            f"{info['test']:.2f} after {s['teacher_iters']} iterations")
        return
    add_teacher_rows(s, st, info, stage)
    teachers = dict(final=ckpt, early=early, random=None)
    if stage == 'redundancy':
        return redundancy.run_stage(s, st, work_dir, teachers)
    while True:  # tuning grows its grids from its own results
        runs = plan(stage, s, st)
        print(f'Fashion-MNIST v2, stage {stage}: {len(runs)} runs to do; '
              f"results in {s['results']}", flush=True)
        if not runs:
            return
        if args.jobs > 1:
            run_workers(runs, args, s, work_dir)
        else:
            for run in tqdm(runs, desc=stage, position=0, unit='run'):
                execute(run, s, work_dir, teachers, st)
        if stage != 'tune':
            return


def run_workers(runs, args, s, work_dir) -> None:
    workers.start('benchmarks.fmnist.benchmark',
                  ['--work-dir', work_dir, '--results', s['results']] +
                  (['--quick'] if args.quick else []),
                  osp.join(work_dir, 'queue_v2.json'), runs, args.jobs)


def run_worker(args, s, work_dir) -> None:
    index, runs = workers.share(args.queue)
    ckpt, early, _ = get_teacher(s, work_dir)
    teachers = dict(final=ckpt, early=early, random=None)
    st = stores(s)
    for run in tqdm(workers.while_parent_lives(runs), total=len(runs),
                    desc=f'worker {index}', position=0):
        execute(run, s, work_dir, teachers, st)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--stage', default='all', choices=[
        'teacher', 'tune', 'final', 'converged', 'ddstudy', 'long',
        'redundancy', 'report', 'all'])
    parser.add_argument('--quick', action='store_true',
                        help='every stage, tiny data, grids and schedules '
                        '(what the tests run); results in the work dir')
    parser.add_argument('--jobs', type=int, default=1,
                        help='worker processes (1 thread each)')
    parser.add_argument('--work-dir', default='work_dirs/fmnist_v2')
    parser.add_argument('--results', help='folder of the results stores '
                        '(default: docs/results; --quick: the work dir)')
    parser.add_argument('--queue', help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    s = settings(args)
    work_dir = osp.abspath(args.work_dir)
    os.makedirs(work_dir, exist_ok=True)
    if args.queue:  # a worker; the parent holds the lock
        return run_worker(args, s, work_dir)
    if 'OMP_NUM_THREADS' not in os.environ:
        torch.set_num_threads(max(1, os.cpu_count() or 1))
    # The stores may live outside the work dir (docs/results): lock both.
    results_lock = WorkDirLock(s['results'], 'Fashion-MNIST v2 benchmark') \
        if s['results'] != work_dir else contextlib.nullcontext()
    with WorkDirLock(work_dir, 'Fashion-MNIST v2 benchmark'), results_lock:
        stages = ['teacher', 'tune', 'final', 'converged', 'ddstudy',
                  'long', 'redundancy'] \
            if args.stage == 'all' else [args.stage]
        for stage in stages:
            if stage != 'report':
                run_stage(stage, args, s, work_dir)
        write_report(s, stores(s), work_dir)


if __name__ == '__main__':
    main()
