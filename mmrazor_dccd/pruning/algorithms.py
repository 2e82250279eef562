# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Distill while pruning: MMRazor's pruning algorithms with a DCCD teacher.

A pruning mutator replaces the student's ``nn.Conv2d`` / ``nn.Linear`` /
BN modules with dynamic ops, so a recorder hook attached before that is
silently lost. Both classes here put :class:`DCCDDistill` first in the MRO
and the pruning algorithm after it, so one cooperative ``__init__`` chain
runs, in this order: ``BaseAlgorithm`` builds the student; the pruning
parent's own ``__init__`` prepares it (GroupFisher: SyncBN under DDP; the
mutator swaps in its dynamic ops); then ``SingleTeacherDistill`` builds the
teacher and the distiller, whose recorders attach to the very modules that
are pruned. Training, pruning schedule and Fisher bookkeeping are MMRazor's
own (``GroupFisherAlgorithm.train_step``, ``ItePruneAlgorithm.forward``);
the loss is DCCD's (student CE on all views + distiller terms), so
GroupFisher's channel importance uses the gradients of the distillation
objective: each model is pruned with information from its own teacher.
"""
import copy
from typing import Union

import torch.nn as nn

from mmrazor.implementations.pruning.group_fisher import GroupFisherAlgorithm
from mmrazor.models.algorithms import ItePruneAlgorithm
from mmrazor.registry import MODELS
from ..models.algorithms import DCCDDistill
from .mutators import weights_kept


class PrunedStudentDistill(DCCDDistill):
    """:class:`DCCDDistill` whose student a pruning parent prepares.

    Placed before a pruning algorithm in the MRO (see the module's
    docstring). The student's weights at build time survive the mutator
    (MMRazor's dynamic ops are built without the static ops' weights).

    Args:
        architecture (dict | nn.Module): The student to prune.
        **kwargs: Arguments of :class:`DCCDDistill` and of the pruning
            algorithm that follows in the MRO.
    """

    def __init__(self, architecture: Union[dict, nn.Module],
                 **kwargs) -> None:
        if isinstance(architecture, dict):
            architecture = MODELS.build(copy.deepcopy(architecture))
        with weights_kept(architecture):
            super().__init__(architecture=architecture, **kwargs)


@MODELS.register_module()
class GroupFisherDCCDDistill(PrunedStudentDistill, GroupFisherAlgorithm):
    """GroupFisher pruning of the student of a DCCD distillation.

    Every ``interval`` iterations the channel with the smallest normalised
    Fisher importance, accumulated from the gradients of the DCCD loss, is
    masked (MMRazor's ``GroupFisherAlgorithm.train_step``; under DDP use
    MMRazor's ``GroupFisherDDP`` wrapper, which calls it).

    Args:
        architecture (dict | nn.Module): The student to prune. Weights it
            holds at build time (an exported pruned model, a cascade's
            assistant) are kept whatever the mutator.
        **kwargs: Arguments of :class:`DCCDDistill` (``teacher``,
            ``teacher_ckpt``, ``distiller``, ``num_views``,
            ``data_preprocessor``, ...) and of MMRazor's
            ``GroupFisherAlgorithm``: ``mutator`` (set
            ``parse_cfg.demo_input`` to the model's real input shape: the
            default analyzer traces a (1, 3, 224, 224) input) and
            ``interval``.
    """


@MODELS.register_module()
class ItePruneDCCDDistill(PrunedStudentDistill, ItePruneAlgorithm):
    """MMRazor's iterative (e.g. L1-norm) pruning of a DCCD student.

    ``ItePruneAlgorithm.forward`` narrows the student on its schedule;
    the loss is DCCD's.

    Args:
        architecture (dict | nn.Module): The student to prune; weights held
            at build time are kept.
        **kwargs: Arguments of :class:`DCCDDistill` and of MMRazor's
            ``ItePruneAlgorithm``: ``mutator_cfg`` (e.g. ``ChannelMutator``
            with ``L1MutableChannelUnit``; set ``parse_cfg.demo_input``),
            ``target_pruning_ratio``, ``step_freq``, ``prune_times``,
            ``linear_schedule``.
    """

    def init_weights(self) -> None:
        # ItePruneAlgorithm initialises only the architecture; the rest of
        # the chain initialises every child (the distiller's connectors; the
        # loaded teacher is marked initialised).
        super(ItePruneAlgorithm, self).init_weights()
