# The MNIST teacher: ResNet-18 (CIFAR stem, width 16) trained alone on CPU.
_base_ = [
    '../_base_/models/resnet18-cifar_mnist.py',
    '../_base_/datasets/mnist_bs64.py',
    '../_base_/schedules/mnist_cpu.py',
]
model = {{_base_.mnist_teacher}}
