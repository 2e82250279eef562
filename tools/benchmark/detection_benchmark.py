# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The detection benchmark on Fashion-MNIST canvases (one CPU core,
resumable): backbone transfer and detector-to-detector distillation. See
:mod:`benchmarks.detection.benchmark` (``--help``)."""
import os.path as osp
import sys

# benchmarks/ sits beside the installed package, in the repository.
sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))

from benchmarks.detection.benchmark import main  # noqa: E402

if __name__ == '__main__':
    main()
