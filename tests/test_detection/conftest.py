# Copyright (c) mmrazor-dccd contributors. All rights reserved.
from mnist_det_fixture import mnist_det  # noqa: F401
