# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Detection sets made of small real images pasted on blank canvases.

The shared part of the MNIST and Fashion-MNIST detection sets: each canvas
holds a few items, each rescaled and pasted where its patch overlaps no
other patch; its box is the exact extent of its ink (pixels > 0) on the
canvas, so the ground truth carries no annotation noise. A set is written
as an ordinary COCO detection set (PNG images +
``annotations/instances_{split}.json``) that MMDetection's ``CocoDataset``
and ``CocoMetric`` read unchanged.
"""
import hashlib
import json
import os
import os.path as osp
import shutil
import tempfile
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

MANIFEST = 'manifest.json'


def ink_box(patch: np.ndarray) -> Tuple[int, int, int, int]:
    """Exact (x, y, w, h) of the pixels > 0 of a 2-D patch."""
    ys, xs = np.nonzero(patch)
    if len(xs) == 0:
        raise ValueError('The patch has no ink.')
    return (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1),
            int(ys.max() - ys.min() + 1))


class ItemStream:
    """Indices of ``num_items`` items in seeded random order, every item
    once before any item repeats (then a fresh order)."""

    def __init__(self, num_items: int, rng: np.random.Generator) -> None:
        if num_items < 1:
            raise ValueError('ItemStream needs at least one item.')
        self.num_items, self.rng = num_items, rng
        self._order, self._next = rng.permutation(num_items), 0

    def __call__(self) -> int:
        if self._next == self.num_items:
            self._order, self._next = self.rng.permutation(self.num_items), 0
        self._next += 1
        return int(self._order[self._next - 1])


def compose_canvas(items: np.ndarray,
                   labels: np.ndarray,
                   rng: np.random.Generator,
                   canvas_size: int = 128,
                   num_objects: Tuple[int, int] = (1, 4),
                   object_size: Tuple[int, int] = (20, 48),
                   max_tries: int = 50,
                   draw: Optional[Callable[[], int]] = None
                   ) -> Tuple[np.ndarray, List[dict]]:
    """One canvas and its boxes.

    Args:
        items (np.ndarray): (N, h, w) uint8 images to paste.
        labels (np.ndarray): (N, ) their labels.
        rng (np.random.Generator): Source of every random choice.
        canvas_size (int): Side of the square canvas. Defaults to 128.
        num_objects (tuple[int, int]): Inclusive range of items per canvas.
            Defaults to (1, 4).
        object_size (tuple[int, int]): Inclusive range of the side an item
            is rescaled to. Defaults to (20, 48).
        max_tries (int): Placements tried per item before it is dropped
            (at least one item is always placed). Defaults to 50.
        draw (callable, optional): Returns the index of the next item.
            Defaults to a uniform draw with ``rng``.

    Returns:
        tuple: (canvas_size, canvas_size) uint8 canvas and a list of
        ``dict(label=int, bbox=[x, y, w, h])`` with exact ink boxes.
    """
    if object_size[1] > canvas_size:
        raise ValueError(f'object_size {object_size} does not fit a canvas '
                         f'of {canvas_size}: lower object_size[1].')
    draw = draw or (lambda: int(rng.integers(len(items))))
    canvas = np.zeros((canvas_size, canvas_size), np.uint8)
    taken: List[Tuple[int, int, int, int]] = []  # pasted patch rectangles
    objects = []
    for _ in range(int(rng.integers(num_objects[0], num_objects[1] + 1))):
        idx = draw()
        side = int(rng.integers(object_size[0], object_size[1] + 1))
        patch = cv2.resize(items[idx], (side, side),
                           interpolation=cv2.INTER_LINEAR)
        for _ in range(max_tries):
            x, y = map(int, rng.integers(0, canvas_size - side + 1, 2))
            # Patches never overlap, so each item's ink stays its own.
            if all(x + side <= tx or tx + tw <= x or y + side <= ty
                   or ty + th <= y for tx, ty, tw, th in taken):
                break
        else:
            continue
        taken.append((x, y, side, side))
        canvas[y:y + side, x:x + side] = patch
        bx, by, bw, bh = ink_box(patch)
        objects.append(
            dict(label=int(labels[idx]), bbox=[x + bx, y + by, bw, bh]))
    if not objects:  # the first placement on an empty canvas always fits
        raise RuntimeError('No item placed; check num_objects.')
    return canvas, objects


def write_coco_split(out_dir: str, split: str,
                     canvases: Sequence[Tuple[np.ndarray, List[dict]]],
                     classes: Sequence[str], info: dict) -> Dict[str, str]:
    """Write canvases as ``{out_dir}/{split}/{000000}.png`` and
    ``{out_dir}/annotations/instances_{split}.json`` (category ids start
    at 1, in the order of ``classes``).

    Returns:
        dict: ``ann_file`` and ``img_dir`` that were written.
    """
    img_dir = osp.join(out_dir, split)
    os.makedirs(img_dir, exist_ok=True)
    os.makedirs(osp.join(out_dir, 'annotations'), exist_ok=True)
    images, annotations = [], []
    for img_id, (canvas, objects) in enumerate(canvases):
        file_name = f'{img_id:06d}.png'
        cv2.imwrite(osp.join(img_dir, file_name), canvas)
        height, width = canvas.shape[:2]
        images.append(dict(id=img_id, file_name=file_name, width=width,
                           height=height))
        for obj in objects:
            w, h = obj['bbox'][2:]
            annotations.append(
                dict(id=len(annotations) + 1, image_id=img_id,
                     category_id=obj['label'] + 1, bbox=obj['bbox'],
                     area=w * h, iscrowd=0))
    ann_file = osp.join(out_dir, 'annotations', f'instances_{split}.json')
    with open(ann_file, 'w', encoding='utf-8') as f:
        json.dump(dict(info=dict(info, split=split), images=images,
                       annotations=annotations,
                       categories=[dict(id=i + 1, name=name)
                                   for i, name in enumerate(classes)]), f)
    return dict(ann_file=ann_file, img_dir=img_dir)


def _digest(folder: str, files: Sequence[str]) -> str:
    """SHA-256 over the names and bytes of ``files`` (in order)."""
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b'\0')
        with open(osp.join(folder, name), 'rb') as f:
            digest.update(f.read())
    return digest.hexdigest()


def _listing(folder: str) -> List[str]:
    return sorted(
        osp.relpath(osp.join(root, name), folder)
        for root, _, names in os.walk(folder) for name in names
        if name != MANIFEST)


def check_canvas_set(folder: str, params: dict) -> Optional[str]:
    """Why ``folder`` is not the set ``params`` describe; None if it is.

    It is when its manifest holds the same parameters and the files listed
    there hash to the recorded SHA-256.
    """
    path = osp.join(folder, MANIFEST)
    if not osp.isfile(path):
        return f'{folder} has no {MANIFEST}'
    with open(path, encoding='utf-8') as f:
        manifest = json.load(f)
    if manifest.get('params') != json.loads(json.dumps(params)):
        return (f'{folder} was built with other arguments '
                f'({manifest.get("params")})')
    files = manifest.get('files', [])
    missing = [n for n in files if not osp.isfile(osp.join(folder, n))]
    if missing:
        return f'{folder} lacks {len(missing)} file(s), e.g. {missing[0]}'
    actual = _digest(folder, files)
    if actual != manifest.get('sha256'):
        return (f'the files of {folder} have SHA-256 {actual}, the manifest '
                f'says {manifest.get("sha256")} (changed or corrupt)')
    return None


def build_canvas_set(out_dir: str, params: dict,
                     write: Callable[[str], None]) -> str:
    """Build a canvas set once: atomically, then verified on every reuse.

    ``write(folder)`` writes the whole set into a temporary folder next to
    ``out_dir``; a manifest (``params``, file list, SHA-256) is added and
    the folder is renamed to ``out_dir`` in one step, so ``out_dir`` never
    holds a partial set. An ``out_dir`` that already holds the set is
    verified and reused; one that holds anything else is an error.

    Returns:
        str: ``out_dir``.
    """
    out_dir = osp.abspath(out_dir)
    if osp.exists(out_dir):
        why = check_canvas_set(out_dir, params)
        if why is None:
            return out_dir
        raise RuntimeError(
            f'Canvas set: {why}. Fix: delete {out_dir} (it is rebuilt from '
            'the arguments) or choose another output folder.')
    parent = osp.dirname(out_dir)
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=parent, prefix=f'.{osp.basename(out_dir)}-')
    try:
        write(tmp)
        files = _listing(tmp)
        manifest = dict(params=params, files=files,
                        sha256=_digest(tmp, files))
        with open(osp.join(tmp, MANIFEST), 'w', encoding='utf-8') as f:
            json.dump(manifest, f, indent=1)
        try:
            os.rename(tmp, out_dir)
        except OSError:  # another process finished the same set first
            if check_canvas_set(out_dir, params) is not None:
                raise
    finally:
        if osp.isdir(tmp):
            shutil.rmtree(tmp)
    return out_dir
