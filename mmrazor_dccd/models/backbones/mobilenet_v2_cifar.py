# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""MobileNetV2 for small images (CIFAR, MNIST, Fashion-MNIST)."""
from typing import Optional

from mmcv.cnn import ConvModule
from mmpretrain.models.backbones import MobileNetV2
from mmpretrain.models.utils import make_divisible

from mmrazor.registry import MODELS


@MODELS.register_module()
class MobileNetV2_CIFAR(MobileNetV2):
    """MMPretrain's MobileNetV2 with a stem for small images.

    ImageNet's stem (stride 2, 3 input channels) plus four more stride-2
    stages leaves a 1x1 map of a 28x28 image. As in ``ResNet_CIFAR``, this
    variant keeps the stem at stride 1 and takes any number of input
    channels; ``last_channels`` shrinks the final 1x1 conv (1280 channels,
    most of a narrow MobileNetV2's parameters) for small students.

    Args:
        in_channels (int): Input image channels. Defaults to 3.
        stem_stride (int): Stride of the first conv. Defaults to 1.
        last_channels (int, optional): Output channels of the final 1x1
            conv. Defaults to None (MobileNetV2's 1280, or more when
            ``widen_factor > 1``).
        **kwargs: Arguments of :class:`mmpretrain.models.MobileNetV2`.
    """

    def __init__(self,
                 in_channels: int = 3,
                 stem_stride: int = 1,
                 last_channels: Optional[int] = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.conv1 = ConvModule(
            in_channels, make_divisible(32 * self.widen_factor, 8), 3,
            stride=stem_stride, padding=1, conv_cfg=self.conv_cfg,
            norm_cfg=self.norm_cfg, act_cfg=self.act_cfg)
        if last_channels is not None:
            self.out_channel = last_channels
            self.conv2 = ConvModule(
                self.conv2.conv.in_channels, last_channels, 1,
                conv_cfg=self.conv_cfg, norm_cfg=self.norm_cfg,
                act_cfg=self.act_cfg)
        self._freeze_stages()
