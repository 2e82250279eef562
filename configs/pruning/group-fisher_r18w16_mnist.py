# Prune: MMRazor's GroupFisher on the MNIST teacher's architecture
# (ResNet_CIFAR-18, width 16), initialised from the teacher, one channel
# every `interval` iterations (`channels_per_step` channels with our
# MultiStepGroupFisherMutator; 1 = MMRazor's GroupFisher) until
# FLOPs <= target_ratio (FlopsTargetHook).
# The unit feeding head.fc is not pruned (GroupFisher's mutate_linear=False).
_base_ = [
    '../_base_/models/resnet18-cifar_mnist.py',
    '../_base_/datasets/mnist_bs64.py',
    '../_base_/schedules/mnist_cpu.py',
]
# Written by `python tools/train.py
#     configs/mnist/resnet18-cifar-w16_mnist-teacher.py`.
teacher_ckpt = 'work_dirs/resnet18-cifar-w16_mnist-teacher/iter_600.pth'
target_ratio = 0.25
interval = 1
channels_per_step = 4

architecture = dict(_base_.mnist_teacher,
                    init_cfg=dict(type='Pretrained', checkpoint=teacher_ckpt))
model = dict(_scope_='mmrazor',
             type='GroupFisherAlgorithm',
             architecture=architecture,
             interval=interval,
             mutator=dict(type='MultiStepGroupFisherMutator',
                          channels_per_step=channels_per_step,
                          parse_cfg=dict(type='ChannelAnalyzer',
                                         demo_input=(1, 1, 28, 28),
                                         tracer_type='FxTracer'),
                          channel_unit_cfg=dict(
                              type='GroupFisherChannelUnit',
                              default_args=dict(normalization_type='flops'))))

# An upper bound: FlopsTargetHook ends training at the FLOPs target.
max_iters = 400
optim_wrapper = dict(optimizer=dict(lr=0.005))
param_scheduler = dict(_delete_=True,
                       type='ConstantLR',
                       factor=1.0,
                       by_epoch=False)
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
custom_hooks = [
    dict(type='mmrazor.FlopsTargetHook',
         target_ratio=target_ratio,
         input_shape=(1, 1, 28, 28),
         interval=5)
]
