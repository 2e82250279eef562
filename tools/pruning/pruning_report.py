# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The pruning report on MNIST (FLOPs, parameters and top-1 of pruned
students, with/without DCCD, with/without cascade). See
:mod:`benchmarks.pruning.report` (``--help``)."""
import os.path as osp
import sys

# benchmarks/ sits beside the installed package, in the repository.
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))

from benchmarks.pruning.report import main  # noqa: E402

if __name__ == '__main__':
    main()
