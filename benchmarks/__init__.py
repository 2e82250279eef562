# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The project's experiments (not installed with the package).

One run-spec builder (:mod:`.run_spec`), one resumable results store
(:mod:`.results_store`), one report/plot module (:mod:`.report`), the
runners (:mod:`.runs`, :mod:`.teacher`), the benchmarks (:mod:`.mnist`,
:mod:`.fmnist` with its grids in :mod:`.fmnist_grids`) and the pruning
experiment pipeline (:mod:`.pruning_pipeline`). ``tools/benchmark/*`` and
``tools/pruning/*`` are their command lines. Imports run one way:
``tools`` -> ``benchmarks`` -> ``mmrazor_dccd``.
"""
