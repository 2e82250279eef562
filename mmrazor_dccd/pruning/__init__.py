# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Compression pipelines: MMRazor channel pruning combined with DCCD."""
from .algorithms import GroupFisherDCCDDistill, ItePruneDCCDDistill
from .export import (PrunedStaticModel, count_resources, export_pruned,
                     pruned_structure, to_static)
from .hooks import FlopsTargetHook
from .mutators import KeepWeightsChannelMutator, MultiStepGroupFisherMutator

__all__ = [
    'GroupFisherDCCDDistill', 'ItePruneDCCDDistill', 'PrunedStaticModel',
    'FlopsTargetHook', 'MultiStepGroupFisherMutator',
    'KeepWeightsChannelMutator', 'count_resources',
    'export_pruned', 'pruned_structure', 'to_static'
]
