# Copyright (c) mmrazor-dccd contributors. All rights reserved.
from .fashion_mnist import PackagedFashionMNIST, prepare_fashion_mnist
from .mnist import PackagedMNIST, prepare_mnist
from .transforms import PackCRDInputs

__all__ = [
    'PackagedMNIST', 'prepare_mnist',
    'PackagedFashionMNIST', 'prepare_fashion_mnist',
    'PackCRDInputs'
]
