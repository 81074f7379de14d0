// Chinese strings for @json-editor/json-editor (only English is built in). Load after jsoneditor.js;
// the page then picks 'zh' or 'en' from <html lang>.
(function () {
  JSONEditor.defaults.languages.zh = {
    error_notset: '必须填写', error_notempty: '必填', error_enum: '取值不在允许范围内', error_const: '取值不正确',
    error_anyOf: '填写内容不符合要求', error_oneOf: '填写内容不符合要求', error_not: '与其他填写内容矛盾',
    error_type_union: '类型不正确', error_type: '类型应为 {{0}}', error_disallow_union: '类型不正确',
    error_disallow: '类型不能为 {{0}}', error_multipleOf: '应为 {{0}} 的倍数',
    error_maximum_excl: '应小于 {{0}}', error_maximum_incl: '不能大于 {{0}}',
    error_minimum_excl: '应大于 {{0}}', error_minimum_incl: '不能小于 {{0}}',
    error_maxLength: '不能超过 {{0}} 个字', error_minLength: '至少 {{0}} 个字', error_contains: '缺少必要的项目',
    error_minContains: '必要的项目不足', error_maxContains: '项目过多', error_pattern: '格式不正确',
    error_additionalItems: '不允许更多项目', error_maxItems: '最多 {{0}} 项', error_minItems: '至少 {{0}} 项',
    error_uniqueItems: '存在重复项', error_maxProperties: '最多 {{0}} 个字段', error_minProperties: '至少 {{0}} 个字段',
    error_required: '缺少必填项“{{0}}”', error_additional_properties: '不允许的字段 {{0}}',
    error_property_names_exceeds_maxlength: '字段名 {{0}} 过长', error_property_names_enum_mismatch: '字段名 {{0}} 不允许',
    error_property_names_const_mismatch: '字段名 {{0}} 不允许', error_property_names_pattern_mismatch: '字段名 {{0}} 格式不正确',
    error_property_names_false: '字段名 {{0}} 不允许', error_property_names_maxlength: '字段名 {{0}} 不允许',
    error_property_names_enum: '字段名 {{0}} 不允许', error_property_names_pattern: '字段名 {{0}} 不允许',
    error_property_names_unsupported: '不支持的字段名 {{0}}', error_dependency: '须同时填写 {{0}}',
    error_date: '日期格式应为 {{0}}', error_time: '时间格式应为 {{0}}', error_datetime_local: '日期时间格式应为 {{0}}',
    error_invalid_epoch: '日期不能早于1970年1月1日', error_ipv4: 'IPv4 地址格式不正确', error_ipv6: 'IPv6 地址格式不正确',
    error_hostname: '主机名格式不正确', upload_max_size: '文件过大，最大为 ', upload_wrong_file_format: '文件格式不允许，允许：',
    button_save: '保存', button_copy: '复制', button_cancel: '取消', button_add: '添加', button_delete_all: '全部',
    button_delete_all_title: '全部删除', button_delete_last: '最后一项{{0}}', button_delete_last_title: '删除最后一项{{0}}',
    button_add_row_title: '添加{{0}}', button_move_down_title: '下移', button_move_up_title: '上移',
    button_properties: '字段', button_object_properties: '字段', button_copy_row_title: '复制{{0}}',
    button_delete_row_title: '删除{{0}}', button_delete_row_title_short: '删除', button_copy_row_title_short: '复制',
    button_collapse: '收起', button_expand: '展开', button_edit_json: '编辑 JSON', button_upload: '上传',
    flatpickr_toggle_button: '切换', flatpickr_clear_button: '清除', choices_placeholder_text: '输入以添加',
    default_array_item_title: '项', button_delete_node_warning: '确定删除此项吗？', table_controls: '操作',
    paste_max_length_reached: '粘贴的内容超过 {{0}} 字，已截断。'
  };
  JSONEditor.defaults.language = document.documentElement.lang === 'en' ? 'en' : 'zh';
})();
