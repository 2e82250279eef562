# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The project's experiments (not installed with the package), in rooms.

:mod:`.common` is the shared room: run spec, runs, results store and
work-dir lock, workers, cached teachers, the one grid-extension rule, the
statistics and the report helpers. Over it, one room per experiment:
:mod:`.fmnist` (the Fashion-MNIST benchmark, protocol v2), :mod:`.mnist`
(the embedded default), :mod:`.detection` and :mod:`.pruning`.
``tools/benchmark/*`` and ``tools/pruning/*`` are their command lines.
Imports run one way: ``tools`` -> an experiment -> ``common`` ->
``mmrazor_dccd``; an experiment uses another's public names only where its
data comes from it (detection's backbones from Fashion-MNIST runs, the
pruning teacher from the MNIST benchmark).
"""
