# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The detection benchmark: its tuning rule and backbone sources (fast),
and ``--quick`` end to end (every stage on a tiny set: real classifiers,
extraction by the converter tool, RetinaNets, MMRazor's distillers,
CocoMetric), resumed by a second call that runs nothing."""
import csv
import json
import os.path as osp

import pytest
import torch
from dccd_test_utils import run_tool
from mmdet.evaluation import CocoMetric

from benchmarks.detection import benchmark as detection
from benchmarks.detection import grids as G
from benchmarks.detection.sources import best_baseline, classifier_run
from benchmarks.detection.tune import tune_axis
from mmrazor_dccd.data.fashion_mnist_detection import (
    CLASSES, make_fashion_mnist_detection)

QUICK = dict(values=None, max_extensions=2, tune_seeds=(10, 11))


@pytest.fixture(scope='module')
def fmnist_det(tmp_path_factory):
    """A tiny Fashion-MNIST detection set (6 validation canvases)."""
    return make_fashion_mnist_detection(
        str(tmp_path_factory.mktemp('fmnist_det') / 'set'),
        num_images=dict(train=12, val=6, test=6), canvas_size=96,
        num_objects=(1, 4), object_size=(24, 40), seed=0)


def _rows(method, scores):
    return [dict(method=method, setting=f'w{w:g}', seed=seed, val_ap=ap)
            for w, by_seed in scores.items() for seed, ap in by_seed.items()]


@pytest.mark.fast
def test_tune_axis_interior_winner_stops():
    rows = _rows('dccd', {0.25: {10: .5, 11: .5}, 1: {10: .6, 11: .6},
                          4: {10: .4, 11: .4}})
    assert tune_axis('dccd', rows, QUICK) == ([0.25, 1, 4], 1)


@pytest.mark.fast
def test_tune_axis_edge_winner_extends_until_interior_or_limit():
    scores = {0.25: {10: .5, 11: .5}, 1: {10: .4, 11: .4},
              4: {10: .3, 11: .3}}
    axis, best = tune_axis('dccd', _rows('dccd', scores), QUICK)
    assert (axis, best) == ([0.0625, 0.25, 1, 4], None)  # asks for a run
    scores[0.0625] = {10: .6, 11: .6}  # the new edge wins again
    axis, best = tune_axis('dccd', _rows('dccd', scores), QUICK)
    assert (axis, best) == ([0.015625, 0.0625, 0.25, 1, 4], None)
    scores[0.015625] = {10: .7, 11: .7}  # limit reached: the edge stands
    assert tune_axis('dccd', _rows('dccd', scores), QUICK) == (
        [0.015625, 0.0625, 0.25, 1, 4], 0.015625)
    # A missing tuning seed leaves the winner open.
    del scores[1][11]
    assert tune_axis('dccd', _rows('dccd', scores), QUICK)[1] \
        is None


@pytest.mark.fast
def test_sources_name_what_is_missing(tmp_path):
    ckpt, why = classifier_run(str(tmp_path), 'v2/final', 'a', 'dccd', 5,
                               400)
    assert ckpt is None and 'dccd-*' in why and 'iter_400.pth' in why
    run = tmp_path / 'v2/final/a/dccd-beta3_tau0.1/seed5'
    run.mkdir(parents=True)
    (run / 'iter_400.pth').write_bytes(b'')
    assert classifier_run(str(tmp_path), 'v2/final', 'a', 'dccd', 5,
                          400)[0] == str(run / 'iter_400.pth')
    table = tmp_path / 'fmnist_benchmark.csv'
    assert best_baseline(str(table), 'a')[0] is None
    with open(table, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['protocol', 'pair', 'method', 'seed', 'val_top1',
                    'test_top1', 'seconds'])
        w.writerows([['v2', 'a', 'kd', 5, 80, 79, 1],
                     ['v2', 'a', 'cwd', 5, 81, 78, 1],
                     ['v2', 'a', 'dccd', 5, 90, 90, 1],  # not a baseline
                     ['v1', 'a', 'dist', 5, 95, 95, 1],  # another protocol
                     ['v2', 'b', 'dist', 5, 95, 95, 1]])  # another pair
    assert best_baseline(str(table), 'a') == ('cwd', '')


def _csv(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


@pytest.mark.timeout(600)
def test_quick_mode_end_to_end(tmp_path):
    work = str(tmp_path / 'det')
    args = ('tools/benchmark/detection_benchmark.py', '--quick',
            '--work-dir', work)
    env = dict(OMP_NUM_THREADS='1')
    run_tool(*args, env_extra=env)
    transfer = _csv(osp.join(work, 'detection_transfer.csv'))
    assert list(transfer[0]) == detection.FIELDS
    # cwd: the better of the quick run's two classification baselines
    # (kd and cwd) unless kd wins, then kd's row stands for both.
    names = {r['init_or_method'] for r in transfer}
    assert {'random', 'student', 'kd', 'dccd', 'teacher'} <= names
    assert names <= {'random', 'student', 'kd', 'dccd', 'cwd', 'teacher'}
    distill = _csv(osp.join(work, 'detection_distill.csv'))
    assert {r['init_or_method'] for r in distill} == set(
        G.DISTILL)
    tune = _csv(osp.join(work, 'detection_distill_tune.csv'))
    for method in ('dccd', 'cwd', 'pkd', 'mgd'):
        assert len({r['setting'] for r in tune if r['method'] == method}) >= 2
    curves = _csv(osp.join(work, 'detection_curves.csv'))
    assert {r['iter'] for r in curves} == {'1', '2'}
    for name in ('detection_benchmark.md', 'detection_ap.png',
                 'detection_curves.png'):
        assert osp.isfile(osp.join(work, name))
    # The extracted backbones came through the converter tool, checked.
    assert osp.isfile(osp.join(work, 'backbones', 'a_dccd_seed5.pth'))
    # A rerun resumes: nothing is trained again, no row is added.
    log = run_tool(*args, env_extra=env).stdout
    assert 'runs to do' not in log
    assert len(_csv(osp.join(work, 'detection_transfer.csv'))) == len(
        transfer)
    assert len(_csv(osp.join(work, 'detection_distill.csv'))) == len(
        distill)


def test_scores_read_what_cocometric_writes(fmnist_det):
    """The benchmark's AP columns come from CocoMetric's own keys: the
    ground truth as predictions scores 1, no detections score 0."""
    ann = osp.join(fmnist_det, 'annotations', 'instances_val.json')
    with open(ann) as f:
        coco = json.load(f)
    metric = CocoMetric(ann_file=ann)
    metric.dataset_meta = dict(classes=CLASSES)
    for img in coco['images']:
        anns = [a for a in coco['annotations'] if a['image_id'] == img['id']]
        pred = dict(
            bboxes=torch.tensor([[x, y, x + w, y + h] for x, y, w, h in
                                 (a['bbox'] for a in anns)]).float(),
            scores=torch.ones(len(anns)),
            labels=torch.tensor([a['category_id'] - 1 for a in anns]))
        metric.process({}, [dict(img_id=img['id'], ori_shape=(96, 96),
                                 pred_instances=pred)])
    perfect = detection.scores(metric.evaluate(size=len(coco['images'])))
    assert perfect == dict(ap=1.0, ap50=1.0, ap75=1.0)
    assert detection.scores({}) == dict(ap=0.0, ap50=0.0, ap75=0.0)
