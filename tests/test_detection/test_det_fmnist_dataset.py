# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The Fashion-MNIST detection set: exact boxes, the overlap rule, disjoint
sources, determinism, atomic and verified caching, MMDetection reads and
scores it."""
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from fmnist_det_fixture import TINY
from mmdet.datasets import CocoDataset
from mmdet.evaluation import CocoMetric

from mmrazor_dccd.data import prepare_fashion_mnist
from mmrazor_dccd.data.canvas_detection import ItemStream
from mmrazor_dccd.data.fashion_mnist_detection import (
    CLASSES, SPLITS, make_fashion_mnist_detection, source_indices)
from mmrazor_dccd.datasets.fashion_mnist import read_idx


def _load(root, split):
    with open(osp.join(root, 'annotations', f'instances_{split}.json')) as f:
        return json.load(f)


def _by_image(coco):
    out = {img['id']: [] for img in coco['images']}
    for ann in coco['annotations']:
        out[ann['image_id']].append(ann)
    return out


@pytest.mark.parametrize('split', SPLITS)
def test_boxes_tight_on_ink_and_disjoint(fmnist_det, split):
    coco = _load(fmnist_det, split)
    assert [c['name'] for c in coco['categories']] == list(CLASSES)
    anns = _by_image(coco)
    for img in coco['images']:
        canvas = cv2.imread(osp.join(fmnist_det, split, img['file_name']),
                            cv2.IMREAD_UNCHANGED)
        assert canvas.shape == (96, 96) == (img['height'], img['width'])
        owners = np.zeros(canvas.shape, int)
        assert 1 <= len(anns[img['id']]) <= 4
        for ann in anns[img['id']]:
            x, y, w, h = ann['bbox']
            assert 0 <= x and 0 <= y and x + w <= 96 and y + h <= 96
            crop = canvas[y:y + h, x:x + w]
            # Tight: ink on every border row and column of the box.
            assert crop[0].any() and crop[-1].any()
            assert crop[:, 0].any() and crop[:, -1].any()
            assert max(w, h) <= 40  # an item's side is at most 40 px
            assert ann['area'] == w * h and 1 <= ann['category_id'] <= 10
            owners[y:y + h, x:x + w] += 1
        # The rule: pasted items never overlap, so neither do their boxes,
        # and every inked pixel lies in exactly one box.
        assert owners.max() == 1
        assert not (canvas[owners == 0] > 0).any()


def test_splits_draw_on_disjoint_images():
    root = prepare_fashion_mnist()
    labels = read_idx(osp.join(root, 'train-labels-idx1-ubyte'))
    train, val = source_indices('train', labels), source_indices('val', labels)
    assert len(val) == 5000 and len(train) == 55000
    assert not set(train) & set(val)
    # The held-out split is PackagedFashionMNIST's validation split.
    assert np.bincount(labels[val]).tolist() == [500] * 10
    assert len(source_indices('test', np.zeros(10000))) == 10000


def test_item_stream_uses_every_item_before_repeating():
    draw = ItemStream(7, np.random.default_rng(0))
    first, second = [draw() for _ in range(7)], [draw() for _ in range(7)]
    assert sorted(first) == sorted(second) == list(range(7))
    assert first != second


def test_seeded_and_splits_differ(fmnist_det, tmp_path):
    again = make_fashion_mnist_detection(str(tmp_path / 'again'), **TINY)
    for split in SPLITS:
        assert _load(again, split)['annotations'] == _load(
            fmnist_det, split)['annotations']
    with open(osp.join(again, 'manifest.json')) as a, \
            open(osp.join(fmnist_det, 'manifest.json')) as b:
        assert json.load(a)['sha256'] == json.load(b)['sha256']
    boxes = {s: [a['bbox'] for a in _load(fmnist_det, s)['annotations']]
             for s in SPLITS}
    assert boxes['train'][:6] != boxes['val'][:6] != boxes['test'][:6]
    other = make_fashion_mnist_detection(str(tmp_path / 'seed1'),
                                         **dict(TINY, seed=1))
    assert _load(other, 'val')['annotations'] != _load(
        fmnist_det, 'val')['annotations']


def test_written_once_then_verified(tmp_path):
    out = str(tmp_path / 'set')
    make_fashion_mnist_detection(out, **TINY)
    ann = osp.join(out, 'annotations', 'instances_val.json')
    stamp = os.stat(ann).st_mtime_ns
    assert make_fashion_mnist_detection(out, **TINY) == out
    assert os.stat(ann).st_mtime_ns == stamp  # reused, not rewritten
    assert not [n for n in os.listdir(tmp_path) if n != 'set']  # no temp
    with pytest.raises(RuntimeError, match='other arguments.*Fix: delete'):
        make_fashion_mnist_detection(out, **dict(TINY, seed=3))
    with open(osp.join(out, 'val', '000000.png'), 'ab') as f:
        f.write(b'x')
    with pytest.raises(RuntimeError, match='SHA-256.*changed or corrupt'):
        make_fashion_mnist_detection(out, **TINY)
    os.remove(osp.join(out, 'val', '000001.png'))
    with pytest.raises(RuntimeError, match='lacks 1 file'):
        make_fashion_mnist_detection(out, **TINY)


def test_bad_arguments_name_the_fix(tmp_path):
    with pytest.raises(ValueError, match='lower object_size'):
        make_fashion_mnist_detection(str(tmp_path / 'a'), canvas_size=32,
                                     object_size=(24, 40))
    with pytest.raises(ValueError, match='Unknown split'):
        make_fashion_mnist_detection(str(tmp_path / 'b'),
                                     num_images=dict(extra=1))
    assert not os.listdir(tmp_path)


def test_mmdet_reads_it_and_cocometric_scores_truth_as_perfect(fmnist_det):
    ds = CocoDataset(data_root=fmnist_det,
                     ann_file='annotations/instances_val.json',
                     data_prefix=dict(img='val/'),
                     metainfo=dict(classes=CLASSES), test_mode=True,
                     pipeline=[])
    coco = _load(fmnist_det, 'val')
    assert len(ds) == 6
    assert sum(len(d['instances']) for d in ds) == len(coco['annotations'])
    metric = CocoMetric(ann_file=osp.join(fmnist_det, 'annotations',
                                          'instances_val.json'))
    metric.dataset_meta = dict(classes=CLASSES)
    for img_id, anns in _by_image(coco).items():
        boxes = torch.tensor([[x, y, x + w, y + h]
                              for x, y, w, h in (a['bbox'] for a in anns)],
                             dtype=torch.float32)
        pred = dict(bboxes=boxes, scores=torch.ones(len(anns)),
                    labels=torch.tensor([a['category_id'] - 1
                                         for a in anns]))
        metric.process({}, [dict(img_id=img_id, ori_shape=(96, 96),
                                 pred_instances=pred)])
    result = metric.evaluate(size=len(ds))
    assert result['coco/bbox_mAP'] == pytest.approx(1.0)
