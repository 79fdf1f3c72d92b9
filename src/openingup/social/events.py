"""Names of the events the social context publishes (after commit, see :mod:`openingup.core.events`).

Payloads carry ids only: ``channel_id`` and, for message events, ``message_id``; conversation events
(the webcare inbox) carry ``conversation_id``, and ``message_id`` or ``request_id`` where they apply.
"""

CHANNEL_ADDED = "social.channel_added"
CHANNEL_UPDATED = "social.channel_updated"
CHANNEL_POLLED = "social.channel_polled"
MESSAGE_RECEIVED = "social.message_received"
MESSAGE_EDITED = "social.message_edited"
MESSAGE_DELETED = "social.message_deleted"
MESSAGE_SENT = "social.message_sent"
MESSAGES_IMPORTED = "social.messages_imported"  # channel_id, count: one per stored batch of an import
CONVERSATION_ASSIGNED = "social.conversation_assigned"
CONVERSATION_ANSWERED = "social.conversation_answered"
CONVERSATION_CONVERTED = "social.conversation_converted"
CONVERSATION_CLOSED = "social.conversation_closed"
POST_SUBMITTED = "social.post_submitted"  # post_id
POST_APPROVED = "social.post_approved"  # post_id
POST_REJECTED = "social.post_rejected"  # post_id
POST_PUBLISHED = "social.post_published"  # post_id, status (published | scheduled | failed)
