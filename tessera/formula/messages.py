"""Message catalogue: one English and one Simplified Chinese template per diagnostic code."""
from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "too_long": (
        "formula is {length} characters long; the limit is {limit}",
        "公式长度为 {length} 个字符，超过上限 {limit}",
    ),
    "too_deep": (
        "formula nests deeper than {limit} levels",
        "公式嵌套层数超过上限 {limit}",
    ),
    "too_deep_for_sql": (
        "formula nests deeper than {limit} levels, too deep to run in SQLite",
        "公式嵌套超过 {limit} 层，无法在 SQLite 中执行",
    ),
    "too_many_nodes": (
        "formula has more than {limit} elements",
        "公式元素数量超过上限 {limit}",
    ),
    "unexpected_character": (
        "unexpected character {token}",
        "意外的字符 {token}",
    ),
    "unexpected_token": (
        "unexpected {token}; expected {expected}{hint}",
        "意外的 {token}；应为 {expected_zh}{hint_zh}",
    ),
    "unexpected_end": (
        "formula ends unexpectedly; expected {expected}",
        "公式意外结束；应为 {expected_zh}",
    ),
    "unterminated_string": (
        "text literal is not closed",
        "文本字面量缺少结束引号",
    ),
    "bad_escape": (
        "unknown escape sequence {token} in text literal",
        "文本字面量中有未知的转义序列 {token}",
    ),
    "empty_formula": (
        "formula is empty",
        "公式为空",
    ),
    "unknown_field": (
        'unknown field "{name}"{hint}',
        '未知字段 "{name}"{hint_zh}',
    ),
    "unknown_object": (
        'lookup "{name}" points to unknown object "{target}"',
        '查找字段 "{name}" 指向未知对象 "{target}"',
    ),
    "not_a_lookup": (
        '"{name}" is not a lookup field, so ".{next}" cannot follow it',
        '"{name}" 不是查找字段，不能在其后使用 ".{next}"',
    ),
    "too_many_hops": (
        "lookup path {path} has {hops} hops; the limit is {limit}",
        "查找路径 {path} 跨越 {hops} 级关系，上限为 {limit}",
    ),
    "unknown_global": (
        'unknown global "${name}"{hint}',
        '未知全局变量 "${name}"{hint_zh}',
    ),
    "unknown_function": (
        'unknown function "{name}"{hint}',
        '未知函数 "{name}"{hint_zh}',
    ),
    "wrong_arg_count": (
        "{name} takes {expected} argument(s), got {got}",
        "{name} 需要 {expected} 个参数，实际为 {got} 个",
    ),
    "argument_type": (
        "argument {index} of {name} must be {expected}, got {got}",
        "{name} 的第 {index} 个参数应为 {expected_zh}，实际为 {got}",
    ),
    "argument_literal": (
        "argument {index} of {name} must be a literal {expected}",
        "{name} 的第 {index} 个参数必须是{expected_zh}字面量",
    ),
    "argument_field": (
        "argument {index} of {name} must be a field of this record",
        "{name} 的第 {index} 个参数必须是本记录的字段",
    ),
    "argument_count_pairs": (
        "{name} takes {expected}, got {got} argument(s)",
        "{name} 需要{expected_zh}，实际为 {got} 个参数",
    ),
    "mixed_types": (
        "{name} needs values of one type, got {got}",
        "{name} 的各个值必须是同一类型，实际为 {got}",
    ),
    "operator_type": (
        "operator {op} cannot combine {left} and {right}",
        "运算符 {op} 不能用于 {left} 和 {right}",
    ),
    "unary_type": (
        "operator {op} cannot be applied to {operand}",
        "运算符 {op} 不能用于 {operand}",
    ),
    "concat_type": (
        "operator & joins text, got {got}; wrap the value in TEXT()",
        "运算符 & 只能连接文本，实际为 {got}；请用 TEXT() 转换",
    ),
    "function_not_allowed": (
        '{name} is not allowed in a {context} formula',
        '{name} 不能用于{context_zh}公式',
    ),
    "nested_aggregate": (
        "{name} cannot be nested inside another aggregate",
        "{name} 不能嵌套在另一个聚合函数中",
    ),
    "field_outside_aggregate": (
        'field "{name}" must be inside an aggregate such as SUM() in an aggregate formula',
        '聚合公式中的字段 "{name}" 必须位于 SUM() 等聚合函数内',
    ),
    "result_type": (
        "formula returns {got}, but {expected} is required",
        "公式返回 {got}，但要求 {expected}",
    ),
    "unknown_context": (
        'unknown formula context "{context}"',
        '未知的公式上下文 "{context}"',
    ),
    "not_pushable": (
        "formula uses {names}, which cannot run in the database",
        "公式使用了 {names}，无法在数据库中执行",
    ),
    "evaluation_error": (
        "formula could not be evaluated: {detail}",
        "公式无法求值：{detail}",
    ),
}

CONTEXT_ZH = {"field": "字段", "filter": "筛选", "validation": "验证", "aggregate": "聚合"}


def render(code: str, params: dict) -> tuple[str, str]:
    """Return the (English, Chinese) message for `code` filled with `params`."""
    en, zh = MESSAGES[code]
    values = {"hint": "", "hint_zh": "", **params}
    values.setdefault("context_zh", CONTEXT_ZH.get(str(values.get("context")), values.get("context")))
    return en.format(**values), zh.format(**values)
