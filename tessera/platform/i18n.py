"""Messages in English and Simplified Chinese.

Layers below raise English messages; this module picks the reader's locale and renders
titles and known message shapes in it. Unknown messages stay English rather than vanish.
"""

import re

LOCALES = ("en", "zh-CN")

TITLES = {
    "bad_request": ("Bad request", "请求无效"),
    "malformed_json": ("Malformed JSON", "JSON 格式错误"),
    "unauthenticated": ("Authentication required", "需要身份验证"),
    "permission_denied": ("Permission denied", "没有权限"),
    "not_found": ("Not found", "未找到"),
    "method_not_allowed": ("Method not allowed", "不允许的请求方法"),
    "payload_too_large": ("Request too large", "请求体过大"),
    "unsupported_media_type": ("Unsupported media type", "不支持的媒体类型"),
    "precondition_failed": ("Precondition failed", "前置条件不满足"),
    "internal_error": ("Internal error", "内部错误"),
    "invalid_document": ("Invalid metadata document", "元数据文档无效"),
    "unknown_kind": ("Unknown metadata kind", "未知的元数据类型"),
    "document_not_found": ("Metadata document not found", "未找到元数据文档"),
    "publish_refused": ("Publish refused", "发布被拒绝"),
    "lossy_change_refused": ("Change would lose data", "变更会丢失数据"),
    "concurrent_publish": ("Concurrent publish", "并发发布冲突"),
    "object_not_found": ("Object not found", "未找到对象"),
    "record_not_found": ("Record not found", "未找到记录"),
    "validation_failed": ("Validation failed", "校验失败"),
    "stale_version": ("Stale version", "版本已过期"),
    "record_in_use": ("Record in use", "记录正在被引用"),
    "invalid_query": ("Invalid query", "查询无效"),
    "unique_violation": ("Duplicate value", "值重复"),
    "formula_error": ("Formula error", "公式错误"),
    "metadata_error": ("Metadata error", "元数据错误"),
    "runtime_error": ("Request failed", "请求失败"),
}

# (English pattern, Chinese template): the shapes of the messages the layers raise.
_PATTERNS = [
    (r"Unknown field\.", "未知字段。"),
    (r"Missing data for required field\.", "缺少必填字段。"),
    (r"Field may not be null\.", "字段不能为空。"),
    (r"Not a valid number\.", "不是有效的数字。"),
    (r"Not a valid integer\.", "不是有效的整数。"),
    (r"Not a valid string\.", "不是有效的文本。"),
    (r"Not a valid boolean\.", "不是有效的布尔值。"),
    (r"Not a valid date\.", "不是有效的日期。"),
    (r"Not a valid datetime\.", "不是有效的日期时间。"),
    (r"Not a valid email address\.", "不是有效的电子邮件地址。"),
    (r"Not a valid URL\.", "不是有效的网址。"),
    (r"Not a valid list\.", "不是有效的列表。"),
    (r"Longer than maximum length (?P<n>\d+)\.", "长度超过上限 {n}。"),
    (r"Must be one of: (?P<v>.*)\.", "必须是以下之一：{v}。"),
    (r"not a valid phone number", "不是有效的电话号码"),
    (r"must have at most (?P<n>\d+) digits before the decimal point", "整数部分最多 {n} 位"),
    (r"no (?P<t>\w+) record with id (?P<id>\d+)", "不存在 id 为 {id} 的 {t} 记录"),
    (r'no published object "(?P<n>[^"]*)"', "没有名为“{n}”的已发布对象"),
    (r"the record is not valid", "记录无效"),
    (r"a lookup names a record that does not exist", "查找字段引用的记录不存在"),
    (r"another record already has this value", "其他记录已使用此值"),
    (r"the bearer token is (?P<w>malformed|not valid)", "访问令牌无效"),
    (r"this user is deactivated", "该用户已停用"),
    (r"an Authorization: Bearer token is required", "需要 Authorization: Bearer 访问令牌"),
    (r"(?P<n>\d+) (?P<c>\w+) record\(s\) refer to this record through (?P<f>\w+)", "有 {n} 条 {c} 记录通过 {f} 引用此记录"),
    (r"the metadata set does not pass its checks; nothing was published", "元数据未通过检查，未发布任何内容"),
    (r"this publish would lose data; review the plan and confirm to go ahead", "此次发布会丢失数据；请检查计划并确认后再发布"),
    (r'target object "(?P<t>[^"]*)" does not exist', "目标对象“{t}”不存在"),
    (r'duplicate field "(?P<f>[^"]*)".*', "字段“{f}”重复"),
    (r'"(?P<w>[^"]*)" is a reserved word', "“{w}”是保留字"),
    (r'"(?P<w>[^"]*)" is a system column', "“{w}”是系统字段"),
    (r"must start with a lower-case letter.*", "必须以小写字母开头，只能包含 a-z、0-9 和 _（最多 63 个字符）"),
    (r"the request body is not valid JSON.*", "请求体不是有效的 JSON"),
    (r"the request body must be JSON", "请求体必须是 JSON"),
    (r"(?P<f>\w+) is at version (?P<v>\d+).*", "{f} 的当前版本是 {v}"),
    (r"you may not (?P<a>\w+) (?P<o>\w+) records", "你无权对 {o} 记录执行 {a}"),
    (r"the request is larger than (?P<n>\d+) bytes", "请求超过 {n} 字节"),
    (r"an unexpected error occurred; it has been logged", "发生意外错误，已记录日志"),
]
_COMPILED = [(re.compile(f"^{p}$"), zh) for p, zh in _PATTERNS]


def pick_locale(accept_language, fallback="en"):
    """Return the supported locale the Accept-Language header prefers most."""
    best, best_q = None, -1.0
    for part in (accept_language or "").split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        tag = tag.strip().lower()
        locale = "zh-CN" if tag.startswith("zh") else ("en" if tag.startswith("en") else None)
        if locale and q > best_q:
            best, best_q = locale, q
    return best or fallback


def title(code, locale):
    """The short title of problem ``code`` in ``locale``."""
    en, zh = TITLES.get(code, TITLES["bad_request"])
    return zh if locale == "zh-CN" else en


def translate(message, locale):
    """Render an English message in ``locale`` when its shape is known."""
    if locale != "zh-CN" or not isinstance(message, str):
        return message
    for pattern, template in _COMPILED:
        match = pattern.match(message)
        if match:
            return template.format(**match.groupdict())
    return message
