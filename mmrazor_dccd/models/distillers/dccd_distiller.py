# Copyright (c) mmrazor-dccd contributors. All rights reserved.
"""DCCD's wiring of MMRazor's ConfigurableDistiller from a few arguments."""
import copy
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn

from mmrazor.models.distillers import ConfigurableDistiller
from mmrazor.models.task_modules.recorder import ModuleOutputsRecorder
from mmrazor.registry import MODELS
from .dccd_config import (FeatureSpec, LayerSpec, as_mapping, channels_of,
                          check_taus, check_weights, nearest_names, per_layer,
                          set_num_views, with_default)

DD_SOURCES = ('logits', 'features')
# Chosen on the Fashion-MNIST validation split (docs/benchmark.md): L_cc in
# batch mode, tau 0.1, beta 3 (on one view per image); no L_dd (no form of
# it helped a student).
DEFAULT_CC_LOSS = dict(type='ChannelContrastiveLoss', tau=0.1, mode='batch',
                       loss_weight=3.0)
# What a loss given without 'type' (a partial --cfg-options override) updates.
LOSS_TEMPLATES = dict(cc_loss=DEFAULT_CC_LOSS,
                      dd_loss=dict(type='DynamicDifferenceLoss'))


@MODELS.register_module()
class DCCDDistiller(ConfigurableDistiller):
    """The DCCD distiller: ``beta * L_cc + gamma * L_dd (+ alpha * KD)``.

    Builds the recorders, connectors, losses and ``loss_forward_mappings``
    of MMRazor's :class:`ConfigurableDistiller` from layer names, so a config
    stays short. Every term is switched off by setting its loss to ``None``.

    Args:
        feature_layers (str | list[str] | dict[str, str], optional): Student
            modules whose outputs feed the channel contrastive loss; a dict
            maps student to teacher module names when they differ.
            Defaults to None.
        logits_layer (str | tuple[str, str]): Module giving the logits
            (student, or a (student, teacher) pair). Defaults to 'head.fc'.
        student_channels (int | list[int], optional): Channels of each
            student feature layer. Defaults to None.
        teacher_channels (int | list[int], optional): Channels of each
            teacher feature layer. Where they differ from
            ``student_channels`` a ``connector`` maps student to teacher.
            Defaults to None.
        connector (dict | list[dict]): Connector config; ``in_channel`` /
            ``out_channel`` are filled into it (into the first entry of a
            list, which MMRazor chains, e.g. with a
            ``TorchFunctionalConnector`` that interpolates to the teacher's
            spatial size). Defaults to a 1x1 conv + BN (MMRazor's
            ``ConvModuleConnector``).
        teacher_connector (dict | list[dict], optional): A parameter-free
            connector applied to every teacher feature before the losses,
            e.g. ``dict(type='TorchFunctionalConnector',
            function_name='adaptive_avg_pool2d',
            func_args=dict(output_size=1))`` to pool the teacher's map to
            the size of a student's last (1x1) feature in a
            cross-architecture pair. Defaults to None.
        cc_loss (dict, optional): Channel contrastive loss, one per feature
            layer. Defaults to ``ChannelContrastiveLoss(tau=0.1,
            mode='batch', loss_weight=3.0)`` (beta 3), chosen on the
            Fashion-MNIST validation split with one view per image
            (``docs/benchmark.md``, "Safe defaults").
        dd_loss (dict, optional): Dynamic difference loss, e.g.
            ``dict(type='DynamicDifferenceLoss')``. Defaults to None: on the
            Fashion-MNIST validation split no form of it helped (``L_cc``
            alone scored highest; ``L_dd`` alone was below the student
            alone), see ``docs/benchmark.md``.
        kd_loss (dict, optional): Logit distillation, e.g.
            ``dict(type='KLDivergence', tau=4)``. Defaults to None.
        dd_source (str): What ``dd_loss`` differences: ``'logits'`` (the
            ``logits_layer``) or ``'features'`` (the first feature layer,
            after its connector). Defaults to 'logits'.
        num_views (int): Views per image, given to ``dd_loss`` (which
            needs 2 or more); ``DCCDDistill`` passes its own. Defaults
            to 1.
        **kwargs: Further :class:`ConfigurableDistiller` arguments. Extra
            recorders, connectors, losses and ``loss_forward_mappings`` are
            merged in; an entry given there under a generated name (e.g.
            ``loss_forward_mappings=dict(loss_cc=...)``) replaces the
            generated one.

    A loss given without ``type`` updates the default loss (or, for
    ``dd_loss``, a default ``DynamicDifferenceLoss``): ``dd_loss=dict(
    loss_weight=0.1)`` is ``DynamicDifferenceLoss`` with weight 0.1.

    Mistakes are named by their config key: a negative or non-finite
    ``loss_weight`` at build time, a module name missing from the student
    or teacher when the algorithm hooks them (with the nearest valid
    names), and ``student_channels`` / ``teacher_channels`` against the
    recorded features, at every step before a connector runs.

    Examples:
        >>> distiller = DCCDDistiller(
        ...     feature_layers='backbone.layer4',
        ...     student_channels=32, teacher_channels=128,
        ...     dd_loss=dict(type='DynamicDifferenceLoss'), num_views=2)
        >>> sorted(distiller.student_recorders.recorders)
        ['feat', 'logits']
        >>> list(distiller.connectors)
        ['feat_connector']
        >>> sorted(distiller.distill_losses)
        ['loss_cc', 'loss_dd']
        >>> distiller.loss_forward_mappings['loss_cc']['preds_S']
        {'from_student': True, 'recorder': 'feat', 'connector': \
'feat_connector'}

        Two feature layers give ``feat_0``/``feat_1``, ``loss_cc_0``/
        ``loss_cc_1`` and ``feat_0_connector``/``feat_1_connector``; a
        ``kd_loss`` adds ``loss_kd`` on the ``logits`` recorder.
    """

    def __init__(self,
                 feature_layers: Optional[LayerSpec] = None,
                 logits_layer: Union[str, Sequence[str]] = 'head.fc',
                 student_channels: Optional[Union[int, List[int]]] = None,
                 teacher_channels: Optional[Union[int, List[int]]] = None,
                 connector: Union[dict, List[dict]] = dict(
                     type='ConvModuleConnector',
                     kernel_size=1,
                     norm_cfg=dict(type='BN'),
                     act_cfg=None),
                 teacher_connector: Optional[Union[dict, List[dict]]] = None,
                 cc_loss: Optional[dict] = DEFAULT_CC_LOSS,
                 dd_loss: Optional[dict] = None,
                 kd_loss: Optional[dict] = None,
                 dd_source: str = 'logits',
                 num_views: int = 1,
                 **kwargs) -> None:
        if dd_source not in DD_SOURCES:
            raise ValueError(f'Unknown dd_source {dd_source!r}; use one of '
                             f'{DD_SOURCES}.')
        cc_loss = with_default(cc_loss, LOSS_TEMPLATES['cc_loss'])
        dd_loss = with_default(dd_loss, LOSS_TEMPLATES['dd_loss'])
        check_weights(dict(cc_loss=cc_loss, dd_loss=dd_loss,
                           kd_loss=kd_loss))
        check_taus(dict(cc_loss=cc_loss, dd_loss=dd_loss, kd_loss=kd_loss))
        check_weights({f'distill_losses.{name}': loss for name, loss in
                       kwargs.get('distill_losses', {}).items()})
        # Config key of each generated recorder, named in source errors.
        source_keys = {}
        feature_specs = {}
        dccd_losses = set()
        cfg = dict(
            student_recorders=dict(kwargs.pop('student_recorders', {})),
            teacher_recorders=dict(kwargs.pop('teacher_recorders', {})),
            connectors=dict(kwargs.pop('connectors', {})),
            distill_losses=dict(kwargs.pop('distill_losses', {})),
            loss_forward_mappings=dict(
                kwargs.pop('loss_forward_mappings', {})))

        # setdefault everywhere: what the user passed explicitly wins.
        def record(name, student_src, teacher_src, key):
            source_keys[name] = key
            cfg['student_recorders'].setdefault(
                name, dict(type='ModuleOutputs', source=student_src))
            cfg['teacher_recorders'].setdefault(
                name, dict(type='ModuleOutputs', source=teacher_src))

        def add_loss(loss_name, loss_cfg, recorder, connector_name=None,
                     teacher_connector_name=None):
            dccd_losses.add(loss_name)
            cfg['distill_losses'].setdefault(loss_name, loss_cfg)
            student = dict(from_student=True, recorder=recorder)
            if connector_name:
                student['connector'] = connector_name
            teacher = dict(from_student=False, recorder=recorder)
            if teacher_connector_name:
                teacher['connector'] = teacher_connector_name
            cfg['loss_forward_mappings'].setdefault(
                loss_name, dict(preds_S=student, preds_T=teacher))

        layers = as_mapping(feature_layers)
        if dd_loss is not None and dd_source == 'features' and not layers:
            raise ValueError("dd_source='features' differences the first "
                             'feature layer: set feature_layers.')
        feat_connector = feat_t_connector = None
        if (cc_loss is not None or dd_source == 'features') and layers:
            s_chs = per_layer(student_channels, len(layers),
                              'student_channels')
            t_chs = per_layer(teacher_channels, len(layers),
                              'teacher_channels')
            for i, (s_layer, t_layer) in enumerate(layers.items()):
                suffix = '' if len(layers) == 1 else f'_{i}'
                record(f'feat{suffix}', s_layer, t_layer, 'feature_layers')
                feature_specs[f'feat{suffix}'] = FeatureSpec(
                    None if len(layers) == 1 else i, s_layer, t_layer,
                    s_chs[i], t_chs[i])
                connector_name = None
                if s_chs[i] is not None and t_chs[i] is not None \
                        and s_chs[i] != t_chs[i]:
                    connector_name = f'feat{suffix}_connector'
                    chain = copy.deepcopy(connector)
                    first = chain[0] if isinstance(chain, list) else chain
                    first.update(in_channel=s_chs[i], out_channel=t_chs[i])
                    cfg['connectors'].setdefault(connector_name, chain)
                t_connector_name = None
                if teacher_connector is not None:
                    t_connector_name = f'feat{suffix}_teacher_connector'
                    cfg['connectors'].setdefault(
                        t_connector_name, copy.deepcopy(teacher_connector))
                if i == 0:
                    feat_connector = connector_name
                    feat_t_connector = t_connector_name
                if cc_loss is not None:
                    add_loss(f'loss_cc{suffix}', copy.deepcopy(cc_loss),
                             f'feat{suffix}', connector_name,
                             t_connector_name)

        if (dd_loss is not None and dd_source == 'logits') \
                or kd_loss is not None:
            s_logits, t_logits = ((logits_layer, logits_layer) if isinstance(
                logits_layer, str) else tuple(logits_layer))
            record('logits', s_logits, t_logits, 'logits_layer')
        if dd_loss is not None:
            if num_views < 2:
                raise ValueError(
                    'dd_loss differences the views of one image and needs '
                    f'num_views >= 2, got num_views={num_views}. Set '
                    'model.num_views=2 with a MultiView(num_views=2) train '
                    'pipeline, or dd_loss=None (L_cc alone needs one view).')
            set_num_views(dd_loss, num_views, 'DCCDDistiller')
            if dd_source == 'logits':
                add_loss('loss_dd', dd_loss, 'logits')
            else:
                suffix = '' if len(layers) == 1 else '_0'
                add_loss('loss_dd', dd_loss, f'feat{suffix}', feat_connector,
                         feat_t_connector)
        if kd_loss is not None:
            add_loss('loss_kd', copy.deepcopy(kd_loss), 'logits')
        if not cfg['distill_losses']:
            raise ValueError('DCCDDistiller has no loss: set cc_loss with '
                             'feature_layers, dd_loss or kd_loss.')
        self.num_views = num_views
        super().__init__(**cfg, **kwargs)
        self.source_keys = source_keys
        self.feature_specs = feature_specs
        self.dccd_losses = dccd_losses
        for name, module in self.connectors.items():
            if name.endswith('_teacher_connector') and any(
                    True for _ in module.parameters()):
                raise ValueError(
                    f'teacher_connector {name!r} has parameters: trained '
                    'together with the student connector it could map both '
                    'to the same trivial features. Use a parameter-free '
                    'connector (TorchFunctionalConnector, e.g. '
                    "adaptive_avg_pool2d) and map the student with "
                    '`connector`.')

    def prepare_from_student(self, model: nn.Module) -> None:
        """Check the student's recorded module names, then hook them."""
        self._check_sources(model, self.student_recorders, 'student')
        super().prepare_from_student(model)

    def prepare_from_teacher(self, model: nn.Module) -> None:
        """Check the teacher's recorded module names, then hook them."""
        self._check_sources(model, self.teacher_recorders, 'teacher')
        super().prepare_from_teacher(model)

    def _check_sources(self, model: nn.Module, recorders,
                       who: str) -> None:
        """Name the config key, the model and the nearest valid module
        names (MMRazor only asserts '"x" is not in the model.')."""
        names = [name for name, _ in model.named_modules()]
        for rec_name, recorder in recorders.recorders.items():
            if not isinstance(recorder, ModuleOutputsRecorder) or \
                    recorder.source in names:
                continue
            key = self.source_keys.get(
                rec_name, f'{who}_recorders.{rec_name}.source')
            raise ValueError(
                f'DCCDDistiller {key}: {recorder.source!r} is not a module '
                f'of the {who} ({type(model).__name__}). Nearest module '
                f'names in the {who}: '
                f'{nearest_names(recorder.source, names)}. '
                f'Fix: set {key} to a name from the {who}\'s '
                '`named_modules()`.')

    def compute_distill_losses(self) -> Dict[str, torch.Tensor]:
        """Check the recorded channels, then compute the losses."""
        for rec_name, spec in self.feature_specs.items():
            self._check_channels(rec_name, spec)
        return super().compute_distill_losses()

    def _check_channels(self, rec_name: str, spec: FeatureSpec) -> None:
        """Stop before a connector meets a feature of another width: name
        the config key and the measured channel count."""
        measured = {}
        for who, recorders in (('student', self.student_recorders),
                               ('teacher', self.teacher_recorders)):
            recorder = recorders.get_recorder(rec_name)
            if not recorder.data_buffer:
                return
            measured[who] = channels_of(recorder.get_record_data())
        if None in measured.values():
            return
        at = '' if spec.index is None else f'[{spec.index}]'
        for who, layer, given in (
                ('student', spec.student, spec.student_channels),
                ('teacher', spec.teacher, spec.teacher_channels)):
            if given is not None and given != measured[who]:
                raise ValueError(
                    f'DCCDDistiller {who}_channels{at} is {given}, but the '
                    f'{who} layer {layer!r} outputs {measured[who]} '
                    f'channels. Fix: set {who}_channels{at}='
                    f'{measured[who]}.')
        # A DCCD loss compares same-shaped features: some connector needed.
        unconnected = any(
            all('connector' not in arg for arg in mapping.values())
            and any(arg.get('recorder') == rec_name
                    for arg in mapping.values())
            for name, mapping in self.loss_forward_mappings.items()
            if name in self.dccd_losses)
        if measured['student'] != measured['teacher'] and unconnected:
            raise ValueError(
                f"DCCDDistiller: the student layer {spec.student!r} outputs "
                f"{measured['student']} channels, the teacher layer "
                f"{spec.teacher!r} {measured['teacher']}, and no connector "
                f"maps one to the other. Fix: set student_channels{at}="
                f"{measured['student']} and teacher_channels{at}="
                f"{measured['teacher']} (DCCDDistiller then adds a "
                'connector).')
