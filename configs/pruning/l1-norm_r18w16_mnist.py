# Prune: MMRazor's L1-norm ItePruneAlgorithm on the MNIST teacher's
# architecture (ResNet_CIFAR-18, width 16), initialised from the teacher.
# Uniform kept ratio `ratio` on every channel unit except the one feeding
# head.fc (layer4's output, 128 channels: DCCD's feature layer stays
# comparable with the teacher's). ratio 0.44 -> ~25% FLOPs, 0.68 -> ~50%
# (counted with MMRazor's ResourceEstimator on a (1, 1, 28, 28) input).
_base_ = [
    '../_base_/models/resnet18-cifar_mnist.py',
    '../_base_/datasets/mnist_bs64.py',
    '../_base_/schedules/mnist_cpu.py',
]
# Written by `python tools/train.py
#     configs/mnist/resnet18-cifar-w16_mnist-teacher.py`.
teacher_ckpt = 'work_dirs/resnet18-cifar-w16_mnist-teacher/iter_600.pth'
ratio = 0.44
keep = 1.0
units = [
    'backbone.conv1_(0, 16)_16', 'backbone.layer1.0.conv1_(0, 16)_16',
    'backbone.layer1.1.conv1_(0, 16)_16', 'backbone.layer2.0.conv1_(0, 32)_32',
    'backbone.layer2.0.conv2_(0, 32)_32', 'backbone.layer2.1.conv1_(0, 32)_32',
    'backbone.layer3.0.conv1_(0, 64)_64', 'backbone.layer3.0.conv2_(0, 64)_64',
    'backbone.layer3.1.conv1_(0, 64)_64',
    'backbone.layer4.0.conv1_(0, 128)_128',
    'backbone.layer4.1.conv1_(0, 128)_128'
]
target_pruning_ratio = {name: ratio for name in units}
target_pruning_ratio['backbone.layer4.0.conv2_(0, 128)_128'] = keep

architecture = dict(_base_.mnist_teacher,
                    init_cfg=dict(type='Pretrained', checkpoint=teacher_ckpt))
model = dict(
    _scope_='mmrazor',
    type='ItePruneAlgorithm',
    architecture=architecture,
    mutator_cfg=dict(
        type='KeepWeightsChannelMutator',
        channel_unit_cfg=dict(type='L1MutableChannelUnit',
                              default_args=dict(choice_mode='ratio')),
        # The analyzer's default demo input is (1, 3, 224, 224).
        parse_cfg=dict(type='ChannelAnalyzer',
                       demo_input=(1, 1, 28, 28),
                       tracer_type='FxTracer')),
    target_pruning_ratio=target_pruning_ratio,
    step_freq=10,
    prune_times=5)

max_iters = 100
optim_wrapper = dict(optimizer=dict(lr=0.01))
param_scheduler = dict(T_max=max_iters)
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
