# Copyright (c) mmrazor-dccd contributors. All rights reserved.
# The Fashion-MNIST detection set fixture, shared by the detection tests.
import pytest

from mmrazor_dccd.data.fashion_mnist_detection import \
    make_fashion_mnist_detection

TINY = dict(num_images=dict(train=12, val=6, test=6), canvas_size=96,
            num_objects=(1, 4), object_size=(24, 40), seed=0)


@pytest.fixture(scope='session')
def fmnist_det(tmp_path_factory):
    """A tiny Fashion-MNIST detection set (12 train, 6 val, 6 test)."""
    root = tmp_path_factory.mktemp('fmnist_det') / 'set'
    return make_fashion_mnist_detection(str(root), **TINY)
