# RetinaNet on the 1-channel MNIST canvases with the MNIST classifiers'
# backbones (configs/_base_/models/resnet18-cifar_mnist.py): ResNet-18 with
# the CIFAR stem, width 4 (student) or 16 (teacher), stages 3-4 (strides 4
# and 8) into a 32-channel FPN with 3 levels (strides 4, 8, 16).
# Configs use them as {{_base_.retina_student}} / {{_base_.retina_teacher}}.
def _retinanet(width):
    return dict(
        _scope_='mmdet',  # also when nested in an MMRazor algorithm
        type='RetinaNet',
        data_preprocessor=dict(
            type='DetDataPreprocessor',
            mean=[33.46], std=[78.87], bgr_to_rgb=False,
            pad_size_divisor=32),
        backbone=dict(
            type='mmpretrain.ResNet_CIFAR', depth=18, in_channels=1,
            stem_channels=width, base_channels=width, out_indices=(2, 3)),
        neck=dict(
            type='FPN', in_channels=[4 * width, 8 * width], out_channels=32,
            start_level=0, add_extra_convs='on_input', num_outs=3),
        bbox_head=dict(
            type='RetinaHead', num_classes=10, in_channels=32,
            stacked_convs=2, feat_channels=32,
            anchor_generator=dict(
                type='AnchorGenerator', octave_base_scale=4,
                scales_per_octave=3, ratios=[0.5, 1.0, 2.0],
                strides=[4, 8, 16]),
            bbox_coder=dict(
                type='DeltaXYWHBBoxCoder', target_means=[.0, .0, .0, .0],
                target_stds=[1.0, 1.0, 1.0, 1.0]),
            loss_cls=dict(
                type='FocalLoss', use_sigmoid=True, gamma=2.0, alpha=0.25,
                loss_weight=1.0),
            loss_bbox=dict(type='L1Loss', loss_weight=1.0)),
        train_cfg=dict(
            assigner=dict(
                type='MaxIoUAssigner', pos_iou_thr=0.5, neg_iou_thr=0.4,
                min_pos_iou=0, ignore_iof_thr=-1),
            sampler=dict(type='PseudoSampler'),
            allowed_border=-1, pos_weight=-1, debug=False),
        # A low score_thr: short CPU runs give low scores; CocoMetric then
        # still sees detections (with 0.05 it may return {}).
        test_cfg=dict(
            nms_pre=1000, min_bbox_size=0, score_thr=0.01,
            nms=dict(type='nms', iou_threshold=0.5), max_per_img=100))


retina_student = _retinanet(4)
retina_teacher = _retinanet(16)
