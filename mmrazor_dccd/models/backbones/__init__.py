# Copyright (c) mmrazor-dccd contributors. All rights reserved.
from .mobilenet_v2_cifar import MobileNetV2_CIFAR

__all__ = ['MobileNetV2_CIFAR']
