# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The detection benchmark on Fashion-MNIST canvases, on one CPU core
(docs/detection.md):

    python tools/benchmark/detection_benchmark.py --stage data     # the set
    python tools/benchmark/detection_benchmark.py --stage transfer # backbones
    python tools/benchmark/detection_benchmark.py --stage tune     # val, grids
    python tools/benchmark/detection_benchmark.py --stage distill  # test
    python tools/benchmark/detection_benchmark.py --stage report
    python tools/benchmark/detection_benchmark.py --quick          # all, tiny

``transfer``: one detector and schedule, its backbone from random init, the
classification benchmark's student alone, KD, DCCD and best baseline, and
the teacher. ``tune``: each detector-to-detector method's loss weight on
the validation split, equal grids, an edge winner extends its grid.
``distill``: teacher detector -> student detector with every method at its
chosen weight. Every finished run is appended at once to its results store
in ``docs/results/`` (``--quick``: the work dir), so a rerun skips it.
"""
import argparse
import hashlib
import io
import json
import os
import os.path as osp
import shutil
import time
from typing import Dict, List, Optional, Tuple

import torch
from mmengine.config import Config
from mmengine.runner import Runner, TestLoop
from tqdm import tqdm

import mmrazor_dccd  # noqa: F401
from mmrazor_dccd.compat import load_config
from mmrazor_dccd.data.fashion_mnist_detection import \
    make_fashion_mnist_detection
from mmrazor_dccd.engine.checkpoint import load_state_dict_file
from mmrazor_dccd.engine.fileio import atomic_write
from ..common.results_store import ResultsStore, WorkDirLock
from ..common.runs import REPO, CurveHook, ProgressHook, set_options
from . import grids as G
from . import sources
from .grids import DET_DISTILL, TRANSFER
from .quick import quick_classifiers
from .report import write_report
from .tune import chosen_weights, setting_name, tune_axis

FIELDS = ['experiment', 'init_or_method', 'seed', 'val_ap', 'test_ap',
          'test_ap50', 'test_ap75', 'seconds']
TUNE_FIELDS = ['experiment', 'method', 'setting', 'seed', 'val_ap',
               'val_ap50', 'val_ap75', 'seconds']
CURVE_FIELDS = ['experiment', 'init_or_method', 'seed', 'iter', 'val_ap']
NUMERIC = ['seed', 'iter', 'val_ap', 'val_ap50', 'val_ap75', 'test_ap',
           'test_ap50', 'test_ap75', 'seconds']
METRICS = dict(ap='coco/bbox_mAP', ap50='coco/bbox_mAP_50',
               ap75='coco/bbox_mAP_75')


def settings(args) -> dict:
    work_dir = osp.abspath(args.work_dir)
    if args.quick:
        s = dict(data=dict(G.DATA, num_images=dict(train=16, val=8, test=8)),
                 schedule=dict(iters=2, batch=4, val_every=1),
                 seeds=(5, ), tune_seeds=(10, ), values=1, max_extensions=1,
                 results=work_dir, cls_work_dir=osp.join(work_dir, 'cls'),
                 cls_results=osp.join(work_dir, 'cls', 'fmnist_benchmark.csv'),
                 cls_iters=2, data_root=osp.join(work_dir, 'data'))
    else:
        s = dict(data=G.DATA, schedule=G.SCHEDULE, seeds=G.SEEDS,
                 tune_seeds=G.TUNE_SEEDS, values=None,
                 max_extensions=G.MAX_EXTENSIONS,
                 results=osp.join(REPO, 'docs', 'results'),
                 cls_work_dir=osp.abspath(args.cls_work_dir),
                 cls_results=osp.join(REPO, 'docs', 'results',
                                      'fmnist_benchmark.csv'),
                 cls_iters=G.CLS_ITERS, data_root=None)
    if args.results:
        s['results'] = osp.abspath(args.results)
    s['quick'], s['work_dir'] = args.quick, work_dir
    return s


def stores(s) -> Dict[str, ResultsStore]:
    r = s['results']
    key = ['experiment', 'init_or_method', 'seed']
    return dict(
        transfer=ResultsStore(osp.join(r, 'detection_transfer.csv'), FIELDS,
                              key, NUMERIC),
        distill=ResultsStore(osp.join(r, 'detection_distill.csv'), FIELDS,
                             key, NUMERIC),
        tune=ResultsStore(osp.join(r, 'detection_distill_tune.csv'),
                          TUNE_FIELDS, ['experiment', 'method', 'setting',
                                        'seed'], NUMERIC),
        curves=ResultsStore(osp.join(r, 'detection_curves.csv'),
                            CURVE_FIELDS, key + ['iter'], NUMERIC))


# -- one run -------------------------------------------------------------
def scores(metrics: Optional[dict]) -> Dict[str, float]:
    """AP, AP50, AP75 of CocoMetric's output. CocoMetric returns no keys
    when no box passes the score threshold: no detections score 0."""
    metrics = metrics or {}
    return {k: float(metrics.get(v, 0.0)) for k, v in METRICS.items()}


def run_config(run: dict, s: dict, data_root: str) -> Config:
    """The resolved config of one run: the set, the schedule, the seed,
    the backbone's weights, the run's options and work dir."""
    cfg = load_config(osp.join(REPO, run['config']))
    for split in ('train', 'val', 'test'):
        cfg[f'{split}_dataloader'].dataset.data_root = data_root
    for split in ('val', 'test'):
        cfg[f'{split}_evaluator'].ann_file = osp.join(
            data_root, 'annotations', f'instances_{split}.json')
    sched = s['schedule']
    iters = sched['iters']
    every = sched['val_every'] if run['curve'] else iters
    cfg.merge_from_dict({
        'train_dataloader.batch_size': sched['batch'],
        'train_cfg.max_iters': iters, 'train_cfg.val_interval': every,
        'param_scheduler.1.T_max': iters, 'param_scheduler.1.end': iters,
        'default_hooks.checkpoint.interval': iters,
        'default_hooks.logger.interval': max(iters // 10, 1),
        'randomness.seed': run['seed'], 'log_level': 'WARNING'})
    # Validation scores the student only (a distillation config's loop
    # also scores the teacher every time).
    cfg.val_cfg = dict(type='ValLoop')
    detector = cfg.model.architecture if 'architecture' in cfg.model \
        else cfg.model
    detector.backbone.init_cfg = None if run['backbone'] is None else dict(
        type='Pretrained', checkpoint=run['backbone'])
    if 'teacher' in cfg.model:
        cfg.model.teacher_ckpt = run['teacher_ckpt']
    set_options(cfg, run.get('options', {}))
    cfg.work_dir = osp.join(s['work_dir'], 'runs', run['experiment'],
                            run['name'], f"seed{run['seed']}")
    cfg.experiment_name = f"{run['name']}_{time.time_ns()}"
    return cfg


def train_and_score(cfg, test: bool,
                    desc: str) -> Tuple[dict, Optional[dict], float, list]:
    """Train from scratch in ``cfg.work_dir``; returns (val scores of the
    last validation, test scores or None, training seconds, curve)."""
    if osp.isdir(cfg.work_dir):
        shutil.rmtree(cfg.work_dir)  # a killed run starts again
    runner = Runner.from_cfg(cfg)
    hook = CurveHook()
    runner.register_hook(hook)
    runner.register_hook(ProgressHook(desc))
    runner.train()
    curve = [(it, scores(metrics)) for it, metrics in hook.curve]
    val = curve[-1][1]
    tested = None
    if test:
        loop = TestLoop(runner, cfg.test_dataloader, cfg.test_evaluator)
        tested = scores(loop.run())
    return val, tested, hook.seconds, curve


def execute(run: dict, s: dict, st: dict, data_root: str,
            record: bool = True) -> Config:
    """Train and score one run; append its row (unless ``record`` is
    False: a stored run retrained for its weights)."""
    cfg = run_config(run, s, data_root)
    tuning = run['stage'] == 'tune'
    desc = f"{run['experiment']} {run['name']} s{run['seed']}"
    val, test, seconds, curve = train_and_score(cfg, not tuning, desc)
    if not record:
        pass
    elif tuning:
        st['tune'].append(dict(
            experiment=run['experiment'], method=run['method'],
            setting=run['setting'], seed=run['seed'],
            val_ap=f"{val['ap']:.3f}", val_ap50=f"{val['ap50']:.3f}",
            val_ap75=f"{val['ap75']:.3f}", seconds=f'{seconds:.1f}'))
    else:
        if run['curve']:
            stored = st['curves'].done()  # a killed run's curve, redone
            for it, sc in curve:
                if (run['experiment'], run['init_or_method'], str(run['seed']),
                        str(it)) in stored:
                    continue
                st['curves'].append(dict(
                    experiment=run['experiment'],
                    init_or_method=run['init_or_method'], seed=run['seed'],
                    iter=it, val_ap=f"{sc['ap']:.3f}"))
        st[run['stage']].append(dict(
            experiment=run['experiment'],
            init_or_method=run['init_or_method'], seed=run['seed'],
            val_ap=f"{val['ap']:.3f}", test_ap=f"{test['ap']:.3f}",
            test_ap50=f"{test['ap50']:.3f}", test_ap75=f"{test['ap75']:.3f}",
            seconds=f'{seconds:.1f}'))
    tqdm.write(f"{desc}: val AP {val['ap']:.3f}" +
               ('' if test is None else f", test AP {test['ap']:.3f}") +
               f' ({seconds:.0f} s)')
    return cfg


# -- the set and the backbones -------------------------------------------
def get_data(s) -> str:
    return make_fashion_mnist_detection(s['data_root'], **s['data'])


def transfer_backbones(s) -> Tuple[Dict[Tuple[str, int], str], List[str]]:
    """``{(init, seed): backbone file or None}`` of every initialisation
    whose classifier exists, and what is missing."""
    out, missing = {}, []
    folder = osp.join(s['work_dir'], 'backbones')
    teacher = sources.teacher_classifier()
    best, why = sources.best_baseline(s['cls_results'], G.TRANSFER_PAIR)
    if best is None:
        missing.append(f'best_baseline: {why}')
    for init in G.INITS:
        for seed in s['seeds']:
            if init == 'random':
                out[(init, seed)] = None
                continue
            if init == 'teacher':
                out[(init, seed)] = sources.extract_backbone(
                    teacher, osp.join(folder, osp.basename(teacher)),
                    'backbone.', G.TEACHER_DET)
                continue
            method = best if init == 'best_baseline' else init
            if method is None:
                continue
            ckpt, why = sources.classifier_run(
                s['cls_work_dir'], G.CLS_STAGE, G.TRANSFER_PAIR, method,
                seed, s['cls_iters'])
            if ckpt is None:
                missing.append(f'{init}: {why}')
                continue
            out[(init, seed)] = sources.extract_backbone(
                ckpt, osp.join(folder, f'{G.TRANSFER_PAIR}_{method}_seed'
                               f'{seed}.pth'),
                sources.classifier_prefix(method), G.STUDENT_DET)
    return out, missing


def transfer_runs(s, st) -> Tuple[List[dict], List[str]]:
    backbones, missing = transfer_backbones(s)
    best, _ = sources.best_baseline(s['cls_results'], G.TRANSFER_PAIR)
    runs = []
    for seed in s['seeds']:
        for init in G.INITS:
            if (init, seed) not in backbones:
                continue
            name = best if init == 'best_baseline' else init
            if init == 'best_baseline' and name in G.INITS:
                continue  # KD is already a row
            runs.append(dict(
                stage='transfer', experiment=TRANSFER, init_or_method=name,
                name=name, seed=seed, backbone=backbones[(init, seed)],
                config=G.TEACHER_DET if init == 'teacher' else G.STUDENT_DET,
                teacher_ckpt=None, curve=True))
    done = st['transfer'].done()
    return [r for r in runs if (TRANSFER, r['name'], str(r['seed']))
            not in done], missing


# -- detector-to-detector --------------------------------------------------
def teacher_detector(s, st, data_root) -> str:
    """The teacher detector's weights: the transfer table's teacher run of
    the first seed, kept (named by its key) in the work dir and, for the
    full benchmark, in docs/results/teachers, so a resumed benchmark on
    another machine distils from the same detector."""
    backbone = sources.teacher_classifier()
    key = hashlib.sha1(json.dumps(
        [s['data'], s['schedule'], G.TEACHER_DET, osp.basename(backbone),
         s['seeds'][0]], sort_keys=True).encode()).hexdigest()[:12]
    name = f'fmnist_det_teacher_{key}.pth'
    cached = osp.join(s['work_dir'], 'teachers', name)
    shipped = None if s['quick'] else osp.join(sources.TEACHERS, name)
    for path in (cached, shipped):
        if path and osp.isfile(path):
            if path != cached:
                with open(path, 'rb') as f:
                    atomic_write(f.read(), cached)
            return cached
    run = dict(stage='transfer', experiment=TRANSFER,
               init_or_method='teacher', name='teacher', seed=s['seeds'][0],
               config=G.TEACHER_DET, teacher_ckpt=None, curve=True,
               backbone=sources.extract_backbone(
                   backbone, osp.join(s['work_dir'], 'backbones',
                                      osp.basename(backbone)),
                   'backbone.', G.TEACHER_DET))
    ckpt = osp.join(run_config(run, s, data_root).work_dir,
                    f"iter_{s['schedule']['iters']}.pth")
    stored = st['transfer'].has(experiment=TRANSFER, init_or_method='teacher',
                                seed=s['seeds'][0])
    if not (stored and osp.isfile(ckpt)):
        execute(run, s, st, data_root, record=not stored)
    blob = io.BytesIO()
    torch.save({'state_dict': load_state_dict_file(ckpt)}, blob)
    for path in filter(None, (cached, shipped)):
        atomic_write(blob.getvalue(), path)
    return cached


def distill_run(stage, method, value, seed, teacher_ckpt) -> dict:
    config, keys, _, _ = G.DISTILL[method]
    options = {k: value for k in keys or ()}
    name = method if stage == 'distill' else \
        f'{method}-{setting_name(value)}'
    return dict(stage=stage, experiment=DET_DISTILL, init_or_method=method,
                method=method, setting=setting_name(value) if keys else '',
                name=name, seed=seed, config=config, options=options,
                backbone=None, teacher_ckpt=teacher_ckpt,
                curve=stage == 'distill')


def tune_runs(s, st, teacher_ckpt) -> List[dict]:
    rows = st['tune'].rows()
    done = st['tune'].done()
    runs = []
    for method, (_, keys, _, _) in G.DISTILL.items():
        if not keys:
            continue
        axis, _ = tune_axis(method, rows, s)
        for value in axis:
            for seed in s['tune_seeds']:
                run = distill_run('tune', method, value, seed, teacher_ckpt)
                key = (DET_DISTILL, method, run['setting'], str(seed))
                if key not in done:
                    runs.append(run)
    return runs


def reuse_alone(s, st) -> None:
    """The distillation table's ``none`` row is the student detector
    alone from random init: by construction the transfer table's
    ``random`` run of the same seed (same config, schedule and seed), so
    its stored rows are copied rather than trained again."""
    transfer = {int(r['seed']): r for r in st['transfer'].rows()
                if r['experiment'] == TRANSFER and
                r['init_or_method'] == 'random'}
    curves, copied = st['curves'].rows(), st['curves'].done()
    for seed in s['seeds']:
        if seed not in transfer or st['distill'].has(
                experiment=DET_DISTILL, init_or_method='none', seed=seed):
            continue
        for r in curves:
            key = (DET_DISTILL, 'none', r['seed'], r['iter'])
            if r['experiment'] == TRANSFER and r['init_or_method'] == \
                    'random' and int(r['seed']) == seed and \
                    key not in copied:
                st['curves'].append(dict(r, experiment=DET_DISTILL,
                                         init_or_method='none'))
        st['distill'].append(dict(transfer[seed], experiment=DET_DISTILL,
                                  init_or_method='none'))


def distill_runs(s, st, teacher_ckpt) -> List[dict]:
    reuse_alone(s, st)
    chosen = chosen_weights(s, st)
    missing = [m for m, v in G.DISTILL.items() if v[1] and m not in chosen]
    if missing:
        raise SystemExit(f'Tuning is not finished for {missing}: run '
                         '--stage tune (it resumes) first.')
    done = st['distill'].done()
    runs = [distill_run('distill', method, chosen.get(method), seed,
                        teacher_ckpt)
            for seed in s['seeds'] for method in G.DISTILL]
    return [r for r in runs if (DET_DISTILL, r['method'], str(r['seed']))
            not in done]


# -- stages ---------------------------------------------------------------
def run_stage(stage: str, s: dict, st: dict) -> None:
    data_root = get_data(s)
    if stage == 'data':
        print(f'Fashion-MNIST detection set: {data_root}')
        return
    if stage == 'transfer':
        if s['quick']:
            quick_classifiers(s)
        runs, missing = transfer_runs(s, st)
        for why in missing:
            print(f'Skipped (no backbone): {why}', flush=True)
    else:
        teacher_ckpt = teacher_detector(s, st, data_root)
        runs = (tune_runs if stage == 'tune' else distill_runs)(
            s, st, teacher_ckpt)
    while runs:
        print(f'Detection benchmark, stage {stage}: {len(runs)} runs to do;'
              f" results in {s['results']}", flush=True)
        for run in tqdm(runs, desc=stage, position=0, unit='run'):
            execute(run, s, st, data_root)
        # Tuning grows its grids from its own results.
        runs = tune_runs(s, st, teacher_ckpt) if stage == 'tune' else []


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--stage', default='all', choices=[
        'data', 'transfer', 'tune', 'distill', 'report', 'all'])
    parser.add_argument('--quick', action='store_true',
                        help='every stage, tiny set and schedule (what the '
                        'test runs); results in the work dir')
    parser.add_argument('--work-dir', default='work_dirs/detection')
    parser.add_argument('--cls-work-dir', default='work_dirs/fmnist_v2',
                        help='work dir of the Fashion-MNIST benchmark whose '
                        'run folders hold the backbones')
    parser.add_argument('--results', help='folder of the results stores '
                        '(default: docs/results; --quick: the work dir)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    s = settings(args)
    os.makedirs(s['work_dir'], exist_ok=True)
    if 'OMP_NUM_THREADS' not in os.environ:
        torch.set_num_threads(1)  # the budget is one core per run
    with WorkDirLock(s['work_dir'], 'detection benchmark'):
        stages = ['data', 'transfer', 'tune', 'distill'] \
            if args.stage == 'all' else [args.stage]
        for stage in stages:
            if stage != 'report':
                run_stage(stage, s, stores(s))
        write_report(s, stores(s))


if __name__ == '__main__':
    main()
