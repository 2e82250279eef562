# MMRazor's CWD (ChannelWiseDivergence, Shu et al. ICCV 2021: KL between the
# spatial softmax of every channel) on Fashion-MNIST, pair (a): the closest
# channel-level relative of DCCD's L_cc, on the same layer through the same
# 1x1 conv + BN connector. Weight chosen on the validation split.
_base_ = ['../_base_/fmnist_distill.py']
model = dict(
    distiller=dict(
        type='ConfigurableDistiller',
        student_recorders=dict(
            feat=dict(type='ModuleOutputs', source='backbone.layer4')),
        teacher_recorders=dict(
            feat=dict(type='ModuleOutputs', source='backbone.layer4')),
        connectors=dict(
            feat_connector=dict(
                type='ConvModuleConnector', in_channel=32, out_channel=128,
                kernel_size=1, norm_cfg=dict(type='BN'), act_cfg=None)),
        distill_losses=dict(
            loss_cwd=dict(type='ChannelWiseDivergence', tau=1,
                          loss_weight=3)),
        loss_forward_mappings=dict(
            loss_cwd=dict(
                preds_S=dict(from_student=True, recorder='feat',
                             connector='feat_connector'),
                preds_T=dict(from_student=False, recorder='feat')))))
