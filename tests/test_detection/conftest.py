# Copyright (c) mmrazor-dccd contributors. All rights reserved.
from fmnist_det_fixture import fmnist_det  # noqa: F401
from mnist_det_fixture import mnist_det  # noqa: F401
