"""The built-in notification channels (e-mail, WeCom, DingTalk, Feishu), registered as a plugin's are."""

from tessera.runtime.notifications.email_channel import EmailChannel
from tessera.runtime.notifications.robot_channels import DingTalkChannel, FeishuChannel, WeComChannel

from ..hookspecs import hookimpl


@hookimpl
def tessera_register_notification_channels():
    """E-mail over SMTP and the WeCom, DingTalk and Feishu group robots."""
    return {"email": EmailChannel(), "wecom": WeComChannel(), "dingtalk": DingTalkChannel(),
            "feishu": FeishuChannel()}
