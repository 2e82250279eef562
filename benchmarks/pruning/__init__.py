# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""The pruning experiment on MNIST (docs/pruning.md): the prune -> export
-> fine-tune stages (:mod:`.pipeline`), the arguments and teacher of the
``tools/pruning/*`` scripts (:mod:`.common`) and the report
(:mod:`.report`)."""
