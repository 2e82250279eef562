# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The runs of the Fashion-MNIST benchmark (protocol v2): its settings and
results stores, every run as data, the tuned choice of every method, the
plan of each stage and the resolved config of one run. The stages that
train them are in :mod:`.benchmark`; this module trains nothing but the
teacher on a cache miss."""
import itertools
import os.path as osp
from typing import Dict, List, Optional, Tuple

from mmrazor_dccd.compat import load_config
from mmrazor_dccd.engine.fileio import atomic_write
from ..common.results_store import ResultsStore
from ..common.run_spec import RunSpec, apply_run_spec
from ..common.runs import REPO, set_options
from ..common.teacher import cached_teacher, kept_checkpoint
from ..common.tuning import extend_grid
from .grids import (AXES, BASELINES, CONTROL_SEEDS, CONTROLS, DCCD_DD,
                    DD_STUDY, EARLY_TEACHER, LONG_PAIRS, LONG_SEEDS,
                    MAX_EXTENSIONS, METHODS, MODELS, ONE_VIEW_EQUAL_COMPUTE,
                    PAIRS, SCHEDULES, TEACHER, TEACHER_ITERS,
                    TEACHER_VAL_EVERY, TEST_SEEDS, TUNE_PAIRS, TUNE_SEEDS, D)

SELECT_FIELDS = ['pair', 'method', 'setting', 'seed', 'val_top1', 'seconds']

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
    if args.quick:  # every stage and kind of run, as few as the tests need
        s = dict(num_per_class=10, val_images=50, test_images=50, batch=16,
                 teacher_iters=10, early=4, teacher_val_every=4,
                 schedules=dict(short=dict(iters=6, val_every=None),
                                converged=dict(iters=8, val_every=4),
                                long=dict(iters=12, val_every=6)),
                 long_pairs=('a', ), long_seeds=(5, ),
                 tune_pairs=('a', ), tune_seeds=(10, ),
                 test_seeds=(5, ), control_seeds=(5, ),
                 methods=('kd', 'dccd'), values=(1, 1), max_extensions=1,
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
                           ['protocol', 'pair', 'method', 'seed'], NUMERIC),
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
    return extend_grid(
        axes, [factor for _, _, _, factor in AXES[method]],
        lambda point: worst_pair(scores.get(
            (method, setting_name(method, point)), {}), s),
        s['max_extensions'])


# -- the runs -----------------------------------------------------------
def pair_options(family: str, pair: str) -> dict:
    """What changes from pair (a) for another student."""
    p = PAIRS[pair]
    student = load_config(osp.join(REPO, MODELS))[p['student']].to_dict()
    if family == 'alone':
        return {}
    opts = {'model.architecture': student}
    if family == 'feature':
        opts.update({
            D + 'student_recorders.feat.source': p['layer'],
            D + 'connectors.feat_connector.in_channel': p['channels']})
    elif family == 'crd':
        opts[D + 'connectors.loss_crd_stu.dim_in'] = p['pooled']
    elif family == 'dccd':
        opts.update({D + 'feature_layers': {p['layer']: 'backbone.layer4'},
                     D + 'student_channels': p['channels']})
    return opts


def make_run(stage, pair, method, setting, seed, options, schedule='short',
             teacher='final') -> dict:
    """One run as data: the method's config for ``pair`` with ``options``
    on top (a knowledge control is DCCD with another ``teacher``)."""
    family, config = METHODS['dccd' if method in CONTROLS else method]
    if family == 'alone':
        config = PAIRS[pair]['alone']
    return dict(stage=stage, pair=pair, method=method, setting=setting,
                seed=seed, config=config,
                options=dict(pair_options(family, pair), **options),
                schedule=schedule, teacher=teacher)


def tuned_run(stage, pair, method, seed, best, schedule) -> dict:
    """A run of ``method`` at its tuned setting (the student alone, which
    has none, at its default)."""
    if method not in best:
        return make_run(stage, pair, method, 'default', seed, {}, schedule)
    return make_run(stage, pair, method, setting_name(method, best[method]),
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
                runs.append(make_run('tune', pair, 'student', 'default',
                                     seed, {}))
        for method in s['methods']:
            axes, _ = grid(method, scores, s)
            for point in itertools.product(*axes):
                for pair in s['tune_pairs']:
                    for seed in s['tune_seeds']:
                        runs.append(make_run(
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
                runs.append(tuned_run(stage, pair, method, seed, best,
                                      schedule))
        for seed in s['control_seeds']:
            for method, teacher in zip(CONTROLS, ('random', 'early')):
                runs.append(make_run(stage, pair, method,
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
        runs.append(dict(make_run('ddstudy', 'a', 'dccd', name, seed, cc,
                                  'converged'), batch=s['batch']))
        # Equal compute without a second view: one view of twice the
        # images (added after the two-view runs: is their gain compute?).
        runs.append(dict(make_run('ddstudy', 'a', 'dccd', name, seed, cc,
                                  'converged'), method=ONE_VIEW_EQUAL_COMPUTE,
                         batch=2 * s['batch']))
        for method, (images, opts) in DD_STUDY.items():
            run = make_run('ddstudy', 'a', 'dccd', name, seed,
                           dict(cc, **opts), 'converged')
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
                runs.append(tuned_run('long', pair, method, seed, best,
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
