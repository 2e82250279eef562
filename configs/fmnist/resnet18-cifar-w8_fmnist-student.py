# ResNet-18-CIFAR width 8 on real Fashion-MNIST, trained alone on CPU.
_base_ = [
    '../_base_/models/fmnist_models.py',
    '../_base_/datasets/fmnist_bs64.py',
    '../_base_/schedules/fmnist_cpu.py',
]
model = {{_base_.fmnist_r18w8}}
