# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Distill while pruning: MMRazor's pruning algorithms with a DCCD teacher.

A pruning mutator replaces the student's ``nn.Conv2d`` / ``nn.Linear`` /
BN modules with dynamic ops, so a recorder hook attached before that is
silently lost. Here the mutator prepares the student *first* and the DCCD
distiller's recorders attach afterwards (inside ``DCCDDistill.__init__``),
to the very modules that are pruned. Training, pruning schedule and
Fisher bookkeeping are MMRazor's own (the pruning class comes first in the
MRO); the loss is DCCD's (student CE on all views + distiller terms), so
GroupFisher's channel importance uses the gradients of the distillation
objective: each model is pruned with information from its own teacher.
"""
import copy
from typing import Dict, Optional, Union

import torch.nn as nn

from mmrazor.implementations.pruning.group_fisher import GroupFisherAlgorithm
from mmrazor.models.algorithms import ItePruneAlgorithm
from mmrazor.registry import MODELS
from ..models.algorithms import DCCDDistill
from .mutators import prepare_keeping_weights


def _keep_teacher_weights(algorithm: DCCDDistill, kwargs: dict) -> None:
    # A Runner calls init_weights() before training; without this flag the
    # loaded teacher would be re-initialised by its own init_cfg.
    if kwargs.get('teacher_ckpt'):
        algorithm.teacher._is_init = True


def build_then_prepare(architecture: Union[dict, nn.Module],
                       mutator: Union[dict, nn.Module]):
    """Build the student and let the mutator swap in its dynamic ops.

    Returns:
        tuple: ``(student, mutator)``; recorders attached to ``student``
        from now on see the modules that will be pruned.
    """
    if isinstance(architecture, dict):
        architecture = MODELS.build(copy.deepcopy(architecture))
    if isinstance(mutator, dict):
        mutator = MODELS.build(copy.deepcopy(mutator))
    # Keeps weights loaded at build time (MMRazor's dynamic ops do not).
    prepare_keeping_weights(mutator, architecture)
    return architecture, mutator


@MODELS.register_module()
class GroupFisherDCCDDistill(GroupFisherAlgorithm, DCCDDistill):
    """GroupFisher pruning of the student of a DCCD distillation.

    Every ``interval`` iterations the channel with the smallest normalised
    Fisher importance, accumulated from the gradients of the DCCD loss, is
    masked (MMRazor's ``GroupFisherAlgorithm.train_step``). Works with
    MMRazor's ``GroupFisherDDP`` wrapper and its pruning hooks.

    Args:
        architecture (dict | nn.Module): The student to prune.
        mutator (dict): The GroupFisher mutator. Set
            ``parse_cfg.demo_input`` to the real input shape. Defaults to
            MMRazor's ``GroupFisherChannelMutator`` with an MNIST-shaped
            (1, 1, 28, 28) channel analyzer.
        interval (int): Iterations between two pruned channels. Defaults to
            10.
        **kwargs: Arguments of :class:`DCCDDistill` (``teacher``,
            ``teacher_ckpt``, ``distiller``, ``num_views``,
            ``data_preprocessor``, ...).
    """

    def __init__(self,
                 architecture: Union[dict, nn.Module],
                 mutator: Union[dict, nn.Module] = dict(
                     type='GroupFisherChannelMutator',
                     parse_cfg=dict(type='ChannelAnalyzer',
                                    demo_input=(1, 1, 28, 28),
                                    tracer_type='FxTracer'),
                     channel_unit_cfg=dict(
                         type='GroupFisherChannelUnit',
                         default_args=dict(normalization_type='flops'))),
                 interval: int = 10,
                 **kwargs) -> None:
        student, mutator = build_then_prepare(architecture, mutator)
        DCCDDistill.__init__(self, architecture=student, **kwargs)
        _keep_teacher_weights(self, kwargs)
        self.mutator = mutator
        self.interval = interval


@MODELS.register_module()
class ItePruneDCCDDistill(ItePruneAlgorithm, DCCDDistill):
    """MMRazor's iterative (e.g. L1-norm) pruning of a DCCD student.

    ``ItePruneAlgorithm.forward`` narrows the student on its schedule;
    the loss is DCCD's.

    Args:
        architecture (dict | nn.Module): The student to prune.
        mutator_cfg (dict): The channel mutator, e.g. ``ChannelMutator``
            with ``L1MutableChannelUnit``; set ``parse_cfg.demo_input``.
        target_pruning_ratio (dict, optional): Kept ratio per unit name.
            Defaults to None (no pruning).
        step_freq (int): Iterations between pruning steps. Defaults to 1.
        prune_times (int): Pruning steps to reach the target. Defaults to 1.
        linear_schedule (bool): Reach the target linearly. Defaults to True.
        **kwargs: Arguments of :class:`DCCDDistill`.
    """

    def __init__(self,
                 architecture: Union[dict, nn.Module],
                 mutator_cfg: Union[dict, nn.Module],
                 target_pruning_ratio: Optional[Dict[str, float]] = None,
                 step_freq: int = 1,
                 prune_times: int = 1,
                 linear_schedule: bool = True,
                 **kwargs) -> None:
        student, mutator = build_then_prepare(architecture, mutator_cfg)
        DCCDDistill.__init__(self, architecture=student, **kwargs)
        _keep_teacher_weights(self, kwargs)
        self.mutator = mutator
        self.target_pruning_ratio = target_pruning_ratio
        self.step_freq = step_freq
        self.prune_times = prune_times
        self.linear_schedule = linear_schedule

    def init_weights(self) -> None:
        # ItePruneAlgorithm initialises only the architecture; the
        # distiller's connectors need their init too, the teacher keeps its
        # checkpoint.
        DCCDDistill.init_weights(self)
