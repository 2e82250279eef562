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
(its grid, :mod:`benchmarks.fmnist_grids`), each trained once on pair (a),
seed 0, and scored on validation; the best one is used for every pair and
seed of the final stage, which alone reads the test set. Every finished run
is appended to a results store at once and skipped on a rerun, so the
benchmark resumes.
"""
import argparse
import json
import os
import os.path as osp
import shutil

import torch
from tqdm import tqdm

import mmrazor_dccd  # noqa: F401
from mmrazor_dccd.utils import load_config
from ..common import report, workers
from ..common.results_store import ResultsStore, WorkDirLock
from ..common.run_spec import RunSpec, apply_run_spec
from ..common.runs import REPO, set_options, train_and_evaluate
from ..common.stats import mean_std
from ..common.teacher import cached_teacher
from .grids import (BASELINES, METHODS, MODELS, OURS, PAIRS, RENAMED,
                    SAFETY_SEEDS, STUDY, TEACHER, safety_grid)

D = 'model.distiller.'
SELECT_FIELDS = ['pair', 'method', 'setting', 'seed', 'val_top1', 'seconds']
# `protocol`: v1 is this module's; benchmarks.fmnist_v2 adds v2 rows.
FINAL_FIELDS = ['protocol', 'pair', 'method', 'seed', 'val_top1',
                'test_top1', 'seconds']
PROTOCOL = 'v1'
NUMERIC = ['seed', 'val_top1', 'test_top1', 'seconds']
NAMES_MARKER = '.method_names_v2'


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
                 study_methods=['dccd_dd_only', 'dccd_cc_dd'])
        s['study_methods_b'] = ['dccd_dd_only']  # the CPU budget
    if args.iters:
        s['iters'] = args.iters
    if args.teacher_iters:
        s['teacher_iters'] = args.teacher_iters
    if args.seeds is not None:
        s['seeds'] = {p: list(args.seeds) for p in PAIRS}
    return s


def run_spec(s, iters, seed) -> RunSpec:
    """The benchmark's budget (no validation during training: the splits
    are scored once, after it)."""
    return RunSpec(iters=iters, batch=s['batch'], seed=seed,
                   num_per_class=s['num_per_class'],
                   val_images=s['val_images'], test_images=s['test_images'])


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


def make_run(stage, pair, method, setting, seed, options):
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
              for r in select.rows() if r['pair'] == 'a' and r['seed'] == '0'}
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
    """The validation runs (selection and studies) and the final runs."""
    return (ResultsStore(osp.join(work_dir, 'selection.csv'), SELECT_FIELDS,
                         ['pair', 'method', 'setting', 'seed'], NUMERIC),
            ResultsStore(osp.join(work_dir, 'fmnist_benchmark.csv'),
                         FINAL_FIELDS, ['protocol', 'pair', 'method', 'seed'],
                         NUMERIC, migrate=dict(protocol=PROTOCOL)))


def migrate_names(work_dir) -> None:
    """Rename the methods of rows written before the renaming.

    A store holding ``dccd_cc_only`` (a name only the old scheme had) is
    migrated once; the marker file records it.
    """
    marker = osp.join(work_dir, NAMES_MARKER)
    if osp.isfile(marker):
        return
    old = [store for store in stores(work_dir)
           if any(r['method'] == 'dccd_cc_only' for r in store.rows())]
    changed = sum(store.rename('method', RENAMED) for store in old)
    if changed:
        print(f'Renamed the methods of {changed} earlier rows in {work_dir} '
              f'({RENAMED}).', flush=True)
    report.write_markdown(marker, [json.dumps(RENAMED), ''])


def _todo(runs, store, key):
    done = store.done()
    return [r for r in runs if tuple(str(r[k]) for k in key) not in done]


def plan(args, s, work_dir):
    """The runs still to do for the requested stage, in order."""
    select, final = stores(work_dir)
    methods = args.methods or list(METHODS)
    select_key = ('pair', 'method', 'setting', 'seed')
    runs = []
    if args.stage == 'select':
        for method in methods:
            for name, opts in METHODS[method][2]:
                runs.append(make_run('select', 'a', method, name, 0, opts))
        runs = _todo(runs, select, select_key)
    elif args.stage == 'study':
        for pair in args.pairs or s['study_pairs']:
            study = s.get(f'study_methods_{pair}', s['study_methods'])
            for (method, form), opts in STUDY.items():
                if method in methods and method in study:
                    runs.append(make_run('select', pair, method, form, 0,
                                         opts))
        runs = _todo(runs, select, select_key)
    elif args.stage == 'safety':
        for pair in args.pairs or ['a', 'b']:
            seeds = s['seeds'][pair] if args.quick else SAFETY_SEEDS
            for seed in seeds:
                runs.append(make_run('select', pair, 'student', 'default',
                                     seed, {}))
                for name, (method, opts) in safety_grid(pair).items():
                    runs.append(make_run('select', pair, method, name, seed,
                                         opts))
        runs = _todo(runs, select, select_key)
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
                    runs.append(make_run('final', pair, method,
                                         chosen[method], s['seeds'][pair][i],
                                         grid[chosen[method]]))
        done = final.done()
        runs = [r for r in runs if (PROTOCOL, r['pair'], r['method'],
                                    str(r['seed'])) not in done]
    return runs, select, final


def get_teacher(s, work_dir):
    cfg = load_config(osp.join(REPO, TEACHER))
    apply_run_spec(cfg, run_spec(s, s['teacher_iters'], 0),
                   osp.join(work_dir, 'teacher'))
    # The teacher of docs/results ships with them (2.8 MB): a resumed run on
    # another machine distils from the same weights.
    return cached_teacher(cfg, 'fmnist_teacher', splits=('val', 'test'),
                          shipped=osp.join(REPO, 'docs', 'results',
                                           'teachers'))


def build_run_cfg(run, s, work_dir, teacher_ckpt):
    """The resolved config of one run."""
    cfg = load_config(osp.join(REPO, run['config']))
    if 'teacher' in cfg.model:
        cfg.model.teacher_ckpt = teacher_ckpt
    set_options(cfg, run['options'])
    return apply_run_spec(
        cfg, run_spec(s, s['iters'], run['seed']),
        osp.join(work_dir, run['stage'], run['pair'],
                 f"{run['method']}-{run['setting']}", f"seed{run['seed']}"))


def execute(run, s, work_dir, teacher_ckpt, select, final):
    cfg = build_run_cfg(run, s, work_dir, teacher_ckpt)
    splits = ('val', ) if run['stage'] == 'select' else ('val', 'test')
    desc = f"{run['pair']} {run['method']} {run['setting']} s{run['seed']}"
    metrics, seconds = train_and_evaluate(cfg, splits, desc=desc)
    row = dict(pair=run['pair'], method=run['method'],
               setting=run['setting'], seed=run['seed'],
               val_top1=f"{metrics['val']:.2f}", seconds=f'{seconds:.1f}')
    if run['stage'] == 'select':
        select.append(row)
    else:
        row.pop('setting')
        final.append(dict(row, protocol=PROTOCOL,
                          test_top1=f"{metrics['test']:.2f}"))
    tqdm.write(f"{desc}: val {metrics['val']:.2f}" +
               (f", test {metrics['test']:.2f}" if 'test' in metrics else '')
               + f' ({seconds:.0f} s)')


def write_report(work_dir, final, update_docs):
    rows = [r for r in final.rows() if r['protocol'] == PROTOCOL]
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
        table = report.pair_table(pair_rows, OURS)
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
        out = osp.join(REPO, 'docs', 'results')
        # The docs' table also holds protocol-v2 rows: replace v1's only.
        docs = ResultsStore(osp.join(out, 'fmnist_benchmark.csv'),
                            FINAL_FIELDS, final.key, NUMERIC,
                            migrate=dict(protocol=PROTOCOL))
        docs.replace_where('protocol', PROTOCOL, final.rows())
        for src, dst in (('selection.csv', 'fmnist_selection.csv'),
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
    report.write_markdown(osp.join(work_dir, 'safety.md'), [text])
    print(text)
    return worst


def parse_args(argv=None):
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
    return parser.parse_args(argv)


def run_stage(args, s, work_dir):
    runs, select, final = plan(args, s, work_dir)
    print(f'Fashion-MNIST benchmark, stage {args.stage}: {len(runs)} runs to '
          f'do ({s["iters"]} iterations each); results in {work_dir}',
          flush=True)
    if not runs:
        return
    ckpt, info = get_teacher(s, work_dir)
    if not final.has(protocol=PROTOCOL, pair='a', method='teacher',
                     seed=0) and args.stage == 'final':
        for pair in PAIRS:
            final.append(dict(protocol=PROTOCOL, pair=pair, method='teacher',
                              seed=0,
                              val_top1=f"{info['val']:.2f}",
                              test_top1=f"{info['test']:.2f}",
                              seconds=f"{info['seconds']:.1f}"))
    if args.jobs > 1:
        argv = ['--stage', args.stage, '--work-dir', work_dir] + \
            (['--quick'] if args.quick else [])
        for key in ('iters', 'teacher_iters'):
            if getattr(args, key):
                argv += [f"--{key.replace('_', '-')}", str(getattr(args, key))]
        workers.start('benchmarks.fmnist_v1.benchmark', argv,
                      osp.join(work_dir, f'queue_{args.stage}.json'), runs,
                      args.jobs)
        return
    for run in tqdm(runs, desc=f'{args.stage} runs', position=0, unit='run'):
        execute(run, s, work_dir, ckpt, select, final)


def run_worker(args, s, work_dir):
    """A worker of ``--jobs N``: its share of the queued runs."""
    index, runs = workers.share(args.queue)
    select, final = stores(work_dir)
    ckpt, _ = get_teacher(s, work_dir)
    for run in tqdm(workers.while_parent_lives(runs), total=len(runs),
                    desc=f'worker {index}', position=0):
        execute(run, s, work_dir, ckpt, select, final)


def main(argv=None):
    args = parse_args(argv)
    s = settings(args)
    work_dir = osp.abspath(args.work_dir)
    os.makedirs(work_dir, exist_ok=True)
    if args.queue:  # the parent holds the work dir's lock
        return run_worker(args, s, work_dir)
    if 'OMP_NUM_THREADS' not in os.environ:
        torch.set_num_threads(max(1, os.cpu_count() or 1))
    with WorkDirLock(work_dir, 'Fashion-MNIST benchmark'):
        migrate_names(work_dir)
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
