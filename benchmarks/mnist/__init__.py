# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The embedded default on MNIST (``make demo``): the methods as data
(:mod:`.grids`) and the benchmark (:mod:`.benchmark`,
``tools/benchmark/mnist_benchmark.py``)."""
