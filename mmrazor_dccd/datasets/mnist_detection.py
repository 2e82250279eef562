# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""A small detection set from real MNIST digits placed on canvases.

Every canvas holds a few digits, each rescaled and pasted where it overlaps
no other digit. Its box is the exact extent of its ink (pixels > 0) on the
canvas, so the ground truth carries no annotation noise. The output is an
ordinary COCO detection set (PNG images + ``instances_{split}.json``) that
MMDetection's ``CocoDataset`` and ``CocoMetric`` read unchanged.

Canvases of the ``train`` split use MNIST training digits, those of ``val``
the MNIST test digits, so no digit appears in both.
"""
import json
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
from mmpretrain.datasets.mnist import read_image_file, read_label_file

from .mnist import prepare_mnist

CLASSES = tuple(str(d) for d in range(10))
# MNIST files of each canvas split.
_SOURCES = {
    'train': ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
    'val': ('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'),
}


def load_mnist_digits(
        split: str = 'train',
        data_root: Optional[str] = None) -> Tuple[np.ndarray, np.ndarray]:
    """(N, 28, 28) uint8 digits and (N, ) labels of the packaged MNIST.

    Args:
        split (str): ``'train'`` (MNIST train digits) or ``'val'`` (MNIST
            test digits). Defaults to 'train'.
        data_root (str, optional): MNIST cache, see
            :func:`mmrazor_dccd.datasets.prepare_mnist`. Defaults to None.
    """
    if split not in _SOURCES:
        raise ValueError(f'Unknown split {split!r}; use one of '
                         f'{sorted(_SOURCES)}.')
    root = prepare_mnist(data_root)
    images, labels = _SOURCES[split]
    return (read_image_file(osp.join(root, images)).numpy(),
            read_label_file(osp.join(root, labels)).numpy())


def ink_box(patch: np.ndarray) -> Tuple[int, int, int, int]:
    """Exact (x, y, w, h) of the pixels > 0 of a 2-D patch."""
    ys, xs = np.nonzero(patch)
    if len(xs) == 0:
        raise ValueError('The digit patch has no ink.')
    return (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
            int(ys.max() - ys.min() + 1))


def compose_canvas(digits: np.ndarray,
                   labels: np.ndarray,
                   rng: np.random.Generator,
                   canvas_size: int = 128,
                   num_digits: Tuple[int, int] = (1, 4),
                   digit_size: Tuple[int, int] = (20, 48),
                   max_tries: int = 50) -> Tuple[np.ndarray, List[dict]]:
    """One canvas and its boxes.

    Args:
        digits (np.ndarray): (N, 28, 28) uint8 MNIST digits to draw from.
        labels (np.ndarray): (N, ) their labels.
        rng (np.random.Generator): Source of every random choice.
        canvas_size (int): Side of the square canvas. Defaults to 128.
        num_digits (tuple[int, int]): Inclusive range of digits per canvas.
            Defaults to (1, 4).
        digit_size (tuple[int, int]): Inclusive range of the side a 28x28
            digit is rescaled to. Defaults to (20, 48).
        max_tries (int): Placements tried per digit before it is dropped
            (at least one digit is always placed). Defaults to 50.

    Returns:
        tuple: (canvas_size, canvas_size) uint8 canvas and a list of
        ``dict(label=int, bbox=[x, y, w, h])`` with exact ink boxes.
    """
    if digit_size[1] > canvas_size:
        raise ValueError(f'digit_size {digit_size} does not fit a canvas of '
                         f'{canvas_size}: lower digit_size[1].')
    canvas = np.zeros((canvas_size, canvas_size), np.uint8)
    taken: List[Tuple[int, int, int, int]] = []  # pasted patch rectangles
    objects = []
    for _ in range(int(rng.integers(num_digits[0], num_digits[1] + 1))):
        idx = int(rng.integers(len(digits)))
        side = int(rng.integers(digit_size[0], digit_size[1] + 1))
        patch = cv2.resize(digits[idx], (side, side),
                           interpolation=cv2.INTER_LINEAR)
        for _ in range(max_tries):
            x, y = rng.integers(0, canvas_size - side + 1, size=2)
            x, y = int(x), int(y)
            # Patches never overlap, so each digit's ink stays its own.
            if all(x + side <= tx or tx + tw <= x or y + side <= ty or ty +
                   th <= y for tx, ty, tw, th in taken):
                break
        else:
            continue
        taken.append((x, y, side, side))
        canvas[y:y + side, x:x + side] = patch
        bx, by, bw, bh = ink_box(patch)
        objects.append(
            dict(label=int(labels[idx]), bbox=[x + bx, y + by, bw, bh]))
    if not objects:  # the first placement on an empty canvas always fits
        raise RuntimeError('No digit placed; check num_digits.')
    return canvas, objects


def make_mnist_detection(out_dir: str,
                         split: str = 'train',
                         num_images: int = 200,
                         canvas_size: int = 128,
                         num_digits: Sequence[int] = (1, 4),
                         digit_size: Sequence[int] = (20, 48),
                         seed: int = 0,
                         data_root: Optional[str] = None) -> Dict[str, str]:
    """Write a seeded MNIST detection split in COCO format.

    Layout: ``{out_dir}/{split}/{000000}.png`` (grayscale) and
    ``{out_dir}/annotations/instances_{split}.json`` with categories
    ``'0'`` ... ``'9'`` (ids 1 ... 10). The same arguments always give the
    same files.

    Args:
        out_dir (str): Root of the data set.
        split (str): ``'train'`` or ``'val'``. Defaults to 'train'.
        num_images (int): Number of canvases. Defaults to 200.
        canvas_size (int): Canvas side in pixels. Defaults to 128.
        num_digits (Sequence[int]): Inclusive range of digits per canvas.
            Defaults to (1, 4).
        digit_size (Sequence[int]): Inclusive range of digit sides in
            pixels. Defaults to (20, 48).
        seed (int): Random seed. Defaults to 0.
        data_root (str, optional): MNIST cache. Defaults to None.

    Returns:
        dict: ``ann_file`` and ``img_dir`` that were written.
    """
    if num_images < 1:
        raise ValueError(f'num_images must be >= 1, got {num_images}.')
    digits, labels = load_mnist_digits(split, data_root)
    # Distinct streams per split, so train and val never share a layout.
    rng = np.random.default_rng([seed, 0 if split == 'train' else 1])
    img_dir = osp.join(out_dir, split)
    os.makedirs(img_dir, exist_ok=True)
    os.makedirs(osp.join(out_dir, 'annotations'), exist_ok=True)
    images, annotations = [], []
    for img_id in range(num_images):
        canvas, objects = compose_canvas(digits, labels, rng, canvas_size,
                                         tuple(num_digits), tuple(digit_size))
        file_name = f'{img_id:06d}.png'
        cv2.imwrite(osp.join(img_dir, file_name), canvas)
        images.append(
            dict(id=img_id,
                 file_name=file_name,
                 width=canvas_size,
                 height=canvas_size))
        for obj in objects:
            w, h = obj['bbox'][2:]
            annotations.append(
                dict(id=len(annotations) + 1,
                     image_id=img_id,
                     category_id=obj['label'] + 1,
                     bbox=obj['bbox'],
                     area=w * h,
                     iscrowd=0))
    ann_file = osp.join(out_dir, 'annotations', f'instances_{split}.json')
    with open(ann_file, 'w', encoding='utf-8') as f:
        json.dump(
            dict(info=dict(
                description='MNIST digits on canvases (mmrazor-dccd)',
                split=split,
                seed=seed),
                 images=images,
                 annotations=annotations,
                 categories=[
                     dict(id=i + 1, name=name)
                     for i, name in enumerate(CLASSES)
                 ]), f)
    return dict(ann_file=ann_file, img_dir=img_dir)
