# Prune, then distill: DCCD from the unpruned MNIST teacher into an exported
# pruned model (structure.json + pruned.pth in `pruned_dir`).
_base_ = ['../dccd/dccd-dd_r18w16_r18w4_mnist.py']

pruned_dir = 'work_dirs/pruning/l1-norm/prune'
# Written by `python tools/train.py
#     configs/mnist/resnet18-cifar-w16_mnist-teacher.py`.
teacher_ckpt = 'work_dirs/resnet18-cifar-w16_mnist-teacher/iter_600.pth'
# DCCDDistill loads teacher_ckpt at build time and marks the teacher
# initialised; this init_cfg (kept for configs that build the teacher
# without teacher_ckpt) reloads the same weights at init_weights().
teacher = dict(_base_.mnist_teacher,
               init_cfg=dict(type='Pretrained', checkpoint=teacher_ckpt))

model = dict(
    architecture=dict(_delete_=True,
                      type='PrunedStaticModel',
                      architecture={{_base_.mnist_teacher}},
                      structure=pruned_dir + '/structure.json',
                      checkpoint=pruned_dir + '/pruned.pth',
                      demo_input=(1, 1, 28, 28)),
    teacher=teacher,
    teacher_ckpt=teacher_ckpt,
    # layer4's output (128 channels) is never pruned: no connector needed.
    # Two views, beta 1 and L_dd at gamma 1, as docs/pruning.md was measured
    # (the DCCD default has since moved to L_cc alone, one view, beta 3).
    distiller=dict(
        student_channels=128, teacher_channels=128,
        dd_loss=dict(type='DynamicDifferenceLoss', distance='mse',
                     loss_weight=1.0)))

max_iters = 200
optim_wrapper = dict(optimizer=dict(lr=0.01))
param_scheduler = dict(T_max=max_iters)
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
