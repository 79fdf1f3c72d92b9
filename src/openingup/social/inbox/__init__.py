"""The webcare inbox: conversations to answer, their workflow, replies, service requests and notes."""
