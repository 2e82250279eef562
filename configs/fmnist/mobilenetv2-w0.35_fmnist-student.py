# MobileNetV2 (widen 0.35, 1 input channel) on real Fashion-MNIST, alone, CPU.
_base_ = [
    '../_base_/models/fmnist_models.py',
    '../_base_/datasets/fmnist_bs64.py',
    '../_base_/schedules/fmnist_cpu.py',
]
model = {{_base_.fmnist_mbv2}}
