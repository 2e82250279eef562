# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""A small detection set from real MNIST digits placed on canvases.

Every canvas holds a few digits, each rescaled and pasted where it overlaps
no other digit, with its exact ink box (see
:mod:`mmrazor_dccd.data.canvas_detection`). The output is an ordinary
COCO detection set (PNG images + ``instances_{split}.json``) that
MMDetection's ``CocoDataset`` and ``CocoMetric`` read unchanged.

Canvases of the ``train`` split use MNIST training digits, those of ``val``
the MNIST test digits, so no digit appears in both.
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmpretrain.datasets.mnist import read_image_file, read_label_file

from .canvas_detection import compose_canvas as compose_objects
from .canvas_detection import write_coco_split
from .prepare import prepare_mnist

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
            :func:`mmrazor_dccd.data.prepare_mnist`. Defaults to None.
    """
    if split not in _SOURCES:
        raise ValueError(f'Unknown split {split!r}; use one of '
                         f'{sorted(_SOURCES)}.')
    root = prepare_mnist(data_root)
    images, labels = _SOURCES[split]
    return (read_image_file(osp.join(root, images)).numpy(),
            read_label_file(osp.join(root, labels)).numpy())


def compose_canvas(digits: np.ndarray,
                   labels: np.ndarray,
                   rng: np.random.Generator,
                   canvas_size: int = 128,
                   num_digits: Tuple[int, int] = (1, 4),
                   digit_size: Tuple[int, int] = (20, 48),
                   max_tries: int = 50) -> Tuple[np.ndarray, List[dict]]:
    """One canvas of MNIST digits and their exact ink boxes; see
    :func:`mmrazor_dccd.data.canvas_detection.compose_canvas`
    (``num_digits``, ``digit_size`` are its ``num_objects``,
    ``object_size``)."""
    if digit_size[1] > canvas_size:
        raise ValueError(f'digit_size {digit_size} does not fit a canvas of '
                         f'{canvas_size}: lower digit_size[1].')
    return compose_objects(digits, labels, rng, canvas_size, num_digits,
                           digit_size, max_tries)


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
    canvases = [
        compose_canvas(digits, labels, rng, canvas_size, tuple(num_digits),
                       tuple(digit_size)) for _ in range(num_images)
    ]
    return write_coco_split(
        out_dir, split, canvases, CLASSES,
        dict(description='MNIST digits on canvases (mmrazor-dccd)',
             seed=seed))
