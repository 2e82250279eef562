# MMPretrain's CIFAR-100 schedule (as in mmpretrain::resnet/
# resnet50_8xb16_cifar100.py, whose model-zoo checkpoint is a teacher here):
# SGD lr 0.1 at 8 GPUs x 16 images, 200 epochs, x0.2 at 60/120/160.
_base_ = 'mmpretrain::_base_/schedules/cifar10_bs128.py'

optim_wrapper = dict(optimizer=dict(weight_decay=0.0005))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[60, 120, 160], gamma=0.2)
