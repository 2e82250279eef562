# DCCD on real MNIST, on CPU: the project's embedded default.
# L = CE(all views) + alpha * KD + beta * L_cc + gamma * L_dd
_base_ = [
    '../_base_/models/resnet18-cifar_mnist.py',
    '../_base_/datasets/mnist_bs64.py',
    '../_base_/schedules/mnist_cpu.py',
]
# Written by `python tools/train.py configs/mnist/resnet18-cifar-w16_mnist-teacher.py`.
teacher_ckpt = 'work_dirs/resnet18-cifar-w16_mnist-teacher/iter_600.pth'
num_views = 2
# KD, channel contrastive, difference weights: docs/benchmark.md (chosen on
# the Fashion-MNIST validation split) and docs/ablation.md (MNIST). Hinton KD
# and L_dd are off by default (alpha = gamma = 0): no form of L_dd helped a
# student; to add them, set kd_loss=dict(type='KLDivergence', tau=4,
# loss_weight=alpha) / dd_loss=dict(type='DynamicDifferenceLoss',
# loss_weight=gamma).
alpha, beta, gamma = 0.0, 1.0, 0.0

model = dict(
    _scope_='mmrazor',
    type='DCCDDistill',
    num_views=num_views,
    data_preprocessor=dict(
        type='MultiViewClsDataPreprocessor',
        num_views=num_views,
        num_classes=10, mean=[33.46], std=[78.87], to_rgb=False),
    architecture={{_base_.mnist_student}},
    teacher={{_base_.mnist_teacher}},
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        type='DCCDDistiller',
        num_views=num_views,
        feature_layers='backbone.layer4',
        student_channels=32,
        teacher_channels=128,
        logits_layer='head.fc',
        # batch mode: chosen by the ablation in docs/ablation.md.
        cc_loss=dict(
            type='ChannelContrastiveLoss', tau=0.1, mode='batch',
            loss_weight=beta),
        # dd_loss: unset, DCCDDistiller's default (None: L_dd off).
        kd_loss=None))

# Every image gives `num_views` independent draws of the random transforms;
# the batch holds 32 images x 2 views = 64 forwarded, like KD's batch of 64.
train_dataloader = dict(
    batch_size=32,
    dataset=dict(pipeline=[
        dict(
            type='MultiView',
            num_views=num_views,
            transforms=[[dict(type='RandomCrop', crop_size=28, padding=2)]]),
        dict(type='PackInputs'),
    ]))

find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
