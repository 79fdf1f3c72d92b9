"""Social media pages: channels and messages, the webcare inbox, canned replies and the dashboard."""

from openingup.web.views.social.channels import channel_list, message_list

__all__ = ["channel_list", "message_list"]
