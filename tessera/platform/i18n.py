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
    "document_exists": ("Metadata document already exists", "元数据文档已存在"),
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
    "login_throttled": ("Too many failed logins", "登录失败次数过多"),
    "csrf_failed": ("CSRF check failed", "CSRF 校验失败"),
    "field_access_denied": ("Field access denied", "没有字段权限"),
    "token_scope_exceeded": ("Outside the token's scope", "超出访问令牌的范围"),
    "directory_conflict": ("Directory conflict", "组织架构冲突"),
    "too_many_groups": ("Too many groups", "分组过多"),
    "service_unavailable": ("Service unavailable", "服务不可用"),
    "database_unavailable": ("Database unavailable", "数据库不可用"),
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
    # hostile input: bounds, NUL, nesting, exact decimals
    (r"must have at most (?P<n>\d+) decimal places?", "小数部分最多 {n} 位"),
    (r"must be a whole number", "必须是整数"),
    (r"Special numeric values \(nan or infinity\) are not permitted\.", "不允许使用特殊数值（NaN 或无穷大）。"),
    (r"(?P<v>.+) is not one of the options", "{v} 不是可选项之一"),
    (r"values must not repeat", "值不能重复"),
    (r"must not contain NUL characters", "不能包含 NUL 字符"),
    (r"query parameter (?P<n>.+): must not contain NUL characters", "查询参数 {n} 不能包含 NUL 字符"),
    (r"(?P<l>\w+): must not contain NUL characters", "{l}：不能包含 NUL 字符"),
    (r"must be valid Unicode text", "必须是有效的 Unicode 文本"),
    (r"the request body holds text that cannot be stored", "请求体包含无法存储的文本"),
    (r"the request body nests deeper than (?P<n>\d+) levels", "请求体嵌套超过 {n} 层"),
    (r"not a valid (?P<t>\w+) value", "不是有效的 {t} 值"),
    (r"(?P<l>\w+): (?P<v>.+) is not a valid (?P<t>\w+) value", "{l}：{v} 不是有效的 {t} 值"),
    (r"The requested URL was not found on the server\..*", "服务器上未找到请求的网址。"),
    (r"no (?P<t>\w+) record with id (?P<id>\d+)", "不存在 id 为 {id} 的 {t} 记录"),
    (r'no published object "(?P<n>[^"]*)"', "没有名为“{n}”的已发布对象"),
    (r"the record is not valid", "记录无效"),
    (r"some records are not valid", "部分记录无效"),
    (r"the record breaks validation rules", "记录违反了校验规则"),
    (r"a record must be a JSON object", "记录必须是 JSON 对象"),
    (r"not an object", "不是对象"),
    (r"a lookup names a record that does not exist", "查找字段引用的记录不存在"),
    (r"another record already has this value", "其他记录已使用此值"),
    (r"(?P<f>\w+): filter by one option at a time", "{f}：每次只能按一个选项筛选"),
    (r"name one option", "只能指定一个选项"),
    (r"another record already has a value this record must not share", "其他记录已使用本记录中某个须唯一的值"),
    (r"a unique field already holds this value", "唯一字段中已有此值"),
    (r"the bearer token is (?P<w>malformed|not valid)", "访问令牌无效"),
    (r"this user is deactivated", "该用户已停用"),
    (r"an Authorization: Bearer token is required", "需要 Authorization: Bearer 访问令牌"),
    (r"(?P<n>\d+) (?P<c>\w+) record\(s\) refer to this record through (?P<f>\w+)", "有 {n} 条 {c} 记录通过 {f} 引用此记录"),
    (r"the metadata set does not pass its checks, so it cannot be published", "元数据未通过检查，无法发布"),
    (r"this publish would lose data; review the plan and confirm to go ahead", "此次发布会丢失数据；请检查计划并确认后再发布"),
    (r'target object "(?P<t>[^"]*)" does not exist', "目标对象“{t}”不存在"),
    (r'(?P<k>\w+) "(?P<n>[^"]*)" already exists; use PUT to change it', "{k}“{n}”已存在；请用 PUT 修改"),
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
    (r"the database does not answer", "数据库没有响应"),
    (r"Redis does not answer", "Redis 没有响应"),
    # identity, permissions and sharing
    (r"the username or password is wrong", "用户名或密码错误"),
    (r"too many failed logins; try again in (?P<n>\d+) seconds", "登录失败次数过多，请在 {n} 秒后重试"),
    (r"the bearer token has been revoked", "访问令牌已被吊销"),
    (r"the bearer token has expired", "访问令牌已过期"),
    (r"the session has ended; log in again", "会话已结束，请重新登录"),
    (r"a valid X-CSRF-Token header is required", "需要有效的 X-CSRF-Token 请求头"),
    (r"this token is read-only", "此访问令牌为只读"),
    (r"this token may only reach the records of its objects", "此访问令牌只能访问其指定对象的记录"),
    (r"this token may not reach (?P<o>\w+) records", "此访问令牌不能访问 {o} 记录"),
    (r"this token may not (?P<a>\w+) (?P<o>\w+) records", "此访问令牌不能对 {o} 记录执行 {a}"),
    (r"(?P<l>\w+): you may not use a field you cannot read", "{l}：不能使用你无权读取的字段"),
    (r"names a field you may not read", "包含你无权读取的字段"),
    (r"you may not write a field you cannot read", "不能写入你无权读取的字段"),
    (r"you may not edit this field", "你无权编辑此字段"),
    (r"you may not edit (?P<f>\w+)", "你无权编辑字段 {f}"),
    (r"the owner changes only through a transfer", "所有者只能通过转移来更改"),
    (r"use the transfer action to change the owner", "请使用转移操作更改所有者"),
    (r"you may not (?P<a>\w+) this (?P<o>\w+) record", "你无权对此 {o} 记录执行 {a}"),
    (r"you may not create (?P<o>\w+) records: a required field is not editable for you",
     "你无权创建 {o} 记录：有必填字段你无权编辑"),
    (r"only administrators may do this", "只有管理员可以执行此操作"),
    (r"only administrators may read other users", "只有管理员可以查看其他用户"),
    (r"you may change only your display name, email and locale", "你只能修改自己的显示名称、电子邮件和语言"),
    (r"only an administrator may change this", "只有管理员可以修改此项"),
    (r"you cannot deactivate yourself or drop your own administrator right", "你不能停用自己或撤销自己的管理员权限"),
    (r"a password needs from (?P<a>\d+) to (?P<b>\d+) characters", "密码长度须为 {a} 到 {b} 个字符"),
    (r"must have from (?P<a>\d+) to (?P<b>\d+) characters", "长度须为 {a} 到 {b} 个字符"),
    (r"the current password is wrong", "当前密码错误"),
    (r"no user with id (?P<id>\d+)", "不存在 id 为 {id} 的用户"),
    (r"no token with id (?P<id>\d+)", "不存在 id 为 {id} 的访问令牌"),
    (r"no team with that name", "不存在该名称的团队"),
    (r"no role with that name", "不存在该名称的角色"),
    (r"a team with that name already exists", "已存在同名团队"),
    (r"a role with that name already exists", "已存在同名角色"),
    (r"a (?P<k>team|role) cannot sit below itself", "不能把它放在自身之下"),
    (r"this (?P<k>team|role) still has (?P<n>\d+) sub-unit\(s\)", "仍有 {n} 个下级单元"),
    (r"would make a cycle", "会形成循环"),
    (r"the new owner may not read (?P<o>\w+) records", "新所有者无权读取 {o} 记录"),
    (r"the new owner is not an active user", "新所有者不是有效用户"),
    (r"the record is not shared with them", "该记录并未共享给对方"),
    (r"a transfer names the new owner and nothing else", "转移只需指定新所有者"),
    (r"name exactly one of user, team or role", "请指定且只指定用户、团队或角色之一"),
    (r"the (?P<w>username|user|token request) is not valid", "输入无效"),
    (r'object "(?P<o>[^"]*)" does not exist', "对象“{o}”不存在"),
    (r'object "(?P<o>[^"]*)" has no field "(?P<f>[^"]*)"', "对象“{o}”没有字段“{f}”"),
    (r"a field that may be edited must be readable", "可编辑的字段必须可读"),
    (r"a permission set is not published", "权限集尚未发布"),
    # list, count, aggregate and export parameters
    (r"(?P<l>\w+): unknown field\(s\) (?P<f>.+) on (?P<o>\w+)", "{l}：对象 {o} 没有字段 {f}"),
    (r'unknown field "(?P<f>[^"]*)"', "未知字段“{f}”"),
    (r"(?P<p>\w+): not a parameter of this route", "{p}：不是此接口的参数"),
    (r"not a parameter of this route", "不是此接口的参数"),
    (r"group_by: at most (?P<n>\d+) fields", "group_by：最多 {n} 个字段"),
    (r"at most (?P<n>\d+) fields", "最多 {n} 个字段"),
    (r"group_by: (?P<f>\w+) cannot be grouped on", "group_by：不能按 {f} 分组"),
    (r"(?P<f>\w+) cannot be grouped on", "不能按 {f} 分组"),
    (r"(?P<l>\w+): (?P<f>\w+) cannot be computed in the database", "{l}：{f} 无法在数据库中计算"),
    (r"(?P<f>\w+) cannot be computed in the database", "{f} 无法在数据库中计算"),
    (r"group_by: (?P<f>\w+) has the name of a measure", "group_by：{f} 与某个统计项同名"),
    (r"(?P<f>\w+) has the name of a measure", "{f} 与某个统计项同名"),
    (r'measures: unknown measure "(?P<m>[^"]*)"; use count, sum:field, avg:field, min:field or max:field',
     "measures：未知的统计项“{m}”；可用 count、sum:字段、avg:字段、min:字段 或 max:字段"),
    (r'unknown measure "(?P<m>[^"]*)"', "未知的统计项“{m}”"),
    (r"measures: (?P<m>\w+:\w+) needs a number, currency or percent field", "measures：{m} 需要数字、货币或百分比字段"),
    (r"(?P<m>\w+:\w+) needs a number, currency or percent field", "{m} 需要数字、货币或百分比字段"),
    (r"measures: (?P<m>\w+:\w+) needs a number, currency, percent, date, datetime or text field",
     "measures：{m} 需要数字、货币、百分比、日期、日期时间或文本字段"),
    (r"(?P<m>\w+:\w+) needs a number, currency, percent, date, datetime or text field",
     "{m} 需要数字、货币、百分比、日期、日期时间或文本字段"),
    (r"the aggregate has more than (?P<n>\d+) groups; filter further or group by fewer fields",
     "汇总结果超过 {n} 组；请进一步筛选或减少分组字段"),
    (r"more than (?P<n>\d+) groups", "超过 {n} 组"),
    (r"format must be csv or jsonl", "format 必须是 csv 或 jsonl"),
    (r"must be csv or jsonl", "必须是 csv 或 jsonl"),
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
    translations = getattr(message, "translations", None)
    if translations:
        return translations.get(locale) or str(message)
    if locale != "zh-CN" or not isinstance(message, str):
        return message
    for pattern, template in _COMPILED:
        match = pattern.match(message)
        if match:
            return template.format(**match.groupdict())
    return message
