# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The detection benchmark on Fashion-MNIST canvases (docs/detection.md):
the data and grids (:mod:`.grids`), where the backbones come from
(:mod:`.sources`), the loss-weight tuning (:mod:`.tune`), the stages
(:mod:`.benchmark`, ``tools/benchmark/detection_benchmark.py``), the
quick mode's classifiers (:mod:`.quick`) and the report (:mod:`.report`).
"""
