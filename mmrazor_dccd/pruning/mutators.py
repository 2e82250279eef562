# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""Channel mutators: keep a model's weights; prune several channels/step."""
from contextlib import contextmanager

import torch.nn as nn

from mmrazor.implementations.pruning.group_fisher import \
    GroupFisherChannelMutator
from mmrazor.models.mutators import ChannelMutator
from mmrazor.registry import MODELS


@contextmanager
def weights_kept(model: nn.Module):
    """Restore ``model``'s state dict (strictly) after the ``with`` body."""
    state = {k: v.clone() for k, v in model.state_dict().items()}
    yield model
    model.load_state_dict(state, strict=True)


class KeepWeightsMixin:
    """Make a channel mutator's ``prepare_from_supernet`` keep weights.

    MMRazor's dynamic ops are built by ``convert_from``, which copies a
    module's hyper-parameters but not its parameters or BN statistics:
    every swapped conv / BN / linear is freshly initialised. MMRazor's own
    configs load weights afterwards (``init_cfg`` at ``init_weights``), so
    they never notice; a model whose weights are loaded at build time (an
    exported pruned model rebuilt by ``PrunedStaticModel``, a cascade's
    teaching assistant, an ``nn.Module`` passed in) would silently restart
    from random weights. The state dict is taken before and loaded back
    strictly after (dynamic ops keep the static ops' names and shapes).
    """

    def prepare_from_supernet(self, supernet: nn.Module) -> None:
        with weights_kept(supernet):
            super().prepare_from_supernet(supernet)


@MODELS.register_module()
class KeepWeightsChannelMutator(KeepWeightsMixin, ChannelMutator):
    """MMRazor's ``ChannelMutator`` (e.g. with ``L1MutableChannelUnit``)
    that keeps the supernet's weights when it swaps in dynamic ops
    (see :class:`KeepWeightsMixin`)."""


@MODELS.register_module()
class MultiStepGroupFisherMutator(KeepWeightsMixin, GroupFisherChannelMutator):
    """MMRazor's ``GroupFisherChannelMutator`` that masks the
    ``channels_per_step`` least important channels per pruning step, and
    keeps the supernet's weights when it swaps in its ops (see
    :class:`KeepWeightsMixin`).

    GroupFisher masks one channel per step; a ResNet-18 needs hundreds of
    steps to lose half its FLOPs. Already masked channels rank last
    (``GroupFisherChannelUnit.importance``), so repeating the step masks
    distinct channels, all ranked by the same accumulated Fisher
    information (the FLOPs normalisation is not updated in between).

    Args:
        channels_per_step (int): Channels masked per pruning step.
            Defaults to 1 (MMRazor's behaviour).
        **kwargs: Arguments of ``GroupFisherChannelMutator``.
    """

    def __init__(self, channels_per_step: int = 1, **kwargs) -> None:
        super().__init__(**kwargs)
        if channels_per_step < 1:
            raise ValueError('channels_per_step must be >= 1, got '
                             f'{channels_per_step}.')
        self.channels_per_step = channels_per_step

    def try_prune(self) -> None:
        """Mask the ``channels_per_step`` least important channels."""
        for _ in range(self.channels_per_step):
            super().try_prune()
