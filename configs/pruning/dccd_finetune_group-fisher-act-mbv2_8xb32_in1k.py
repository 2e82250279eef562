# DCCD after MMRazor's own GroupFisher recipe (prune, stock finetune;
# docs/compat.md): the student is the pruned MobileNetV2, rebuilt by
# MMRazor's GroupFisherDeploySubModel from a `fix_subnet` and a pruned
# checkpoint; the teacher is the unpruned MobileNetV2 the prune run started
# from. The base is the stock deploy config (its `fix_subnet`: MMRazor's
# released act-pruned structure) on MobileNetV2's MMPretrain schedule.
# For your own prune run, pass the stock finetune's outputs:
#   model.architecture.fix_subnet=FT/fix_subnet.json
#   model.architecture.architecture.init_cfg.checkpoint=FT/epoch_N.pth
# and, for a teacher of your own, model.teacher_ckpt (the prune config's
# starting weights).
_base_ = 'mmrazor::pruning/mmcls/group_fisher/mobilenet/group_fisher_act_deploy_mobilenet-v2_8xb32_in1k.py'  # noqa: E501
custom_imports = dict(imports=['mmrazor_dccd'], allow_failed_imports=False)

# MMRazor's finetuned weights of the base's `fix_subnet` (its metafile).
pruned_ckpt = 'https://download.openmmlab.com/mmrazor/v1/pruning/group_fisher/mobilenet/act/group_fisher_act_finetune_mobilenet-v2_8xb32_in1k.pth'  # noqa: E501
# The stock prune config's `pretrained_path`: MMPretrain's MobileNetV2.
teacher_ckpt = 'https://download.openmmlab.com/mmclassification/v0/mobilenet_v2/mobilenet_v2_batch256_imagenet_20200708-3b2dc3af.pth'  # noqa: E501
num_views = 2
beta, gamma = 1.0, 1.0

unpruned = dict(_base_.architecture, _scope_='mmpretrain')
model = dict(
    _delete_=True,
    _scope_='mmrazor',
    type='DCCDDistill',
    num_views=num_views,
    data_preprocessor=dict(
        type='MultiViewClsDataPreprocessor',
        num_views=num_views,
        num_classes=1000,
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    # GroupFisherDeploySubModel loads no weights: the Runner's
    # init_weights() loads them into the narrowed model.
    architecture=dict(
        type='GroupFisherDeploySubModel',
        architecture=dict(
            unpruned, init_cfg=dict(type='Pretrained',
                                    checkpoint=pruned_ckpt)),
        fix_subnet=_base_.fix_subnet),
    teacher=unpruned,
    teacher_ckpt=teacher_ckpt,
    distiller=dict(
        type='DCCDDistiller',
        num_views=num_views,
        # The last pruned map (the 7x7 depthwise output of layer7's 960-wide
        # expansion, 944 channels kept in `fix_subnet`): a 1x1 conv + BN
        # connector maps the student's channels to the teacher's.
        feature_layers='backbone.layer7.0.conv.1',
        student_channels=944,
        teacher_channels=960,
        logits_layer='head.fc',
        cc_loss=dict(
            type='ChannelContrastiveLoss', tau=0.1, mode='batch',
            loss_weight=beta),
        dd_loss=dict(
            type='DynamicDifferenceLoss', distance='mse', loss_weight=gamma),
        kd_loss=None))

# DefaultSampler: no last partial batch (a batch of one breaks BN and
# batch-mode L_cc).
train_dataloader = dict(
    drop_last=True,
    dataset=dict(pipeline=[
        dict(type='LoadImageFromFile'),
        dict(
            type='MultiView',
            num_views=num_views,
            transforms=[[
                dict(type='RandomResizedCrop', scale=224, backend='pillow'),
                dict(type='RandomFlip', prob=0.5, direction='horizontal'),
            ]]),
        dict(type='PackInputs'),
    ]))

find_unused_parameters = True
val_cfg = dict(_delete_=True, type='mmrazor.SingleTeacherDistillValLoop')
