# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The headline benchmark: DCCD against MMRazor's strongest baselines on real
Fashion-MNIST, three teacher-student pairs, on CPU.

    python tools/benchmark/fmnist_benchmark.py --stage select  # grids, val
    python tools/benchmark/fmnist_benchmark.py --stage study   # L_dd forms
    python tools/benchmark/fmnist_benchmark.py --stage final   # seeds, test
    python tools/benchmark/fmnist_benchmark.py --stage report  # tables+plots
    python tools/benchmark/fmnist_benchmark.py --quick         # all, tiny

Protocol (docs/benchmark.md): 5,000 class-balanced training images are held
out as the validation split. Every method gets the same number of settings
(its grid), each trained once on pair (a), seed 0, and scored on
validation; the best one is used for every pair and seed of the final
stage, which alone reads the test set. Every finished run is appended to a
CSV at once and skipped on a rerun, so the benchmark resumes.
"""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys

import torch
from tqdm import tqdm

import mmrazor_dccd  # noqa: F401
from mmrazor_dccd.benchmark import (ResultsStore, cached_teacher, set_options,
                                    train_and_evaluate)
from mmrazor_dccd.benchmark import report
from mmrazor_dccd.utils import load_config
from mmrazor_dccd.utils.results import mean_std

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
C = 'configs/'
TEACHER = C + 'fmnist/resnet18-cifar-w16_fmnist-teacher.py'
MODELS = C + '_base_/models/fmnist_models.py'
D = 'model.distiller.'

# Teacher ResNet-18-CIFAR width 16 (layer4: 128 x 4 x 4) for every pair.
PAIRS = {
    'a': dict(title='(a) R18-w16 -> R18-w4', student='fmnist_r18w4',
              alone=C + 'fmnist/resnet18-cifar-w4_fmnist-student.py',
              layer='backbone.layer4', channels=32, pooled=32),
    # MobileNetV2's last 4x4 map is layer3's (16 channels).
    'b': dict(title='(b) R18-w16 -> MobileNetV2-0.35', student='fmnist_mbv2',
              alone=C + 'fmnist/mobilenetv2-w0.35_fmnist-student.py',
              layer='backbone.layer3', channels=16, pooled=256,
              last=dict(layer='backbone.conv2', channels=256)),
    'c': dict(title='(c) R18-w16 -> R18-w8', student='fmnist_r18w8',
              alone=C + 'fmnist/resnet18-cifar-w8_fmnist-student.py',
              layer='backbone.layer4', channels=64, pooled=64),
}


CROP = dict(type='RandomCrop', crop_size=28, padding=2)
STRONG_CROP = dict(type='RandomResizedCrop', scale=28,
                   crop_ratio_range=(0.6, 1.0))


def views(num_views=2, crop=CROP):
    """A train pipeline of ``num_views`` draws of crop + horizontal flip."""
    return [
        dict(type='MultiView', num_views=num_views, transforms=[[
            crop, dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        ]]),
        dict(type='PackInputs'),
    ]


def dd(weight=1.0, **kwargs):
    return {D + 'dd_loss': dict(type='DynamicDifferenceLoss',
                                loss_weight=weight, **kwargs)}


def cc(weight=1.0):
    return {D + 'cc_loss': dict(type='ChannelContrastiveLoss', tau=0.1,
                                mode='batch', loss_weight=weight)}


NO_CC, NO_DD = {D + 'cc_loss': None}, {D + 'dd_loss': None}
DCCD = C + 'dccd/dccd_r18w16_r18w4_fmnist.py'  # the default: L_cc, 1 view
DCCD_DD = C + 'dccd/dccd-dd_r18w16_r18w4_fmnist.py'  # L_cc + L_dd, 2 views
# The L_dd form of the dccd / dccd_dd_only grids, chosen by --stage study
# (docs/benchmark.md): raw logit differences, mse, and weights below 1 (the
# smallest study weight, 0.1, was the best form in all three study groups).
DD_FORM = dict(response='logits', distance='mse')
DD_GAMMAS = (0.03, 0.1, 0.3)

# method -> (family, config, grid of (setting, options)); every grid has 3
# settings (student alone: its one schedule, shared by every method).
METHODS = {
    'student': ('alone', None, [('default', {})]),
    'kd': ('logits', C + 'baselines/kd_r18w16_r18w4_fmnist.py', [
        (f'tau{t}', {D + 'distill_losses.loss_kl.tau': t}) for t in (1, 4, 8)
    ]),
    'dkd': ('logits', C + 'baselines/dkd_r18w16_r18w4_fmnist.py', [
        (f'beta{b}', {D + 'distill_losses.loss_dkd.beta': b})
        for b in (0.5, 2, 8)
    ]),
    'dist': ('logits', C + 'baselines/dist_r18w16_r18w4_fmnist.py', [
        (f'w{w}_tau{t}', {D + 'distill_losses.loss_dist.loss_weight': w,
                          D + 'distill_losses.loss_dist.tau': t})
        for w, t in ((1, 1), (2, 1), (2, 4))
    ]),
    'crd': ('crd', C + 'baselines/crd_r18w16_r18w4_fmnist.py', [
        (f'w{w}', {D + 'distill_losses.loss_crd.loss_weight': w})
        for w in (0.2, 0.8, 3.2)
    ]),
    'cwd': ('feature', C + 'baselines/cwd_r18w16_r18w4_fmnist.py', [
        (f'w{w}', {D + 'distill_losses.loss_cwd.loss_weight': w})
        for w in (1, 3, 10)
    ]),
    'dccd': ('dccd', DCCD_DD, [
        (f'beta1_gamma{g}', dict(cc(1.0), **dd(g, **DD_FORM)))
        for g in DD_GAMMAS
    ]),
    # The default: L_cc on one view of 64 images (--stage safety).
    'dccd_cc_only': ('dccd', DCCD, [
        (f'beta{b}_1view', dict(cc(b), **NO_DD)) for b in (0.3, 1, 3)
    ]),
    # L_cc on two views of 32 images (the default before --stage safety).
    'dccd_cc_2views': ('dccd', DCCD_DD, [
        (f'beta{b}', dict(cc(b), **NO_DD)) for b in (0.3, 1, 3)
    ]),
    'dccd_dd_only': ('dccd', DCCD_DD, [
        (f'gamma{g}', dict(NO_CC, **dd(g, **DD_FORM))) for g in DD_GAMMAS
    ]),
}
BASELINES = ('student', 'kd', 'dkd', 'dist', 'crd', 'cwd')
# Paired differences are reported for the default (L_cc only) and for the
# full method (L_cc + L_dd).
OURS = ('dccd_cc_only', 'dccd')

# The L_dd study (validation only): which difference, on what, from which
# views, helps the student? CE + L_dd alone isolates the term; the same
# forms with L_cc show whether it adds to the channel term.
STUDY_FORMS = {
    'logits_mse_g1': dd(1.0),  # the MNIST-era default
    'logits_mse_g0.1': dd(0.1),
    'probs_t4_g1': dd(1.0, response='probs', tau=4.0),
    'probs_t1_g1': dd(1.0, response='probs', tau=1.0),
    'zscore_g1': dd(1.0, response='zscore'),
    'logits_cosine_g1': dd(1.0, distance='cosine'),
    'features_zscore_g1': dict(dd(1.0, response='zscore'),
                               **{D + 'dd_source': 'features'}),
    'probs_t4_g1_strong_views': dict(
        dd(1.0, response='probs', tau=4.0),
        **{'train_dataloader.dataset.pipeline': views(crop=STRONG_CROP)}),
    'probs_t4_g1_3views': dict(
        dd(1.0, response='probs', tau=4.0),
        **{'model.num_views': 3,
           'train_dataloader.dataset.pipeline': views(3)}),
}
STUDY = {('dccd_dd_only', form): dict(NO_CC, **opts)
         for form, opts in STUDY_FORMS.items()}
STUDY.update({('dccd', form): dict(cc(1.0), **opts)
              for form, opts in STUDY_FORMS.items()})

# The safe-default study (validation only, seeds 0-2, pairs (a) and (b)):
# which L_cc setting never leaves a student below the student alone? The
# rule, fixed before the runs: the setting whose *smaller* mean paired
# validation difference vs the student alone (over the two pairs) is the
# largest. `last`: the student's last feature map (MobileNetV2's conv2,
# 256 x 1 x 1) against the teacher's layer4 average-pooled to 1 x 1, instead
# of the mid-network layer3 that matches the teacher's 4 x 4 size; on pair
# (a) the last map is layer4 already, so `last` there is the plain setting.
WARMUP_HOOKS = [dict(type='mmrazor.CPUDeterminismHook'),
                dict(type='mmrazor.DistillLossWarmupHook', warmup=200)]
POOL_TEACHER = dict(type='TorchFunctionalConnector',
                    function_name='adaptive_avg_pool2d',
                    func_args=dict(output_size=1))
SAFETY_SEEDS = (0, 1, 2)


def last_layer(pair) -> dict:
    """Options that distil the student's last feature map of ``pair``."""
    last = PAIRS[pair].get('last')
    if last is None:
        return {}
    return {D + 'feature_layers': {last['layer']: 'backbone.layer4'},
            D + 'student_channels': last['channels'],
            D + 'teacher_connector': POOL_TEACHER}


def safety_grid(pair) -> dict:
    """setting -> (method, options): two-view settings run as
    ``dccd_cc_2views`` (the L_dd config, L_dd off), one-view settings as
    ``dccd_cc_only`` (the default config)."""
    two = 'dccd_cc_2views'
    grid = {f'beta{b}': (two, dict(cc(b), **NO_DD)) for b in (0.1, 0.3, 1)}
    grid['beta1_warmup200'] = (two, dict(cc(1.0), **NO_DD,
                                         custom_hooks=WARMUP_HOOKS))
    if last_layer(pair):
        for b in (0.3, 1):
            grid[f'beta{b}_last'] = (two, dict(cc(b), **NO_DD,
                                               **last_layer(pair)))
    # Added after the six above were measured: below beta 1 every setting
    # fell under the student alone, because two views of 32 images see half
    # the distinct images of the baselines' 64 per step. L_cc needs no
    # second view (only L_dd differences views), so one view of 64 images.
    # (First run with a MultiView(num_views=1) pipeline; the plain pipeline
    # of the default config gave the identical validation score.)
    # beta 3 joined when the --stage select grid (0.3, 1, 3) preferred it
    # on pair (a), seed 0.
    for b in (0.3, 1, 3):
        grid[f'beta{b}_1view'] = ('dccd_cc_only', dict(cc(b), **NO_DD))
    if last_layer(pair):
        grid['beta1_last_1view'] = ('dccd_cc_only', dict(
            cc(1.0), **NO_DD, **last_layer(pair)))
    return grid


SELECT_FIELDS = ['pair', 'method', 'setting', 'seed', 'val_top1', 'seconds']
FINAL_FIELDS = ['pair', 'method', 'seed', 'val_top1', 'test_top1', 'seconds']


def settings(args) -> dict:
    if args.quick:
        s = dict(iters=6, teacher_iters=10, seeds=dict(a=[0], b=[0], c=[0]),
                 num_per_class=20, val_images=100, test_images=100,
                 batch=16, study_pairs=['a'], study_methods=['dccd_dd_only'])
    else:
        s = dict(iters=400, teacher_iters=1500,
                 seeds=dict(a=[0, 1, 2, 3, 4], b=[0, 1, 2, 3, 4],
                            c=[0, 1, 2, 3, 4]),
                 num_per_class=None, val_images=None, test_images=None,
                 batch=64, study_pairs=['a', 'b'],
                 study_methods=['dccd_dd_only', 'dccd'])
        s['study_methods_b'] = ['dccd_dd_only']  # the CPU budget
    if args.iters:
        s['iters'] = args.iters
    if args.teacher_iters:
        s['teacher_iters'] = args.teacher_iters
    if args.seeds is not None:
        s['seeds'] = {p: list(args.seeds) for p in PAIRS}
    return s


def base_cfg(config, s, iters, seed, work_dir):
    """A config on the benchmark's data and schedule (no validation during
    training: the splits are scored once, after it)."""
    cfg = load_config(osp.join(REPO, config))
    views = cfg.model.get('num_views', 1) if \
        cfg.model.get('type') == 'DCCDDistill' else 1
    dataset = 'train_dataloader.dataset'
    if cfg.train_dataloader.dataset.type.endswith('CRDDataset'):
        dataset += '.dataset'
    set_options(cfg, {
        f'{dataset}.num_per_class': s['num_per_class'],
        'train_dataloader.batch_size': s['batch'] // views,
        'train_cfg.max_iters': iters,
        'train_cfg.val_interval': iters + 1,
        'param_scheduler.T_max': iters,
        'default_hooks.checkpoint.interval': iters,
        'default_hooks.logger.interval': max(iters // 4, 1),
        'val_dataloader.dataset.indices': s['val_images'],
        'test_dataloader.dataset.indices': s['test_images'],
        'randomness.seed': seed,
        'log_level': 'WARNING',
    })
    cfg.work_dir = work_dir
    return cfg


def pair_options(family, pair) -> dict:
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


def run_spec(stage, pair, method, setting, seed, options):
    family, config, _ = METHODS[method]
    if family == 'alone':
        config = PAIRS[pair]['alone']
    return dict(stage=stage, pair=pair, method=method, setting=setting,
                seed=seed, config=config,
                options=dict(pair_options(family, pair), **options))


def chosen_settings(select: ResultsStore) -> dict:
    """Per method, the grid setting with the best validation top-1 on pair
    (a), seed 0 (ties: the first in grid order)."""
    scores = {(r['method'], r['setting']): float(r['val_top1'])
              for r in select.rows() if r['pair'] == 'a'}
    chosen = {}
    for method, (_, _, grid) in METHODS.items():
        scored = [(scores[(method, name)], -i, name)
                  for i, (name, _) in enumerate(grid)
                  if (method, name) in scores]
        if len(grid) == 1:
            chosen[method] = grid[0][0]
        elif len(scored) == len(grid):
            chosen[method] = max(scored)[2]
    return chosen


def stores(work_dir):
    """The validation runs (selection and study) and the final runs."""
    return (ResultsStore(osp.join(work_dir, 'selection.csv'), SELECT_FIELDS,
                         ['pair', 'method', 'setting', 'seed']),
            ResultsStore(osp.join(work_dir, 'fmnist_benchmark.csv'),
                         FINAL_FIELDS, ['pair', 'method', 'seed']))


def plan(args, s, work_dir):
    """The runs still to do for the requested stage, in order."""
    select, final = stores(work_dir)
    methods = args.methods or list(METHODS)
    runs = []
    if args.stage == 'select':
        for method in methods:
            for name, opts in METHODS[method][2]:
                runs.append(run_spec('select', 'a', method, name, 0, opts))
        done = select.done()
        runs = [r for r in runs if (r['pair'], r['method'], r['setting'],
                                    str(r['seed'])) not in done]
    elif args.stage == 'study':
        for pair in args.pairs or s['study_pairs']:
            study = s.get(f'study_methods_{pair}', s['study_methods'])
            for (method, form), opts in STUDY.items():
                if method in methods and method in study:
                    runs.append(run_spec('select', pair, method, form, 0,
                                         opts))
        done = select.done()
        runs = [r for r in runs if (r['pair'], r['method'], r['setting'],
                                    str(r['seed'])) not in done]
    elif args.stage == 'safety':
        for pair in args.pairs or ['a', 'b']:
            seeds = s['seeds'][pair] if args.quick else SAFETY_SEEDS
            for seed in seeds:
                runs.append(run_spec('select', pair, 'student', 'default',
                                     seed, {}))
                for name, (method, opts) in safety_grid(pair).items():
                    runs.append(run_spec('select', pair, method, name, seed,
                                         opts))
        done = select.done()
        runs = [r for r in runs if (r['pair'], r['method'], r['setting'],
                                    str(r['seed'])) not in done]
    elif args.stage == 'final':
        chosen = chosen_settings(select)
        missing = [m for m in methods if m not in chosen]
        if missing:
            raise SystemExit(
                f'No validation choice yet for {missing}: run --stage select '
                '(it resumes) before --stage final.')
        pairs = args.pairs or list(PAIRS)
        max_seeds = max(len(s['seeds'][p]) for p in pairs)
        for i in range(max_seeds):  # seed-major: partial tables balanced
            for pair in pairs:
                if i >= len(s['seeds'][pair]):
                    continue
                for method in methods:
                    grid = dict(METHODS[method][2])
                    runs.append(run_spec('final', pair, method,
                                         chosen[method], s['seeds'][pair][i],
                                         grid[chosen[method]]))
        done = final.done()
        runs = [r for r in runs
                if (r['pair'], r['method'], str(r['seed'])) not in done]
    return runs, select, final


def get_teacher(s, work_dir):
    cfg = base_cfg(TEACHER, s, s['teacher_iters'], 0,
                   osp.join(work_dir, 'teacher'))
    # The teacher of docs/results ships with them (2.8 MB): a resumed run on
    # another machine distils from the same weights.
    return cached_teacher(cfg, 'fmnist_teacher', splits=('val', 'test'),
                          shipped=osp.join(REPO, 'docs', 'results',
                                           'teachers'))


def execute(run, s, work_dir, teacher_ckpt, select, final):
    cfg = base_cfg(run['config'], s, s['iters'], run['seed'],
                   osp.join(work_dir, run['stage'], run['pair'],
                            f"{run['method']}-{run['setting']}",
                            f"seed{run['seed']}"))
    if 'teacher' in cfg.model:
        cfg.model.teacher_ckpt = teacher_ckpt
    set_options(cfg, run['options'])
    if cfg.model.get('type') == 'DCCDDistill':
        cfg.train_dataloader.batch_size = s['batch'] // cfg.model.num_views
    splits = ('val', ) if run['stage'] == 'select' else ('val', 'test')
    desc = f"{run['pair']} {run['method']} {run['setting']} s{run['seed']}"
    metrics, seconds = train_and_evaluate(cfg, splits, desc=desc)
    row = dict(pair=run['pair'], method=run['method'],
               setting=run['setting'], seed=run['seed'],
               val_top1=f"{metrics['val']:.2f}", seconds=f'{seconds:.1f}')
    if run['stage'] == 'select':
        select.append(row)
    else:
        final.append(dict(row, test_top1=f"{metrics['test']:.2f}"))
    tqdm.write(f"{desc}: val {metrics['val']:.2f}" +
               (f", test {metrics['test']:.2f}" if 'test' in metrics else '')
               + f' ({seconds:.0f} s)')


def write_report(work_dir, final, update_docs):
    rows = final.rows()
    order = ['teacher', *METHODS]
    tables, parts = {}, ['# Fashion-MNIST benchmark', '']
    for pair, p in PAIRS.items():
        pair_rows = sorted((r for r in rows if r['pair'] == pair),
                           key=lambda r: (order.index(r['method']),
                                          int(r['seed'])))
        if not pair_rows:
            continue
        # Balanced tables: a seed counts once every method has run it.
        seeds = {}
        for r in pair_rows:
            if r['method'] != 'teacher':
                seeds.setdefault(r['method'], set()).add(r['seed'])
        complete = set.intersection(*seeds.values()) if seeds else set()
        partial = sorted(set.union(*seeds.values()) - complete, key=int) \
            if seeds else []
        pair_rows = [r for r in pair_rows
                     if r['method'] == 'teacher' or r['seed'] in complete]
        table = report.pair_table(pair_rows, BASELINES, OURS)
        tables[p['title']] = table
        best = report.best_baseline(table, BASELINES)
        parts.append(report.markdown(table, f"{p['title']} (best baseline: "
                                     f'{best})', OURS))
        if partial:
            parts.append(f'Seeds {partial} are not finished for every '
                         'method yet and are left out of this table.\n')
    if not tables:
        return
    parts[2:2] = ['Test top-1 (%), mean +- sample std (seeds):', '',
                  report.headline(tables), '']
    md = osp.join(work_dir, 'summary.md')
    report.write_markdown(md, parts)
    report.plot_pairs(tables, osp.join(work_dir, 'accuracy.png'),
                      'Fashion-MNIST test top-1, mean +- sample std')
    report.plot_cost(tables, osp.join(work_dir, 'accuracy_vs_cost.png'),
                     'Fashion-MNIST: accuracy vs training cost')
    print(open(md).read())
    if update_docs:
        import shutil
        out = osp.join(REPO, 'docs', 'results')
        for src, dst in (('fmnist_benchmark.csv', 'fmnist_benchmark.csv'),
                         ('selection.csv', 'fmnist_selection.csv'),
                         ('summary.md', 'fmnist_benchmark.md'),
                         ('safety.md', 'fmnist_safety.md'),
                         ('accuracy.png', 'fmnist_accuracy.png'),
                         ('accuracy_vs_cost.png', 'fmnist_cost.png')):
            if osp.isfile(osp.join(work_dir, src)):
                shutil.copy(osp.join(work_dir, src), osp.join(out, dst))


def safety_report(work_dir, select, pairs=('a', 'b')):
    """The safe-default table: per L_cc setting and pair, the mean paired
    validation difference vs the student alone; the rule's choice."""
    val = {(r['pair'], r['method'], r['setting'], r['seed']):
           float(r['val_top1']) for r in select.rows()}
    names = list(safety_grid('b'))
    lines = ['| L_cc setting | ' + ' | '.join(
        f'{PAIRS[p]["title"]}: val diff vs student' for p in pairs) +
        ' | worst pair |', '|---' * (len(pairs) + 2) + '|']
    grids = {pair: safety_grid(pair) for pair in pairs}
    worst = {}
    for name in names:
        cells, means = [], []
        for pair in pairs:
            # `last` on a pair whose last map is the matched one is the
            # plain setting.
            key = name if name in grids[pair] else name.replace('_last', '')
            method = grids[pair][key][0]
            diffs = [val[(pair, method, key, sd)] -
                     val[(pair, 'student', 'default', sd)]
                     for sd in map(str, SAFETY_SEEDS)
                     if (pair, method, key, sd) in val and
                     (pair, 'student', 'default', sd) in val]
            if not diffs:
                cells.append('-')
                continue
            mean, std = mean_std(diffs)
            means.append(mean)
            cells.append(f'{mean:+.2f} +- {std:.2f} (n={len(diffs)})')
        if len(means) == len(pairs):
            worst[name] = min(means)
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' | ' +
                     (f'{min(means):+.2f}' if len(means) == len(pairs)
                      else '-') + ' |')
    text = '\n'.join(['# Safe-default study (validation top-1, %)', '',
                      'Paired per-seed difference vs the student alone, '
                      'mean +- sample std over seeds '
                      f'{list(SAFETY_SEEDS)}.', ''] + lines)
    if worst:
        choice = max(worst, key=lambda n: (worst[n], -names.index(n)))
        text += (f'\n\nRule (largest worst-pair mean difference): '
                 f'**{choice}** ({worst[choice]:+.2f}).\n')
    with open(osp.join(work_dir, 'safety.md'), 'w') as f:
        f.write(text)
    print(text)
    return worst


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--stage', default='all',
                        choices=['select', 'study', 'safety', 'final',
                                 'report', 'all'])
    parser.add_argument('--quick', action='store_true',
                        help='every stage and method, tiny data and schedule '
                        '(what the tests run)')
    parser.add_argument('--pairs', nargs='+', choices=list(PAIRS))
    parser.add_argument('--methods', nargs='+', choices=list(METHODS))
    parser.add_argument('--seeds', nargs='+', type=int)
    parser.add_argument('--iters', type=int)
    parser.add_argument('--teacher-iters', type=int)
    parser.add_argument('--jobs', type=int, default=1,
                        help='worker processes (1 thread each)')
    parser.add_argument('--work-dir', default='work_dirs/fmnist_benchmark')
    parser.add_argument('--update-docs', action='store_true',
                        help='copy the tables and plots to docs/results/')
    parser.add_argument('--queue', help=argparse.SUPPRESS)
    return parser.parse_args()


def run_stage(args, s, work_dir):
    runs, select, final = plan(args, s, work_dir)
    print(f'Fashion-MNIST benchmark, stage {args.stage}: {len(runs)} runs to '
          f'do ({s["iters"]} iterations each); results in {work_dir}',
          flush=True)
    if not runs:
        return
    ckpt, info = get_teacher(s, work_dir)
    if not final.has(pair='a', method='teacher', seed=0) and \
            args.stage == 'final':
        for pair in PAIRS:
            final.append(dict(pair=pair, method='teacher', seed=0,
                              val_top1=f"{info['val']:.2f}",
                              test_top1=f"{info['test']:.2f}",
                              seconds=f"{info['seconds']:.1f}"))
    if args.jobs > 1:
        queue = osp.join(work_dir, f'queue_{args.stage}.json')
        with open(queue, 'w') as f:
            json.dump(runs, f)
        env = dict(os.environ, OMP_NUM_THREADS='1')
        base = [sys.executable, osp.abspath(__file__), '--stage', args.stage,
                '--work-dir', work_dir] + (['--quick'] if args.quick else [])
        for key in ('iters', 'teacher_iters'):
            if getattr(args, key):
                base += [f"--{key.replace('_', '-')}", str(getattr(args, key))]
        procs = [subprocess.Popen(base + ['--queue', f'{queue}:{i}:{args.jobs}'],
                                  env=env) for i in range(args.jobs)]
        if any(p.wait() for p in procs):
            raise SystemExit('A benchmark worker failed; see above. Rerun to '
                             'resume: finished runs are kept.')
        return
    for run in tqdm(runs, desc=f'{args.stage} runs', position=0, unit='run'):
        execute(run, s, work_dir, ckpt, select, final)


def main():
    args = parse_args()
    s = settings(args)
    work_dir = osp.abspath(args.work_dir)
    os.makedirs(work_dir, exist_ok=True)
    if args.queue:  # a worker of --jobs N
        path, index, jobs = args.queue.rsplit(':', 2)
        with open(path) as f:
            runs = json.load(f)[int(index)::int(jobs)]
        select, final = stores(work_dir)
        ckpt, _ = get_teacher(s, work_dir)
        for run in tqdm(runs, desc=f'worker {index}', position=0):
            execute(run, s, work_dir, ckpt, select, final)
        return
    if 'OMP_NUM_THREADS' not in os.environ:
        torch.set_num_threads(max(1, os.cpu_count() or 1))
    stages = ['study', 'select', 'safety', 'final'] \
        if args.stage == 'all' else [args.stage]
    for stage in stages:
        if stage != 'report':
            args.stage = stage
            run_stage(args, s, work_dir)
    select, final = stores(work_dir)
    if args.stage in ('safety', 'final', 'report'):
        safety_report(work_dir, select)
    write_report(work_dir, final, args.update_docs)


if __name__ == '__main__':
    main()
