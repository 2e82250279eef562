# MMRazor's stock logit KD (SingleTeacherDistill + KLDivergence), as in
# mmrazor::distill/mmcls/kd/kd_logits_resnet34_resnet18_8xb32_in1k.py, on the
# MNIST teacher / student pair, on CPU.
_base_ = [
    '../_base_/models/resnet18-cifar_mnist.py',
    '../_base_/datasets/mnist_bs64.py',
    '../_base_/schedules/mnist_cpu.py',
]
# Written by `python tools/train.py
#     configs/mnist/resnet18-cifar-w16_mnist-teacher.py`.
teacher_ckpt = 'work_dirs/resnet18-cifar-w16_mnist-teacher/iter_600.pth'

model = dict(
    _scope_='mmrazor',
    type='SingleTeacherDistill',
    architecture={{_base_.mnist_student}},
    teacher={{_base_.mnist_teacher}},
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        teacher_recorders=dict(
            fc=dict(type='ModuleOutputs', source='head.fc')),
        distill_losses=dict(
            loss_kl=dict(type='KLDivergence', tau=4, loss_weight=1.0)),
        loss_forward_mappings=dict(
            loss_kl=dict(
                preds_S=dict(from_student=True, recorder='fc'),
                preds_T=dict(from_student=False, recorder='fc')))))

find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
