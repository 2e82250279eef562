# Baseline for configs/dccd/dccd_r50_r18_8xb16_cifar100.py: Hinton KD
# (MMRazor's SingleTeacherDistill + KLDivergence on the logits); CIFAR-100,
# ResNet-50-CIFAR -> ResNet-18-CIFAR, on the same schedule as DCCD
# (MMPretrain's CIFAR-100 recipe: 8 GPUs x 16, 200 epochs).
_base_ = './kd_logits_r34_r18_8xb16_cifar100.py'
# MMPretrain's model-zoo ResNet-50-CIFAR (79.90 top-1), fetched at build time.
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/resnet/resnet50_b16x8_cifar100_20210528-67b58a1b.pth'  # noqa: E501

model = dict(
    teacher=dict(
        _delete_=True,
        cfg_path='mmpretrain::resnet/resnet50_8xb16_cifar100.py',
        pretrained=False),
    teacher_ckpt=teacher_ckpt)
