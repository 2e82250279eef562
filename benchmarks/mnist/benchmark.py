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
trained once and cached. Each finished run is appended to ``results.csv``
(method, seed, top1, seconds) at once, and a rerun skips it, so an
interrupted ``make demo`` resumes. ``summary.md``, ``accuracy.png`` and
``curves.png`` are written to the work dir at the end.
"""
import argparse
import json
import os
import os.path as osp
import shutil
import sys

import torch
from mmengine.config import DictAction
from tqdm import tqdm

import mmrazor_dccd  # noqa: F401
from mmrazor_dccd.compat import load_config
from mmrazor_dccd.engine.fileio import atomic_write
from ..common import report, workers
from ..common.results_store import ResultsStore, WorkDirLock
from ..common.run_spec import RunSpec, apply_run_spec, train_dataset_key
from ..common.runs import REPO, read_curve, set_options, train_and_evaluate
from ..common.teacher import cached_teacher
from .grids import ABLATION, ALL, BASE, FULL, TEACHER, D

FIELDS = ['method', 'seed', 'top1', 'seconds']

__all__ = ['ABLATION', 'ALL', 'BASE', 'FULL', 'get_teacher', 'main']


def parse_args(argv=None):
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
        help='worker processes (1 thread each) sharing the runs; 2 uses '
        'both cores of a 2-core machine best')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, default={},
        help='override settings of every student run (not the teacher)')
    parser.add_argument('--update-docs', action='store_true',
                        help='copy the table and plots to docs/results/')
    parser.add_argument('--queue', help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def settings(args) -> dict:
    if args.quick:
        s = dict(seeds=[0], iters=4, teacher_iters=10, num_per_class=10,
                 val_images=50, test_images=100, batch=32)
    else:
        s = dict(seeds=[0, 1, 2], iters=300, teacher_iters=600,
                 num_per_class=100, val_images=2000, test_images=None,
                 batch=64)
    for key in ('seeds', 'iters', 'teacher_iters', 'num_per_class'):
        if getattr(args, key, None) is not None:
            s[key] = getattr(args, key)
    return s


def run_spec(s, iters, seed) -> RunSpec:
    """The benchmark's budget; validation five times per run (the curves)."""
    every = max(iters // 5, 1)
    return RunSpec(iters=iters, batch=s['batch'], seed=seed,
                   num_per_class=s['num_per_class'],
                   val_images=s['val_images'], test_images=s['test_images'],
                   val_every=every, log_every=every)


def build_cfg(config, options, s, work_dir, name, seed, iters, teacher_ckpt):
    """The resolved config of one run."""
    cfg = load_config(osp.join(REPO, config))
    common = {}
    if train_dataset_key(cfg) != 'train_dataloader.dataset':
        # CRD wraps the dataset; its memory bank holds the whole subset.
        common[D + 'distill_losses.loss_crd.sample_n'] = \
            10 * s['num_per_class']
    if 'teacher' in cfg.model:
        common['model.teacher_ckpt'] = teacher_ckpt
    cfg.merge_from_dict(common)
    apply_run_spec(cfg, run_spec(s, iters, seed),
                   osp.join(work_dir, name, f'seed{seed}'),
                   name=f'{name}_seed{seed}')
    set_options(cfg, options)  # a dict value replaces (e.g. a None loss)
    return cfg


def get_teacher(s, work_dir) -> tuple:
    """The teacher's checkpoint and scores; trained once per setting, then
    reused from the cache (``~/.cache/mmrazor_dccd/teachers``)."""
    cfg = build_cfg(TEACHER, {}, s, work_dir, 'teacher', 0,
                    s['teacher_iters'], None)
    ckpt, info = cached_teacher(cfg, 'mnist_teacher')
    return ckpt, dict(top1=info['test'], curve=info['curve'],
                      seconds=info['seconds'])


def selected_methods(args) -> dict:
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
    return methods


def execute(job, args, s, work_dir, teacher_ckpt, store) -> None:
    method, seed = job
    config, options = ALL[method]
    cfg = build_cfg(config, dict(options, **args.cfg_options), s, work_dir,
                    method, seed, s['iters'], teacher_ckpt)
    metrics, seconds = train_and_evaluate(cfg, ('test', ),
                                          desc=f'{method} seed {seed}')
    store.append(dict(method=method, seed=seed,
                      top1=f"{metrics['test']:.2f}",
                      seconds=f'{seconds:.1f}'))
    tqdm.write(f"{method:>16s} seed {seed}: top-1 {metrics['test']:.2f} "
               f'({seconds:.0f} s)')


def write_outputs(store, work_dir, s, update_docs) -> None:
    order = ['teacher', *ALL]
    rows = sorted(store.rows(), key=lambda r: (
        order.index(r['method']) if r['method'] in order else len(order),
        int(r['seed'])))
    curves = {}
    for r in rows:
        if r['method'] != 'teacher':
            curves.setdefault(r['method'], []).append(read_curve(
                osp.join(work_dir, r['method'], f"seed{r['seed']}")))
    curve_file = osp.join(work_dir, 'teacher_curve.json')
    if osp.isfile(curve_file):
        with open(curve_file) as f:
            curves = dict(teacher=[json.load(f)], **curves)
    summary = report.summarize(rows)
    command = 'python tools/benchmark/mnist_benchmark.py ' + ' '.join(
        sys.argv[1:])
    ref = summary.get('kd', {}).get('mean')
    lines = [
        f'Command: `{command.strip()}`  ',
        f"Settings: {s['num_per_class']} train images per class, "
        f"{s['iters']} iterations (teacher {s['teacher_iters']}), seeds "
        f"{s['seeds']}, top-1 on the MNIST test set.", '',
        '| method | top-1 (%) mean +- std | seeds | vs KD | train s/run |',
        '| --- | --- | --- | --- | --- |'
    ]
    for method, t in summary.items():
        delta = '' if ref is None or method == 'kd' else \
            f"{t['mean'] - ref:+.2f}"
        lines.append(f"| {method} | {t['mean']:.2f} +- {t['std']:.2f} | "
                     f"{t['n']} | {delta} | {t['seconds']:.0f} |")
    report.write_markdown(osp.join(work_dir, 'summary.md'), lines + [''])
    report.plot_bars(summary, osp.join(work_dir, 'accuracy.png'),
                     'MNIST test accuracy (mean +- std over seeds)')
    report.plot_curves(curves, osp.join(work_dir, 'curves.png'))
    with open(osp.join(work_dir, 'summary.md')) as f:
        print(f.read())
    if update_docs:
        out = osp.join(REPO, 'docs', 'results')
        for src, dst in (('results.csv', 'mnist_benchmark.csv'),
                         ('summary.md', 'mnist_benchmark.md'),
                         ('accuracy.png', 'mnist_accuracy.png'),
                         ('curves.png', 'mnist_curves.png')):
            shutil.copy(osp.join(work_dir, src), osp.join(out, dst))


def run_workers(args, argv, jobs, work_dir) -> None:
    """Share ``jobs`` among ``args.jobs`` single-threaded processes."""
    workers.start('benchmarks.mnist.benchmark',
                  [*argv, '--work-dir', work_dir],
                  osp.join(work_dir, 'queue.json'), jobs, args.jobs)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    s = settings(args)
    work_dir = osp.abspath(args.work_dir)
    os.makedirs(work_dir, exist_ok=True)
    store = ResultsStore(osp.join(work_dir, 'results.csv'), FIELDS,
                         ['method', 'seed'], ['seed', 'top1', 'seconds'])
    if args.queue:  # a worker of --jobs N; the parent holds the lock
        index, mine = workers.share(args.queue)
        ckpt, _ = get_teacher(s, work_dir)
        for job in tqdm(workers.while_parent_lives(mine), total=len(mine),
                        desc=f'worker {index}', position=0):
            execute(tuple(job), args, s, work_dir, ckpt, store)
        return
    if 'OMP_NUM_THREADS' not in os.environ:
        torch.set_num_threads(max(1, os.cpu_count() or 1))
    methods = selected_methods(args)
    with WorkDirLock(work_dir, 'MNIST benchmark'):
        done = store.done()
        jobs = [(m, seed) for m in methods for seed in s['seeds']
                if (m, str(seed)) not in done]
        print(f'MNIST benchmark: {len(methods)} methods x {len(s["seeds"])} '
              f'seeds, {s["num_per_class"]} train images/class, '
              f'{s["iters"]} iterations; {len(jobs)} runs to do (finished '
              f'runs are kept); work dir {work_dir}', flush=True)
        # The teacher first, with every core.
        teacher_ckpt, teacher = get_teacher(s, work_dir)
        if ('teacher', '0') not in done:
            store.append(dict(method='teacher', seed=0,
                              top1=f"{teacher['top1']:.2f}",
                              seconds=f"{teacher['seconds']:.1f}"))
        atomic_write(json.dumps(teacher['curve']),
                     osp.join(work_dir, 'teacher_curve.json'))
        if args.jobs > 1 and len(jobs) > 1:
            run_workers(args, argv, jobs, work_dir)
        else:
            for job in tqdm(jobs, desc='runs', position=0, unit='run'):
                execute(job, args, s, work_dir, teacher_ckpt, store)
        write_outputs(store, work_dir, s, args.update_docs)


if __name__ == '__main__':
    main()
