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

Every finished run is appended at once to its results store, which lives
in ``docs/results/`` (``--quick``: the work dir), so the benchmark resumes
on any machine from the committed files: a rerun skips what is stored.
"""
import argparse
import contextlib
import itertools
import os
import os.path as osp
from typing import Dict, List, Optional, Tuple

import torch
from tqdm import tqdm

import mmrazor_dccd  # noqa: F401
from mmrazor_dccd.compat import load_config
from mmrazor_dccd.engine.fileio import atomic_write
from . import workers
from .fmnist import SELECT_FIELDS, make_run
from .fmnist_grids import DCCD_DD, PAIRS, TEACHER
from .fmnist_v2_grids import (AXES, BASELINES, CONTROL_SEEDS, CONTROLS,
                              DD_STUDY, EARLY_TEACHER, LONG_PAIRS, LONG_SEEDS,
                              MAX_EXTENSIONS, ONE_VIEW_EQUAL_COMPUTE,
                              SCHEDULES, TEACHER_ITERS, TEACHER_VAL_EVERY,
                              TEST_SEEDS, TUNE_PAIRS, TUNE_SEEDS)
from .results_store import ResultsStore, WorkDirLock
from .run_spec import RunSpec, apply_run_spec
from .runs import REPO, read_curve, set_options, train_and_evaluate
from .teacher import cached_teacher, kept_checkpoint

FINAL_FIELDS = ['protocol', 'pair', 'method', 'seed', 'val_top1',
                'test_top1', 'seconds']
CONVERGED_FIELDS = ['pair', 'method', 'seed', 'val_top1', 'test_top1',
                    'seconds']
CURVE_FIELDS = ['pair', 'method', 'seed', 'iter', 'val_top1']
DD_FIELDS = ['pair', 'method', 'setting', 'seed', 'images_per_step',
             'val_top1', 'seconds']
NUMERIC = ['seed', 'iter', 'val_top1', 'test_top1', 'seconds']
# Schedules with a validation curve: schedule -> (table store, curve store).
CURVED = dict(converged=('converged', 'curves'), long=('long', 'long_curves'))


def settings(args) -> dict:
    if args.quick:
        s = dict(num_per_class=20, val_images=100, test_images=100, batch=16,
                 teacher_iters=10, early=4, teacher_val_every=4,
                 schedules=dict(short=dict(iters=6, val_every=None),
                                converged=dict(iters=8, val_every=4),
                                long=dict(iters=12, val_every=6)),
                 long_pairs=('a', ), long_seeds=(5, ),
                 tune_pairs=TUNE_PAIRS, tune_seeds=(10, ),
                 test_seeds=(5, ), control_seeds=(5, ),
                 methods=('kd', 'dccd'), values=(2, 1), max_extensions=1,
                 pairs=('a', 'b'),
                 results=osp.abspath(args.work_dir))
    else:
        s = dict(num_per_class=None, val_images=None, test_images=None,
                 batch=64, teacher_iters=TEACHER_ITERS, early=EARLY_TEACHER,
                 teacher_val_every=TEACHER_VAL_EVERY, schedules=SCHEDULES,
                 long_pairs=LONG_PAIRS, long_seeds=LONG_SEEDS,
                 tune_pairs=TUNE_PAIRS, tune_seeds=TUNE_SEEDS,
                 test_seeds=TEST_SEEDS, control_seeds=CONTROL_SEEDS,
                 methods=tuple(AXES), values=None, pairs=tuple(PAIRS),
                 max_extensions=MAX_EXTENSIONS,
                 results=osp.join(REPO, 'docs', 'results'))
    if args.results:
        s['results'] = osp.abspath(args.results)
    return s


def stores(s) -> Dict[str, ResultsStore]:
    r = s['results']
    return dict(
        tune=ResultsStore(osp.join(r, 'fmnist_tune.csv'), SELECT_FIELDS,
                          ['pair', 'method', 'setting', 'seed'], NUMERIC),
        final=ResultsStore(osp.join(r, 'fmnist_benchmark.csv'), FINAL_FIELDS,
                           ['protocol', 'pair', 'method', 'seed'], NUMERIC,
                           migrate=dict(protocol='v1')),
        converged=ResultsStore(osp.join(r, 'fmnist_converged.csv'),
                               CONVERGED_FIELDS, ['pair', 'method', 'seed'],
                               NUMERIC),
        curves=ResultsStore(osp.join(r, 'fmnist_curves.csv'), CURVE_FIELDS,
                            ['pair', 'method', 'seed', 'iter'], NUMERIC),
        long=ResultsStore(osp.join(r, 'fmnist_long.csv'), CONVERGED_FIELDS,
                          ['pair', 'method', 'seed'], NUMERIC),
        long_curves=ResultsStore(osp.join(r, 'fmnist_long_curves.csv'),
                                 CURVE_FIELDS,
                                 ['pair', 'method', 'seed', 'iter'], NUMERIC),
        ddstudy=ResultsStore(osp.join(r, 'fmnist_dd_study_v2.csv'),
                             DD_FIELDS, ['pair', 'method', 'setting', 'seed'],
                             NUMERIC + ['images_per_step']))


# -- the grids -----------------------------------------------------------
def _num(value: float) -> float:
    return float(f'{value:.6g}')


def setting_name(method: str, values) -> str:
    return '_'.join(f'{short}{v:g}'
                    for (_, short, _, _), v in zip(AXES[method], values))


def setting_options(method: str, values) -> dict:
    return {key: v for (key, _, _, _), v in zip(AXES[method], values)}


def tune_scores(rows) -> Dict[Tuple[str, str], Dict[str, Dict[int, float]]]:
    """``{(method, setting): {pair: {seed: val - student's val}}}``."""
    val = {(r['pair'], r['method'], r['setting'], int(r['seed'])):
           float(r['val_top1']) for r in rows}
    out = {}
    for (pair, method, setting, seed), v in val.items():
        alone = val.get((pair, 'student', 'default', seed))
        if method != 'student' and alone is not None:
            out.setdefault((method, setting), {}).setdefault(
                pair, {})[seed] = v - alone
    return out


def worst_pair(diffs: Dict[str, Dict[int, float]], s) -> Optional[float]:
    """The rule, fixed before the runs: the smaller over the tuning pairs of
    the mean paired validation difference vs the student alone; None until
    every tuning pair and seed is in."""
    means = []
    for pair in s['tune_pairs']:
        seeds = diffs.get(pair, {})
        if any(seed not in seeds for seed in s['tune_seeds']):
            return None
        means.append(sum(seeds.values()) / len(seeds))
    return min(means)


def grid(method: str, scores, s) -> Tuple[List[list], Optional[tuple]]:
    """The method's current grid (axes, with the extensions its results
    asked for) and its winner (None while settings are missing)."""
    # --quick: the first `values[i]` values of axis i.
    axes = [list(values[:s['values'][i]] if s['values'] else values)
            for i, (_, _, values, _) in enumerate(AXES[method])]
    extensions = [0] * len(axes)
    while True:
        points = list(itertools.product(*axes))
        score = {p: worst_pair(scores.get((method, setting_name(method, p)),
                                          {}), s) for p in points}
        if any(v is None for v in score.values()):
            return axes, None
        best = max(points, key=lambda p: (score[p], -points.index(p)))
        grew = False
        for i, (_, _, _, factor) in enumerate(AXES[method]):
            if extensions[i] >= s['max_extensions']:
                continue
            if best[i] == axes[i][0]:
                axes[i].insert(0, _num(axes[i][0] / factor))
            elif best[i] == axes[i][-1]:
                axes[i].append(_num(axes[i][-1] * factor))
            else:
                continue
            extensions[i] += 1
            grew = True
        if not grew:
            return axes, best


# -- the runs -----------------------------------------------------------
def _run(stage, pair, method, setting, seed, options, schedule='short',
         teacher='final'):
    family_method = 'dccd' if method in CONTROLS else method
    run = make_run(stage, pair, family_method, setting, seed, options)
    return dict(run, method=method, schedule=schedule, teacher=teacher)


def _tuned_run(stage, pair, method, seed, best, schedule) -> dict:
    """A run of ``method`` at its tuned setting (the student alone, which
    has none, at its default)."""
    if method not in best:
        return _run(stage, pair, method, 'default', seed, {}, schedule)
    return _run(stage, pair, method, setting_name(method, best[method]),
                seed, setting_options(method, best[method]), schedule)


def chosen(s, st) -> Dict[str, tuple]:
    scores = tune_scores(st['tune'].rows())
    out = {}
    for method in s['methods']:
        _, best = grid(method, scores, s)
        if best is not None:
            out[method] = best
    return out


def plan(stage, s, st) -> List[dict]:
    runs = []
    if stage == 'tune':
        done = st['tune'].done()
        scores = tune_scores(st['tune'].rows())
        for pair in s['tune_pairs']:
            for seed in s['tune_seeds']:
                runs.append(_run('tune', pair, 'student', 'default', seed,
                                 {}))
        for method in s['methods']:
            axes, _ = grid(method, scores, s)
            for point in itertools.product(*axes):
                for pair in s['tune_pairs']:
                    for seed in s['tune_seeds']:
                        runs.append(_run(
                            'tune', pair, method, setting_name(method, point),
                            seed, setting_options(method, point)))
        return [r for r in runs if (r['pair'], r['method'], r['setting'],
                                    str(r['seed'])) not in done]
    best = chosen(s, st)
    if stage == 'ddstudy':
        return plan_dd_study(s, st, best)
    if stage == 'long':
        return plan_long(s, st, best)
    missing = [m for m in s['methods'] if m not in best]
    if missing:
        raise SystemExit(f'Tuning is not finished for {missing}: run '
                         '--stage tune (it resumes) first.')
    schedule = 'short' if stage == 'final' else 'converged'
    store = st['final'] if stage == 'final' else st['converged']
    for pair in s['pairs']:
        if stage == 'final':
            methods = ['student', *s['methods']]
        else:
            best_two = two_best_baselines(pair, s, st)
            # KD, the reference every distiller is read against, runs on
            # every pair (added after the converged runs: the redundancy
            # study reports KD's features at both schedules).
            kd = ['kd'] if 'kd' in s['methods'] and 'kd' not in best_two \
                else []
            methods = ['student', *best_two, *kd, 'dccd']
        for seed in s['test_seeds']:
            for method in methods:
                runs.append(_tuned_run(stage, pair, method, seed, best,
                                       schedule))
        for seed in s['control_seeds']:
            for method, teacher in zip(CONTROLS, ('random', 'early')):
                runs.append(_run(stage, pair, method,
                                 setting_name('dccd', best['dccd']), seed,
                                 setting_options('dccd', best['dccd']),
                                 schedule, teacher))
    done = store.done()
    key = (lambda r: ('v2', r['pair'], r['method'], str(r['seed']))) \
        if stage == 'final' else \
        (lambda r: (r['pair'], r['method'], str(r['seed'])))
    return [r for r in runs if key(r) not in done]


def plan_dd_study(s, st, best) -> List[dict]:
    """``L_dd`` at equal distinct images per step (item 6 of the issue):
    DCCD's default (one view of 64) against two views of 64 images,
    without and with ``L_dd``, on pair (a) at the converged schedule, and
    one view of 128 images (the two views' compute, no second view)."""
    if 'dccd' not in best:
        raise SystemExit('Tuning is not finished for dccd: run --stage tune '
                         '(it resumes) first.')
    cc = setting_options('dccd', best['dccd'])
    name = setting_name('dccd', best['dccd'])
    runs = []
    for seed in s['tune_seeds']:
        runs.append(dict(_run('ddstudy', 'a', 'dccd', name, seed, cc,
                              'converged'), batch=s['batch']))
        # Equal compute without a second view: one view of twice the
        # images (added after the two-view runs: is their gain compute?).
        runs.append(dict(_run('ddstudy', 'a', 'dccd', name, seed, cc,
                              'converged'), method=ONE_VIEW_EQUAL_COMPUTE,
                         batch=2 * s['batch']))
        for method, (images, opts) in DD_STUDY.items():
            run = _run('ddstudy', 'a', 'dccd', name, seed, dict(cc, **opts),
                       'converged')
            run.update(method=method, config=DCCD_DD,
                       batch=images * s['batch'] // 64)
            runs.append(run)
    done = st['ddstudy'].done()
    return [r for r in runs if (r['pair'], r['method'], r['setting'],
                                str(r['seed'])) not in done]


def plan_long(s, st, best) -> List[dict]:
    """Twice the converged schedule on :data:`LONG_PAIRS` (added after the
    converged table): the student alone, the pair's best baseline by
    validation and DCCD, with their tuned settings."""
    runs = []
    for pair in s['long_pairs']:
        methods = ['student', two_best_baselines(pair, s, st)[0], 'dccd']
        for seed in s['long_seeds']:
            for method in methods:
                runs.append(_tuned_run('long', pair, method, seed, best,
                                       'long'))
    done = st['long'].done()
    return [r for r in runs
            if (r['pair'], r['method'], str(r['seed'])) not in done]


def two_best_baselines(pair, s, st) -> List[str]:
    """The pair's two baselines with the best mean *validation* top-1 in
    the short-schedule table (the test set plays no part in the choice)."""
    val = {}
    for r in st['final'].rows():
        if r['protocol'] == 'v2' and r['pair'] == pair and \
                r['method'] in BASELINES:
            val.setdefault(r['method'], []).append(float(r['val_top1']))
    full = {m: sum(v) / len(v) for m, v in val.items()
            if len(v) == len(s['test_seeds'])}
    if len(full) < min(2, len([m for m in s['methods'] if m in BASELINES])):
        raise SystemExit(f'The short-schedule table of pair ({pair}) is not '
                         'finished: run --stage final (it resumes) first.')
    return sorted(full, key=full.get, reverse=True)[:2]


def teacher_cfg(s, work_dir):
    cfg = load_config(osp.join(REPO, TEACHER))
    spec = RunSpec(iters=s['teacher_iters'], batch=s['batch'], seed=0,
                   num_per_class=s['num_per_class'],
                   val_images=s['val_images'], test_images=s['test_images'],
                   val_every=s['teacher_val_every'])
    apply_run_spec(cfg, spec, osp.join(work_dir, 'teacher'))
    cfg.default_hooks.checkpoint.interval = s['early']
    cfg.default_hooks.checkpoint.max_keep_ckpts = -1
    return cfg


def get_teacher(s, work_dir) -> Tuple[str, str, dict]:
    """The converged teacher, its early checkpoint, and its scores; the
    full run's teacher is shipped with its results (docs/results/teachers),
    so a resumed benchmark on another machine distils from the same one."""
    shipped = None if s['num_per_class'] else osp.join(
        REPO, 'docs', 'results', 'teachers')
    ckpt, info = cached_teacher(
        teacher_cfg(s, work_dir), 'fmnist_teacher_v2',
        splits=('val', 'test'), keep=(s['early'], ), shipped=shipped)
    early = kept_checkpoint(ckpt, s['early'])
    if shipped:
        meta = ckpt[:-len('.pth')] + '.json'
        for path in (meta, early, ckpt):
            dst = osp.join(shipped, osp.basename(path))
            if not osp.isfile(dst):
                with open(path, 'rb') as f:
                    atomic_write(f.read(), dst)
    return ckpt, early, info


def build_run_cfg(run, s, work_dir, teachers):
    cfg = load_config(osp.join(REPO, run['config']))
    if 'teacher' in cfg.model:
        cfg.model.teacher_ckpt = teachers[run['teacher']]
    set_options(cfg, run['options'])
    sched = s['schedules'][run['schedule']]
    spec = RunSpec(iters=sched['iters'], batch=run.get('batch', s['batch']),
                   seed=run['seed'],
                   num_per_class=s['num_per_class'],
                   val_images=s['val_images'], test_images=s['test_images'],
                   val_every=sched['val_every'])
    return apply_run_spec(cfg, spec, osp.join(
        work_dir, 'v2', run['stage'], run['pair'],
        f"{run['method']}-{run['setting']}", f"seed{run['seed']}"))


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
        from .fmnist_v2_report import plot_teacher_curve
        plot_teacher_curve(
            info['curve'], osp.join(s['results'], 'fmnist_teacher_v2.png'),
            f"Protocol v2 teacher: val {info['val']:.2f}, test "
            f"{info['test']:.2f} after {s['teacher_iters']} iterations")
        return
    add_teacher_rows(s, st, info, stage)
    teachers = dict(final=ckpt, early=early, random=None)
    if stage == 'redundancy':
        from . import fmnist_v2_redundancy
        return fmnist_v2_redundancy.run_stage(s, st, work_dir, teachers)
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
    workers.start('benchmarks.fmnist_v2',
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
    from .fmnist_v2_report import write_report

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
