# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""GroupFisher pruning of several channels per step."""
from mmrazor.implementations.pruning.group_fisher import \
    GroupFisherChannelMutator
from mmrazor.registry import MODELS


@MODELS.register_module()
class MultiStepGroupFisherMutator(GroupFisherChannelMutator):
    """MMRazor's ``GroupFisherChannelMutator`` that masks the
    ``channels_per_step`` least important channels per pruning step.

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
