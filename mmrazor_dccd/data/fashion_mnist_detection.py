# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""A detection set from real Fashion-MNIST items placed on canvases.

Each canvas holds a few items, each rescaled and pasted where it overlaps
no other item, with its exact ink box (see
:mod:`mmrazor_dccd.data.canvas_detection`). The three canvas splits
draw on disjoint images, the splits of
:class:`~mmrazor_dccd.datasets.PackagedFashionMNIST`: ``train`` canvases
use the classification training split, ``val`` the 5,000 images held out
of it, ``test`` the official test set. Within a split every image is used
once before any is used again.
"""
import hashlib
import json
import os.path as osp
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

from ..datasets.fashion_mnist import read_idx
from ..datasets.splits import balanced_indices
from ..utils.paths import cache_dir
from .canvas_detection import (ItemStream, build_canvas_set, compose_canvas,
                               write_coco_split)
from .prepare import prepare_fashion_mnist

CLASSES = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal',
           'Shirt', 'Sneaker', 'Bag', 'Ankle boot')
SPLITS = ('train', 'val', 'test')
# The held-out split of PackagedFashionMNIST (its defaults).
VAL_PER_CLASS, SPLIT_SEED = 500, 0


def source_indices(split: str, labels: np.ndarray) -> np.ndarray:
    """Indices into the Fashion-MNIST file of ``split`` (the training file
    for ``'train'`` and ``'val'``, the test file for ``'test'``) that the
    split's canvases draw on."""
    if split not in SPLITS:
        raise ValueError(f'Unknown split {split!r}; use one of {SPLITS}.')
    if split == 'test':
        return np.arange(len(labels))
    val = balanced_indices(labels, VAL_PER_CLASS, SPLIT_SEED)
    return val if split == 'val' else np.setdiff1d(np.arange(len(labels)),
                                                   val)


def load_fashion_mnist_items(
        split: str = 'train',
        data_root: Optional[str] = None) -> Tuple[np.ndarray, np.ndarray]:
    """(N, 28, 28) uint8 images and (N, ) labels of one split.

    Args:
        split (str): ``'train'`` (the classification training split),
            ``'val'`` (the 5,000 images held out of it) or ``'test'`` (the
            official test set). Defaults to 'train'.
        data_root (str, optional): See
            :func:`mmrazor_dccd.data.prepare_fashion_mnist`. Defaults
            to None.
    """
    if split not in SPLITS:
        raise ValueError(f'Unknown split {split!r}; use one of {SPLITS}.')
    root = prepare_fashion_mnist(data_root)
    prefix = 't10k' if split == 'test' else 'train'
    images = read_idx(osp.join(root, f'{prefix}-images-idx3-ubyte'))
    labels = read_idx(osp.join(root, f'{prefix}-labels-idx1-ubyte'))
    keep = source_indices(split, labels)
    return images[keep], labels[keep]


def detection_params(num_images: Dict[str, int],
                     canvas_size: int = 96,
                     num_objects: Sequence[int] = (1, 4),
                     object_size: Sequence[int] = (24, 40),
                     seed: int = 0) -> dict:
    """The arguments that determine a Fashion-MNIST canvas set."""
    unknown = set(num_images) - set(SPLITS)
    if unknown:
        raise ValueError(f'Unknown split(s) {sorted(unknown)}; use '
                         f'{SPLITS}.')
    if any(n < 1 for n in num_images.values()):
        raise ValueError(f'num_images must be >= 1 per split: {num_images}.')
    return dict(source='fashion-mnist',
                num_images={s: int(num_images[s]) for s in SPLITS
                            if s in num_images},
                canvas_size=int(canvas_size),
                num_objects=[int(v) for v in num_objects],
                object_size=[int(v) for v in object_size], seed=int(seed))


def default_detection_root(params: dict) -> str:
    """The cache folder of a set: one per set of arguments."""
    key = hashlib.sha1(json.dumps(params, sort_keys=True).encode())
    return cache_dir('data', f'fmnist_det_{key.hexdigest()[:12]}')


def make_fashion_mnist_detection(out_dir: Optional[str] = None,
                                 num_images: Optional[Dict[str,
                                                           int]] = None,
                                 canvas_size: int = 96,
                                 num_objects: Sequence[int] = (1, 4),
                                 object_size: Sequence[int] = (24, 40),
                                 seed: int = 0,
                                 data_root: Optional[str] = None) -> str:
    """Write (once) and verify a seeded Fashion-MNIST detection set.

    Layout: ``{out_dir}/{split}/{000000}.png`` (grayscale),
    ``{out_dir}/annotations/instances_{split}.json`` (categories
    :data:`CLASSES`, ids 1 ... 10) and ``{out_dir}/manifest.json`` (the
    arguments and the SHA-256 of every file). The set is written into a
    temporary folder and renamed into place; a folder that already holds
    it is verified against its manifest and reused, anything else there
    is an error. The same arguments always give the same files.

    Args:
        out_dir (str, optional): Root of the set. Defaults to a cache
            folder named after the arguments.
        num_images (dict, optional): Canvases per split. Defaults to
            ``dict(train=8000, val=1000, test=1000)``.
        canvas_size (int): Canvas side in pixels. Defaults to 96.
        num_objects (Sequence[int]): Inclusive range of items per canvas.
            Defaults to (1, 4).
        object_size (Sequence[int]): Inclusive range of the side a 28x28
            item is rescaled to. Defaults to (24, 40).
        seed (int): Random seed. Defaults to 0.
        data_root (str, optional): Fashion-MNIST files (not part of the
            set's identity: they are verified by SHA-256). Defaults to
            None.

    Returns:
        str: The set's root folder.
    """
    params = detection_params(
        num_images or dict(train=8000, val=1000, test=1000), canvas_size,
        num_objects, object_size, seed)
    if params['object_size'][1] > canvas_size:
        raise ValueError(f'object_size {tuple(object_size)} does not fit a '
                         f'canvas of {canvas_size}: lower object_size[1].')

    def write(folder):
        for index, split in enumerate(SPLITS):
            if split not in params['num_images']:
                continue
            items, labels = load_fashion_mnist_items(split, data_root)
            # Distinct streams per split, so no two splits share a layout.
            rng = np.random.default_rng([seed, index])
            draw = ItemStream(len(items), rng)
            canvases = [
                compose_canvas(items, labels, rng, canvas_size,
                               tuple(num_objects), tuple(object_size),
                               draw=draw)
                for _ in range(params['num_images'][split])
            ]
            write_coco_split(folder, split, canvases, CLASSES,
                             dict(description='Fashion-MNIST items on '
                                  'canvases (mmrazor-dccd)', seed=seed))

    return build_canvas_set(out_dir or default_detection_root(params),
                            params, write)
