# What every Fashion-MNIST distillation config shares: data, schedule,
# models, MMRazor's single-teacher algorithm for pair (a) (r18w16 -> r18w4).
_base_ = [
    './models/fmnist_models.py',
    './datasets/fmnist_bs64.py',
    './schedules/fmnist_cpu.py',
]
# Written by `python tools/train.py
#     configs/fmnist/resnet18-cifar-w16_fmnist-teacher.py`.
teacher_ckpt = 'work_dirs/resnet18-cifar-w16_fmnist-teacher/iter_600.pth'
model = dict(
    _scope_='mmrazor',
    type='SingleTeacherDistill',
    architecture={{_base_.fmnist_r18w4}},
    teacher={{_base_.fmnist_teacher}},
    teacher_ckpt=teacher_ckpt)
find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
