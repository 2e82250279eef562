# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Dataset classes and transforms; preparing the data is
:mod:`mmrazor_dccd.data` (``python tools/misc/prepare_data.py``)."""
from .fashion_mnist import PackagedFashionMNIST
from .mnist import PackagedMNIST
from .transforms import PackCRDInputs

__all__ = ['PackagedMNIST', 'PackagedFashionMNIST', 'PackCRDInputs']
