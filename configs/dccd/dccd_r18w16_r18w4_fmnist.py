# DCCD on real Fashion-MNIST, on CPU: benchmark pair (a), ResNet-18-CIFAR
# width 16 -> width 4, with the plugin's defaults: L = CE + beta * L_cc on
# one view of 64 images per step, the student-alone schedule (L_cc needs no
# second view; the full method with L_dd and two views:
# dccd-dd_r18w16_r18w4_fmnist.py; the benchmarked setting and teacher:
# dccd_r18w16-v2_r18w4_fmnist.py).
_base_ = ['../_base_/fmnist_distill.py']
num_views = 1  # set once: DCCDDistill passes it to the distiller/preprocessor

model = dict(
    type='DCCDDistill',
    num_views=num_views,
    data_preprocessor=dict(
        type='MultiViewClsDataPreprocessor',
        num_classes=10, mean=[72.94], std=[90.02], to_rgb=False),
    distiller=dict(
        type='DCCDDistiller',
        feature_layers='backbone.layer4',
        demo_input=(1, 1, 28, 28),  # one training input: the shapes dry run
        student_channels=32,
        teacher_channels=128,
        # L_cc at the loss's defaults; L_dd off (it needs num_views=2).
        logits_layer='head.fc'))
# The train pipeline and batch (64) are the dataset's, as for the student.
