# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The headline benchmark (``make benchmark``): DCCD against MMRazor's
baselines on real Fashion-MNIST, three pairs, on CPU. See
:mod:`benchmarks.fmnist_v1.benchmark` (``--help``)."""
import os.path as osp
import sys

# benchmarks/ sits beside the installed package, in the repository.
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))

from benchmarks.fmnist_v1.benchmark import main  # noqa: E402

if __name__ == '__main__':
    main()
