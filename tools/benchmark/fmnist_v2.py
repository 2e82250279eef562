# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Protocol v2 of the Fashion-MNIST benchmark: equal tuning, fresh seeds,
a converged schedule, knowledge controls. See
:mod:`benchmarks.fmnist.benchmark` (``--help``)."""
import os.path as osp
import sys

# benchmarks/ sits beside the installed package, in the repository.
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))

from benchmarks.fmnist.benchmark import main  # noqa: E402

if __name__ == '__main__':
    main()
