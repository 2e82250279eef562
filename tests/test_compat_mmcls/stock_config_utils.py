# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Load, build and run MMRazor's stock configs offline, on real MNIST."""
import copy
import glob
import os.path as osp
from typing import List

import cv2
import numpy as np
from mmengine.dataset import pseudo_collate
from mmengine.logging import MessageHub
from mmengine.registry import TRANSFORMS, DefaultScope

import mmrazor
from mmrazor.registry import MODELS
from mmrazor_dccd.compat import load_config
from mmrazor_dccd.data.mnist_detection import compose_canvas, load_mnist_digits

STOCK_ROOT = osp.join(osp.dirname(mmrazor.__file__), '.mim', 'configs')
# Keys that point at weights to download: removed (offline).
WEIGHT_KEYS = ('init_cfg', 'teacher_ckpt', 'ckpt_path')


# Stock files that are bases of other configs, not models to build.
NOT_MODELS = {
    'distill/mmcls/crd/datasets/crd_cifar10_bs16.py': 'a dataset base',
    'pruning/mmdet/dcff/dcff_faster_rcnn_resnet50_fpn.py':
    'an architecture base',
}


def stock_files() -> List[str]:
    """Every stock distill / pruning config file for mmcls and mmdet,
    relative to MMRazor's installed ``.mim/configs``."""
    found = []
    for task in ('distill', 'pruning'):
        for codebase in ('mmcls', 'mmdet'):
            pattern = osp.join(STOCK_ROOT, task, codebase, '**', '*.py')
            found += [osp.relpath(p, STOCK_ROOT)
                      for p in glob.glob(pattern, recursive=True)]
    return sorted(found)


def stock_configs() -> List[str]:
    """The stock configs that define a model."""
    return [rel for rel in stock_files() if rel not in NOT_MODELS]


def offline(cfg):
    """A copy of a model config with every pretrained download switched
    off: ``pretrained=True`` -> False, ``init_cfg`` / ``teacher_ckpt`` /
    ``ckpt_path`` removed."""
    cfg = copy.deepcopy(cfg)

    def visit(node):
        if isinstance(node, dict):
            for key in [k for k in node if k in WEIGHT_KEYS]:
                del node[key]
            for key, value in node.items():
                if key == 'pretrained' and value is True:
                    node[key] = False
                else:
                    visit(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                visit(value)

    visit(cfg)
    return cfg


def _find(cfg, key):
    """First value of ``key`` anywhere in a nested config, or None."""
    if isinstance(cfg, dict):
        if key in cfg:
            return cfg[key]
        cfg = list(cfg.values())
    if isinstance(cfg, (list, tuple)):
        for value in cfg:
            found = _find(value, key)
            if found is not None:
                return found
    return None


def _pack_transform(cfg):
    """The config's own packing transform (last of its train pipeline)."""
    dataset = cfg.train_dataloader.dataset
    while 'pipeline' not in dataset:
        dataset = dataset.dataset
    return TRANSFORMS.build(copy.deepcopy(dataset.pipeline[-1]))


def _classification_results(num: int, size: int, neg_num) -> List[dict]:
    digits, labels = load_mnist_digits('val')
    results = []
    for i in range(num):
        img = cv2.resize(digits[i], (size, size))
        results.append(
            dict(img=np.repeat(img[..., None], 3, axis=2),
                 gt_label=int(labels[i]), sample_idx=i, img_shape=img.shape,
                 ori_shape=img.shape,
                 contrast_sample_idxs=np.arange(
                     i, i + (neg_num or 0) + 1)))  # CRD's negatives
    return results


def _detection_results(num: int, size: int) -> List[dict]:
    from mmdet.structures.bbox import HorizontalBoxes
    digits, labels = load_mnist_digits('val')
    rng = np.random.default_rng(0)
    results = []
    for i in range(num):
        canvas, objects = compose_canvas(digits[:100], labels[:100], rng,
                                         canvas_size=size)
        boxes = np.array([[x, y, x + w, y + h] for x, y, w, h in
                          (o['bbox'] for o in objects)], np.float32)
        results.append(
            dict(img=np.repeat(canvas[..., None], 3, axis=2), img_id=i,
                 img_path=f'canvas_{i}.png', ori_shape=canvas.shape,
                 img_shape=canvas.shape, scale_factor=(1., 1.), flip=False,
                 flip_direction=None, gt_bboxes=HorizontalBoxes(boxes),
                 gt_bboxes_labels=np.array([o['label'] for o in objects]),
                 gt_ignore_flags=np.zeros(len(objects), bool)))
    return results


def real_batch(cfg, rel: str, num: int = 2) -> dict:
    """A batch of real MNIST images packed by the config's own transform:
    32x32 digits for mmcls configs, 128x128 digit canvases with their exact
    boxes for mmdet configs."""
    if f'{osp.sep}mmdet{osp.sep}' in osp.sep + rel:
        results = _detection_results(num, 128)
    else:
        results = _classification_results(
            num, 32, _find(cfg.train_dataloader, 'neg_num'))
    pack = _pack_transform(cfg)
    return pseudo_collate([pack(r) for r in results])


def build_and_run(rel: str) -> dict:
    """Load a stock config through the plugin, build its model offline on
    CPU and run one loss-mode forward on real data.

    Returns:
        dict: The model's losses.
    """
    cfg = load_config(osp.join(STOCK_ROOT, rel))
    with DefaultScope.overwrite_default_scope(
            cfg.get('default_scope', 'mmrazor')):
        model = MODELS.build(offline(cfg.model))
        batch = real_batch(cfg, rel)
    # What the Runner's loops record; MMRazor's pruning algorithms read it.
    hub = MessageHub.get_instance(f'stock-config:{rel}')
    for key, value in dict(epoch=0, iter=0, max_epochs=cfg.train_cfg.get(
            'max_epochs', 1), max_iters=cfg.train_cfg.get('max_iters',
                                                          1)).items():
        hub.update_info(key, value)
    model.train()
    data = model.data_preprocessor(batch, True)
    return model(**data, mode='loss')
