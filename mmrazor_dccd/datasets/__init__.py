# Copyright (c) mmrazor-dccd contributors. All rights reserved.
from .fashion_mnist import PackagedFashionMNIST, prepare_fashion_mnist
from .fashion_mnist_detection import make_fashion_mnist_detection
from .mnist import PackagedMNIST, prepare_mnist
from .transforms import PackCRDInputs

__all__ = [
    'PackagedMNIST', 'prepare_mnist',
    'PackagedFashionMNIST', 'prepare_fashion_mnist',
    'make_fashion_mnist_detection',
    'PackCRDInputs'
]
