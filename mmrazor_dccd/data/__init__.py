# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Preparing data: the data sets (:mod:`.prepare`, one command) and the
detection sets made from them (:mod:`.canvas_detection`,
:mod:`.fashion_mnist_detection`, :mod:`.mnist_detection`)."""
from .prepare import (find_fashion_mnist, prepare_datasets,
                      prepare_fashion_mnist, prepare_mnist)

__all__ = [
    'find_fashion_mnist', 'prepare_datasets', 'prepare_fashion_mnist',
    'prepare_mnist'
]
