# Copyright (c) mmrazor-dccd contributors. All rights reserved.
# The MNIST detection set fixture, shared by the detection tests.
import pytest

from mmrazor_dccd.data.mnist_detection import make_mnist_detection


@pytest.fixture(scope='session')
def mnist_det(tmp_path_factory):
    """A tiny MNIST detection set (8 train, 8 val canvases) in COCO format."""
    root = tmp_path_factory.mktemp('mnist_det')
    for split in ('train', 'val'):
        make_mnist_detection(str(root), split, num_images=8, seed=0)
    return str(root)
