# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Seeded, class-balanced subsets (low-data training, validation splits)."""
import numpy as np


def balanced_indices(labels, num_per_class: int, seed: int) -> np.ndarray:
    """Sorted indices of ``num_per_class`` random items of every class.

    Args:
        labels (array-like): Class label of every item.
        num_per_class (int): Items drawn per class, without replacement.
        seed (int): Seed of the draw; the same seed gives the same subset.
    """
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    keep = []
    for label in np.unique(labels):
        idx = np.flatnonzero(labels == label)
        if len(idx) < num_per_class:
            raise ValueError(f'num_per_class={num_per_class} but class '
                             f'{label} has only {len(idx)} items.')
        keep.extend(rng.choice(idx, num_per_class, replace=False))
    return np.sort(np.asarray(keep, dtype=np.int64))
