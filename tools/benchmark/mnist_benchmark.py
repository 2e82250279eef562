# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The embedded default (``make demo``): DCCD against its baselines on real
MNIST, on CPU. See :mod:`benchmarks.mnist.benchmark` (``--help``)."""
import os.path as osp
import sys

# benchmarks/ sits beside the installed package, in the repository.
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))

from benchmarks.mnist.benchmark import main  # noqa: E402

if __name__ == '__main__':
    main()
