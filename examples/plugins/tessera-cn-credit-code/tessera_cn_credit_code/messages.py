"""The plugin's messages and labels, in English and Simplified Chinese."""

from tessera.runtime.errors import LocalText

LABEL = {"en": "Unified social credit code", "zh-CN": "统一社会信用代码"}

MESSAGES = {
    "text": ("must be text", "必须是文本"),
    "length": ("a unified social credit code has 18 characters, not {length}",
               "统一社会信用代码应为 18 个字符，而不是 {length} 个"),
    "character": ('"{char}" is not used in unified social credit codes (never I, O, Z, S or V)',
                  '统一社会信用代码中不使用字符“{char}”（不含 I、O、Z、S、V）'),
    "check": ('the check character should be "{expected}", not "{found}" (GB 32100-2015)',
              '校验码应为“{expected}”，而不是“{found}”（GB 32100-2015）'),
}


def message(key, **params):
    """The message ``key`` with ``params``, as text that knows its en and zh-CN forms."""
    en, zh = MESSAGES[key]
    return LocalText({"en": en.format(**params), "zh-CN": zh.format(**params)})
