# Copyright (c) mmrazor-dccd contributors. All rights reserved.
import json
import os.path as osp

import cv2
import numpy as np
import pytest
from mmdet.datasets import CocoDataset

from mmrazor_dccd.data.mnist_detection import (CLASSES, compose_canvas,
                                               make_mnist_detection)


def _load(root, split):
    with open(osp.join(root, 'annotations', f'instances_{split}.json')) as f:
        return json.load(f)


def test_boxes_are_exact_ink_extents(mnist_det):
    coco = _load(mnist_det, 'train')
    assert [c['name'] for c in coco['categories']] == list(CLASSES)
    for img in coco['images']:
        canvas = cv2.imread(osp.join(mnist_det, 'train', img['file_name']),
                            cv2.IMREAD_UNCHANGED)
        assert canvas.shape == (img['height'], img['width'])
        covered = np.zeros(canvas.shape, bool)
        anns = [a for a in coco['annotations'] if a['image_id'] == img['id']]
        assert anns
        for ann in anns:
            x, y, w, h = ann['bbox']
            crop = canvas[y:y + h, x:x + w]
            # Tight: ink on every border row and column of the box.
            assert crop[0].any() and crop[-1].any()
            assert crop[:, 0].any() and crop[:, -1].any()
            assert ann['area'] == w * h and 1 <= ann['category_id'] <= 10
            covered[y:y + h, x:x + w] = True
        # Complete: every inked pixel lies in some box.
        assert not (canvas[~covered] > 0).any()


def test_seeded_and_splits_differ(mnist_det, tmp_path):
    make_mnist_detection(str(tmp_path), 'train', num_images=8, seed=0)
    assert _load(str(tmp_path),
                 'train')['annotations'] == _load(mnist_det,
                                                  'train')['annotations']
    assert _load(mnist_det,
                 'val')['annotations'] != _load(mnist_det,
                                                'train')['annotations']


def test_mmdet_coco_dataset_reads_it(mnist_det):
    ds = CocoDataset(data_root=mnist_det,
                     ann_file='annotations/instances_val.json',
                     data_prefix=dict(img='val/'),
                     metainfo=dict(classes=CLASSES),
                     test_mode=True,
                     pipeline=[])
    coco = _load(mnist_det, 'val')
    assert len(ds) == 8
    assert sum(len(d['instances']) for d in ds) == len(coco['annotations'])


def test_bad_arguments_name_the_fix(tmp_path):
    rng = np.random.default_rng(0)
    digits = np.full((1, 28, 28), 255, np.uint8)
    with pytest.raises(ValueError, match='lower digit_size'):
        compose_canvas(digits,
                       np.zeros(1),
                       rng,
                       canvas_size=32,
                       digit_size=(20, 48))
    with pytest.raises(ValueError, match='Unknown split'):
        make_mnist_detection(str(tmp_path), 'test', num_images=1)
