# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The Fashion-MNIST benchmark, protocol v2 (docs/benchmark.md): the data
(:mod:`.grids`), the runs and their plans (:mod:`.plan`), the stages
(:mod:`.benchmark`, ``tools/benchmark/fmnist_v2.py``), the feature
redundancy study (:mod:`.redundancy`) and the report (:mod:`.report`)."""
